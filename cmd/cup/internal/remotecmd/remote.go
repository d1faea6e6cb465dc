// Package remotecmd implements "cup remote run" and "cup remote copy":
// run a command on, or copy a path to, many hosts over SSH at once
// (shell/remote's FanOut), with one result row per host.
//
// Hosts are checked against known_hosts (~/.ssh/known_hosts unless
// --known-hosts; --accept-new-host-keys records unknown ones, a changed
// key is always refused). Credentials are --key files, a password read
// from the environment variable named by --password-env (never from the
// command line, where ps would show it), or, when neither is given, the
// ssh-agent at $SSH_AUTH_SOCK and the default ~/.ssh/id_* keys.
//
// The exit code is 0 only if every host succeeded, 124 if every failure
// was a timeout, 1 otherwise; 2 for a usage mistake.
package remotecmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/shell"
	"github.com/cupgo/cup/shell/remote"
)

// Exit codes besides 0 (every host succeeded) and 2 (usage).
const (
	ExitFailed  = 1   // at least one host failed
	ExitTimeout = 124 // every failed host failed by timing out
)

// Options are the parsed arguments of "cup remote run" and "cup remote
// copy".
type Options struct {
	IO *cmdutil.IOStreams

	Hosts             []string // "host" or "host:port", as given
	User              string
	KeyFiles          []string
	Password          string // read from the variable named by --password-env
	UseAgent          bool   // no --key and no password: use $SSH_AUTH_SOCK
	KnownHosts        string
	AcceptNewHostKeys bool
	Parallel          int
	Timeout           time.Duration // per host, from its turn; 0: the library's defaults
	ConnectTimeout    time.Duration
	JSON              bool

	// run
	Argv []string
	// copy
	Src, Dst string
	Tar      bool
	// Bars draws a live progress bar per host (stdout is a terminal and
	// the copy is large); otherwise progress is a plain line per host on
	// stderr.
	Bars bool
}

// NewCmd builds "cup remote" with its subcommands. runF, if set, replaces
// the default run of both (tests); it receives the subcommand's name.
func NewCmd(f *cmdutil.Factory, runF func(ctx context.Context, name string, opts *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "remote <command>",
		Short: "Run commands on and copy files to many hosts over SSH",
		Long: "Run a command on, or copy a path to, many hosts at once over SSH, with host keys\n" +
			"checked against known_hosts, and print one result row per host.",
	}
	cmd.AddCommand(newCmdRun(f, runF), newCmdCopy(f, runF))
	return cmd
}

func newCmdRun(f *cmdutil.Factory, runF func(context.Context, string, *Options) error) *cobra.Command {
	opts := &Options{}
	var passwordEnv string
	cmd := &cobra.Command{
		Use:   "run --hosts H1,H2,... [flags] -- CMD [ARG...]",
		Short: "Run a command on many hosts",
		Long: "Run CMD with its arguments on every host. The words of CMD are quoted for the\n" +
			"remote shell, so they arrive exactly as given (no globbing, $ or ; on the remote\n" +
			"side); use \"sh -c 'SCRIPT'\" for shell syntax. A host succeeds when CMD exits 0.",
		Example: "  cup remote run --hosts web1,web2:2222 --user ops -- systemctl is-active nginx\n" +
			"  CUP_PW=... cup remote run --hosts db1 --password-env CUP_PW --json -- df -h /",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.complete(f, passwordEnv); err != nil {
				return err
			}
			opts.Argv = args
			if runF != nil {
				return runF(cmd.Context(), "run", opts)
			}
			return runRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().SetInterspersed(false) // flags after CMD belong to CMD
	addFlags(cmd, opts, &passwordEnv)
	return cmd
}

func newCmdCopy(f *cmdutil.Factory, runF func(context.Context, string, *Options) error) *cobra.Command {
	opts := &Options{}
	var passwordEnv string
	cmd := &cobra.Command{
		Use:   "copy SRC DEST --hosts H1,H2,... [flags]",
		Short: "Copy a local file or directory to many hosts",
		Long: "Copy the local SRC to DEST on every host, with the semantics of scp -r: if DEST\n" +
			"is an existing directory SRC lands inside it, otherwise DEST is created. Modes\n" +
			"are kept and each file appears under its final name only when complete.\n" +
			"With --tar, the directory SRC is streamed as a tar archive into \"tar -x\" in DEST\n" +
			"(created if missing): much faster for many small files, not atomic per file.\n" +
			"On a terminal a progress bar is drawn per host for large copies.",
		Example: "  cup remote copy ./release /opt/app --hosts web1,web2,web3 --parallel 3\n" +
			"  cup remote copy --tar ./site /var/www --hosts web1,web2",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.complete(f, passwordEnv); err != nil {
				return err
			}
			opts.Src, opts.Dst = args[0], args[1]
			info, err := os.Stat(opts.Src)
			if err != nil {
				return cmdutil.FlagErrorf("SRC: %v", err)
			}
			if opts.Tar && !info.IsDir() {
				return cmdutil.FlagErrorf("--tar copies a directory; %s is not one", opts.Src)
			}
			if opts.Dst == "" {
				return cmdutil.FlagErrorf("DEST must not be empty")
			}
			opts.Bars = f.IO.IsStdoutTTY() && !opts.JSON && treeSize(opts.Src) >= barMinBytes
			if runF != nil {
				return runF(cmd.Context(), "copy", opts)
			}
			return runCopy(cmd.Context(), opts)
		},
	}
	addFlags(cmd, opts, &passwordEnv)
	cmd.Flags().BoolVar(&opts.Tar, "tar", false, "stream the directory SRC as a tar archive into tar -x on each host")
	return cmd
}

func addFlags(cmd *cobra.Command, opts *Options, passwordEnv *string) {
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.Hosts, "hosts", nil, "comma-separated hosts, each host or host:port (required)")
	fl.StringVarP(&opts.User, "user", "u", "", "user to log in as (default: $USER, else the current user)")
	fl.StringArrayVarP(&opts.KeyFiles, "key", "i", nil, "private key file (repeatable)")
	fl.StringVar(passwordEnv, "password-env", "", "name of the environment variable holding the password")
	fl.StringVar(&opts.KnownHosts, "known-hosts", "", "known_hosts file (default: ~/.ssh/known_hosts)")
	fl.BoolVar(&opts.AcceptNewHostKeys, "accept-new-host-keys", false, "trust and record hosts not yet in known_hosts (a changed key is still refused)")
	fl.IntVarP(&opts.Parallel, "parallel", "p", remote.DefaultParallelism, "hosts worked on at once")
	fl.DurationVar(&opts.Timeout, "timeout", 0, "per-host time limit, connect included; the command is killed remotely (0: 800s)")
	fl.DurationVar(&opts.ConnectTimeout, "connect-timeout", remote.DefaultConnectTimeout, "time limit for the TCP connect and SSH login")
	cmdutil.AddJSONFlag(cmd, &opts.JSON)
}

// complete validates the flags and fills in what they imply.
func (o *Options) complete(f *cmdutil.Factory, passwordEnv string) error {
	o.IO = f.IO
	var hosts []string
	for _, h := range o.Hosts {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if err := checkHost(h); err != nil {
			return cmdutil.FlagErrorf("--hosts: %v", err)
		}
		hosts = append(hosts, h)
	}
	if len(hosts) == 0 {
		return cmdutil.FlagErrorf("--hosts names no host (give --hosts H1,H2,...)")
	}
	o.Hosts = hosts
	if o.User == "" {
		o.User = os.Getenv("USER")
		if u, err := user.Current(); o.User == "" && err == nil {
			o.User = u.Username
		}
	}
	if o.Parallel < 1 {
		return cmdutil.FlagErrorf("--parallel must be at least 1, got %d", o.Parallel)
	}
	if o.Timeout < 0 || o.ConnectTimeout < 0 {
		return cmdutil.FlagErrorf("--timeout and --connect-timeout must not be negative")
	}
	for _, k := range o.KeyFiles {
		if _, err := os.Stat(k); err != nil {
			return cmdutil.FlagErrorf("--key: %v", err)
		}
	}
	if o.KnownHosts != "" {
		if _, err := os.Stat(o.KnownHosts); err != nil && !o.AcceptNewHostKeys {
			return cmdutil.FlagErrorf("--known-hosts: %v", err)
		}
	}
	if passwordEnv != "" {
		o.Password = os.Getenv(passwordEnv)
		if o.Password == "" {
			return cmdutil.FlagErrorf("--password-env: $%s is empty or unset", passwordEnv)
		}
	}
	if len(o.KeyFiles) == 0 && o.Password == "" {
		o.UseAgent = os.Getenv("SSH_AUTH_SOCK") != ""
		o.KeyFiles = defaultKeys()
		if !o.UseAgent && len(o.KeyFiles) == 0 {
			return cmdutil.FlagErrorf("no credentials: give --key or --password-env, or run an ssh-agent")
		}
	}
	return nil
}

// checkHost accepts "host", "host:port" and "[v6]:port".
func checkHost(h string) error {
	if !strings.Contains(h, ":") {
		return nil
	}
	host, port, err := net.SplitHostPort(h)
	if err != nil {
		return fmt.Errorf("%q: %w", h, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 || host == "" {
		return fmt.Errorf("%q: want host or host:port with a port in 1-65535", h)
	}
	return nil
}

// defaultKeys returns the standard identity files of ~/.ssh that exist,
// as ssh would try them.
func defaultKeys() []string {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	var keys []string
	for _, n := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
		p := filepath.Join(home, ".ssh", n)
		if _, err := os.Stat(p); err == nil {
			keys = append(keys, p)
		}
	}
	return keys
}

// configs builds one remote.Config per host.
func (o *Options) configs() []remote.Config {
	var known []string
	if o.KnownHosts != "" {
		known = []string{o.KnownHosts}
	}
	cfgs := make([]remote.Config, len(o.Hosts))
	for i, h := range o.Hosts {
		cfgs[i] = remote.Config{
			Host:              h,
			User:              o.User,
			Password:          o.Password,
			KeyFiles:          o.KeyFiles,
			UseAgent:          o.UseAgent,
			KnownHostsFiles:   known,
			AcceptNewHostKeys: o.AcceptNewHostKeys,
			ConnectTimeout:    o.ConnectTimeout,
		}
	}
	return cfgs
}

func (o *Options) fanOut() remote.FanOut {
	return remote.FanOut{Parallelism: o.Parallel, Timeout: o.Timeout}
}

func runRun(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	results := opts.fanOut().Run(ctx, opts.configs(), shell.QuoteArgs(opts.Argv))
	return finish(ctx, opts, "run", results, nil)
}

// finish reports the results; when cup itself was interrupted, the
// cancellation is returned so that the root maps it to its exit code.
func finish(ctx context.Context, opts *Options, command string, results []remote.HostResult, bytes []int64) error {
	err := report(opts, command, results, bytes)
	if cerr := ctx.Err(); cerr != nil && errors.Is(cerr, context.Canceled) {
		return cerr
	}
	return err
}

// exitError turns the results into the command's outcome.
func exitError(results []remote.HostResult) error {
	failed, timeouts := 0, 0
	for _, r := range results {
		if r.Err != nil {
			failed++
			if errors.Is(r.Err, errs.ErrTimeout) {
				timeouts++
			}
		}
	}
	switch {
	case failed == 0:
		return nil
	case timeouts == failed:
		return &cmdutil.ExitError{Code: ExitTimeout}
	}
	return &cmdutil.ExitError{Code: ExitFailed}
}
