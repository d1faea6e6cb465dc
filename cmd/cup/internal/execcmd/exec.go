// Package execcmd implements "cup exec [--timeout D] -- CMD...": run a
// program with shell.Run's timeout-kill semantics.
//
// CMD is an argv, not shell text: its words are quoted with
// shell.QuoteArgs and run as "exec <quoted argv>" by /bin/sh, so no word
// is ever interpreted by the shell (no globbing, no $, no ;) and, thanks
// to exec, the shell is replaced by the program, whose exit status and
// signals are then its own. Going through shell.Exec (rather than
// exec.Command) keeps the whole of shell.Run's behaviour: own process
// group, tree kill on timeout including setsid'd descendants, reaping,
// WaitDelay on pipes held by escaped daemons. Use "cup exec -- sh -c
// 'SCRIPT'" for shell syntax.
//
// The program's stdout and stderr are streamed through as they are
// written. Its stdin is cup's, unless that is a terminal: the program runs
// in its own process group, which is not the terminal's foreground group,
// so reading the terminal would stop it (SIGTTIN); it gets empty input
// instead. The exit code is the program's; 128+N if
// a signal N killed it; 124 on timeout (after a one-line message on
// stderr), like coreutils timeout(1); 127 if it cannot be started.
package execcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/shell"
)

// Exit codes of cup exec besides the program's own.
const (
	ExitTimeout  = 124 // the timeout expired and the program's tree was killed
	ExitNotFound = 127 // the program could not be started
)

// captureCap bounds what cup exec keeps in memory of the streamed output;
// it only serves the timeout message path.
const captureCap = 64 << 10

// Options are the parsed arguments of "cup exec".
type Options struct {
	IO        *cmdutil.IOStreams
	Timeout   time.Duration
	KillGrace time.Duration
	Argv      []string
}

// NewCmd builds "cup exec". runF replaces the default run in tests.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "exec [--timeout D] -- CMD [ARG...]",
		Short: "Run a program with a timeout that kills its whole process tree",
		Long: "Run CMD with its arguments (no shell interpretation) in its own process group.\n" +
			"On timeout the whole tree is killed, including descendants that called setsid,\n" +
			"and cup exits 124. Otherwise the exit code is CMD's (128+N if signal N killed it).",
		Example: "  cup exec --timeout 30s -- make -j4\n  cup exec --timeout 5s -- sh -c 'sleep 10 & wait'",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Timeout < 0 {
				return cmdutil.FlagErrorf("--timeout must not be negative, got %v", opts.Timeout)
			}
			if opts.KillGrace < 0 {
				return cmdutil.FlagErrorf("--kill-grace must not be negative, got %v", opts.KillGrace)
			}
			opts.IO = f.IO
			opts.Argv = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().SetInterspersed(false) // flags after CMD belong to CMD
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 0, "kill CMD and its descendants after this long (0: no timeout)")
	cmd.Flags().DurationVar(&opts.KillGrace, "kill-grace", 0, "on timeout send SIGTERM first and SIGKILL after this long (0: SIGKILL at once)")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	e := shell.Exec{
		Stdin:     stdin(opts.IO.In),
		Stdout:    opts.IO.Out,
		Stderr:    opts.IO.ErrOut,
		MaxOutput: captureCap,
		KillGrace: opts.KillGrace,
	}
	res, err := e.Run(ctx, "exec "+shell.QuoteArgs(opts.Argv), opts.Timeout)
	switch {
	case errors.Is(err, errs.ErrTimeout):
		fmt.Fprintf(opts.IO.ErrOut, "cup exec: %s timed out after %v; killed its process tree\n", opts.Argv[0], opts.Timeout)
		return &cmdutil.ExitError{Code: ExitTimeout}
	case err != nil:
		return err // cancelled (root maps to 130) or not started
	case res.ReturnCode < 0:
		return &cmdutil.ExitError{Code: 128 - res.ReturnCode}
	case res.ReturnCode != 0:
		return &cmdutil.ExitError{Code: res.ReturnCode}
	}
	return nil
}

// stdin returns in, or nil (empty input) when in is a terminal.
func stdin(in io.Reader) io.Reader {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return in
}
