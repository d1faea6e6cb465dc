// Package root assembles the cup command tree and maps errors to exit
// codes.
package root

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/cmd/cup/internal/versioncmd"
	"github.com/cupgo/cup/errs"
)

// Exit codes of the cup command.
const (
	ExitOK      = 0
	ExitError   = 1   // the command failed
	ExitUsage   = 2   // a bad flag or argument
	ExitTimeout = 124 // a timeout, as coreutils timeout(1) reports it
	ExitSignal  = 130 // interrupted by SIGINT or SIGTERM
)

// NewCmdRoot builds the cup command with every subcommand.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:           "cup <command> [flags]",
		Short:         "Common useful tools for ops work on Linux",
		Long:          "cup is the command-line face of the cup library: machine facts, commands with\ntimeouts, remote runs, configuration files, messages, mail and Jenkins.",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SetIn(f.IO.In)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &cmdutil.FlagError{Err: err}
	})

	cmd.AddCommand(versioncmd.NewCmd(f, nil))
	addCommands(cmd, f)
	return cmd
}

// Main runs cup with args and returns the process exit code.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return Run(ctx, cmdutil.SystemIO(), args)
}

// Run executes the command tree with the given streams and returns the
// exit code; tests call it directly.
func Run(ctx context.Context, io *cmdutil.IOStreams, args []string) int {
	f := &cmdutil.Factory{IO: io}
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return exitCode(ctx, f, cmd, err)
}

func exitCode(ctx context.Context, f *cmdutil.Factory, cmd *cobra.Command, err error) int {
	if err == nil {
		return ExitOK
	}
	var exitErr *cmdutil.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.Code
	}
	fmt.Fprintln(f.IO.ErrOut, "cup:", trimCup(err.Error()))
	switch {
	case cmdutil.IsFlagError(err) || isCobraUsage(err):
		fmt.Fprintln(f.IO.ErrOut, "Run 'cup help' for usage.")
		return ExitUsage
	case errors.Is(err, errs.ErrTimeout):
		return ExitTimeout
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return ExitSignal
	}
	return ExitError
}

// isCobraUsage recognises the unknown-command and argument-count errors
// that cobra returns as plain errors.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "accepts ", "requires at least", "requires at most", "requires exactly"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func trimCup(s string) string { return strings.TrimPrefix(s, "cup: ") }
