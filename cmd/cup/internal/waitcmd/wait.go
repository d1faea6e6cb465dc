// Package waitcmd implements "cup wait": block until a file exists (or a
// regular expression appears in it), a port is listening (or free), or a
// process exists (or is gone), with a timeout. It is the command-line face
// of services/autowait; a timeout exits 124.
package waitcmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/services/autowait"
)

// Kind is what a wait is for.
type Kind string

// The kinds of waits.
const (
	KindFile    Kind = "file"
	KindPort    Kind = "port"
	KindProcess Kind = "process"
)

// Options are the parsed arguments of "cup wait ...".
type Options struct {
	IO       *cmdutil.IOStreams
	Kind     Kind
	Timeout  time.Duration
	Interval time.Duration

	// file
	Path      string
	Regexp    *regexp.Regexp
	Recursive bool

	// port
	Host string // empty: any local socket (kernel tables); else dial Host:Port
	Port int
	Free bool

	// process
	Name string // a bare name, or a path (holding "/")
	PID  int
	Gone bool
}

// NewCmd builds "cup wait" and its subcommands. runF replaces the default
// run in tests.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "wait <file|port|process> [flags]",
		Short: "Wait until a file, port or process is ready (exit 124 on timeout)",
		Long: "Wait until a condition holds, checking at once and then every --interval until\n" +
			"--timeout passes (0 checks once). Exits 0 when it holds, 124 on timeout.",
	}
	run := func(cmd *cobra.Command, opts *Options) error {
		opts.IO = f.IO
		if opts.Timeout < 0 {
			return cmdutil.FlagErrorf("--timeout %v must not be negative", opts.Timeout)
		}
		if opts.Interval <= 0 {
			return cmdutil.FlagErrorf("--interval %v must be positive", opts.Interval)
		}
		if runF != nil {
			return runF(cmd.Context(), opts)
		}
		return Run(cmd.Context(), opts)
	}
	addTiming := func(c *cobra.Command, o *Options) {
		c.Flags().DurationVar(&o.Timeout, "timeout", autowait.DefaultTimeout, "how long to wait; 0 checks once")
		c.Flags().DurationVar(&o.Interval, "interval", autowait.DefaultInterval, "time between checks")
	}

	fileOpts := &Options{Kind: KindFile}
	var re string
	fileCmd := &cobra.Command{
		Use:   "file PATH",
		Short: "Wait until PATH exists, or until a line of it matches --regexp",
		Long: "Wait until PATH exists (a file or directory). With --recursive, PATH is DIR/NAME\n" +
			"and NAME (a glob pattern allowed) may be anywhere below DIR. With --regexp RE,\n" +
			"wait until a line of the file PATH matches RE (Go RE2 syntax); the file is read\n" +
			"incrementally and may not exist yet.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fileOpts.Path = args[0]
			if re != "" {
				if fileOpts.Recursive {
					return cmdutil.FlagErrorf("--regexp and --recursive cannot be combined")
				}
				r, err := regexp.Compile(re)
				if err != nil {
					return cmdutil.FlagErrorf("--regexp: %v", err)
				}
				fileOpts.Regexp = r
			}
			return run(cmd, fileOpts)
		},
	}
	fileCmd.Flags().StringVar(&re, "regexp", "", "wait for a line matching this regular expression")
	fileCmd.Flags().BoolVarP(&fileOpts.Recursive, "recursive", "r", false, "look for the base name of PATH anywhere below its directory")
	addTiming(fileCmd, fileOpts)

	portOpts := &Options{Kind: KindPort}
	portCmd := &cobra.Command{
		Use:   "port [HOST:]PORT",
		Short: "Wait until PORT is listening (or, with --free, until it is not)",
		Long: "Without HOST, wait until a local TCP socket listens on PORT or a UDP socket is\n" +
			"bound to it, on any address, read from the kernel's socket tables. With HOST,\n" +
			"wait until a TCP connection to HOST:PORT succeeds.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			host, port, err := parseHostPort(args[0])
			if err != nil {
				return err
			}
			portOpts.Host, portOpts.Port = host, port
			return run(cmd, portOpts)
		},
	}
	portCmd.Flags().BoolVar(&portOpts.Free, "free", false, "wait until the port is not listening")
	addTiming(portCmd, portOpts)

	procOpts := &Options{Kind: KindProcess}
	procCmd := &cobra.Command{
		Use:   "process NAME|PATH|--pid N",
		Short: "Wait until a process exists (or, with --gone, until it has exited)",
		Long: "NAME matches processes whose executable base name is exactly NAME. PATH (holding\n" +
			"a \"/\") matches processes running that program: same executable base name,\n" +
			"executable or working directory in PATH's directory or below. --pid N waits\n" +
			"for that process id.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 1 && cmd.Flags().Changed("pid"):
				return cmdutil.FlagErrorf("give NAME or --pid, not both")
			case len(args) == 1:
				procOpts.Name = args[0]
			case !cmd.Flags().Changed("pid"):
				return cmdutil.FlagErrorf("give a process NAME or --pid N")
			case procOpts.PID <= 0:
				return cmdutil.FlagErrorf("--pid %d must be positive", procOpts.PID)
			}
			return run(cmd, procOpts)
		},
	}
	procCmd.Flags().IntVar(&procOpts.PID, "pid", 0, "wait for this process id")
	procCmd.Flags().BoolVar(&procOpts.Gone, "gone", false, "wait until the process has exited")
	addTiming(procCmd, procOpts)

	cmd.AddCommand(fileCmd, portCmd, procCmd)
	return cmd
}

// parseHostPort splits "[HOST:]PORT".
func parseHostPort(s string) (string, int, error) {
	host, ps := "", s
	if strings.Contains(s, ":") {
		h, p, err := net.SplitHostPort(s)
		if err != nil {
			return "", 0, cmdutil.FlagErrorf("%q: want [HOST:]PORT", s)
		}
		host, ps = h, p
	}
	port, err := strconv.Atoi(ps)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, cmdutil.FlagErrorf("%q: port must be a number in 1-65535", s)
	}
	return host, port, nil
}

// Run performs the wait described by opts.
func Run(ctx context.Context, opts *Options) error {
	w := []autowait.Option{autowait.Timeout(opts.Timeout), autowait.Interval(opts.Interval)}
	switch opts.Kind {
	case KindFile:
		if opts.Regexp != nil {
			return autowait.UntilRegexInFile(ctx, opts.Path, opts.Regexp, w...)
		}
		if opts.Recursive {
			w = append(w, autowait.Recursive())
		}
		return autowait.UntilFileExists(ctx, filepath.Dir(opts.Path), filepath.Base(opts.Path), w...)
	case KindPort:
		if opts.Host == "" {
			if opts.Free {
				return autowait.UntilPortFree(ctx, opts.Port, w...)
			}
			return autowait.UntilPortUsed(ctx, opts.Port, w...)
		}
		addr := net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port))
		dial := func(ctx context.Context) (bool, error) {
			ctx, cancel := context.WithTimeout(ctx, max(opts.Interval, time.Second))
			defer cancel()
			c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
			if err != nil {
				var dnsErr *net.DNSError
				if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
					return false, errs.New(errs.ErrInvalidArgument, "host %q: %w", opts.Host, err)
				}
				return false, nil
			}
			c.Close()
			return true, nil
		}
		if opts.Free {
			return autowait.UntilFalse(ctx, dial, w...)
		}
		return autowait.Until(ctx, dial, w...)
	case KindProcess:
		switch {
		case opts.PID > 0 && opts.Gone:
			return autowait.UntilPIDGone(ctx, opts.PID, w...)
		case opts.PID > 0:
			return autowait.UntilPIDExists(ctx, opts.PID, w...)
		case strings.Contains(opts.Name, "/") && opts.Gone:
			return autowait.UntilProcessGone(ctx, opts.Name, w...)
		case strings.Contains(opts.Name, "/"):
			return autowait.UntilProcessExists(ctx, opts.Name, w...)
		case opts.Gone:
			return autowait.UntilProcessNameGone(ctx, opts.Name, w...)
		}
		return autowait.UntilProcessNamed(ctx, opts.Name, w...)
	}
	return fmt.Errorf("cup wait: unknown kind %q", opts.Kind)
}
