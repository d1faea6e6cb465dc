package shell

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cupgo/cup/errs"
)

// Return codes with a special meaning in [Result.ReturnCode], as in CUP.
const (
	// ReturnCodeTimeout is the return code of a run that timed out.
	ReturnCodeTimeout = 999
	// ReturnCodeRunning is the return code reported by [Async.Result]
	// while the command is still running.
	ReturnCodeRunning = -999
	// ReturnCodeNotRun is the return code of a command that could not be
	// started or whose ctx was cancelled.
	ReturnCodeNotRun = -1
)

// DefaultShell is the shell that runs scripts when Exec.Shell is empty.
const DefaultShell = "/bin/sh"

// DefaultWaitDelay is how long output pipes are still read after a kill
// when Exec.WaitDelay is zero.
const DefaultWaitDelay = 500 * time.Millisecond

// maxArgLen is the longest script passed with -c. Linux limits one argv
// string to MAX_ARG_STRLEN (32 pages = 128 KiB) including its NUL.
const maxArgLen = 128<<10 - 1

// Result is the outcome of one run: CUP's returncode/stdout/stderr dict
// plus what Go callers need.
type Result struct {
	// Stdout and Stderr are the raw bytes the command wrote, as Go strings
	// (no decoding or replacement). On timeout Stdout holds what was
	// written before the kill and Stderr starts with CUP's text
	// `Shell "<cmd>"execution timout:<whole seconds>. Killed it`,
	// followed by the captured stderr.
	Stdout, Stderr string
	// ReturnCode is the exit status of the shell; -N if it was killed by
	// signal N from outside; 999 (ReturnCodeTimeout) on timeout; -1
	// (ReturnCodeNotRun) if it could not be started or ctx was cancelled;
	// -999 (ReturnCodeRunning) in a snapshot of a running [Async].
	ReturnCode int
	// TimedOut reports a kill because the timeout or the ctx deadline
	// expired.
	TimedOut bool
	// PID is the pid of the shell process (0 if it never started).
	PID int
	// Duration is the time from start to the end of the run (or to the
	// snapshot).
	Duration time.Duration
	// StdoutDropped and StderrDropped count the bytes left out of Stdout
	// and Stderr because Exec.MaxOutput was reached. When non-zero, the
	// string holds the first MaxOutput-MaxOutput/2 bytes of the stream
	// followed directly by its last MaxOutput/2 bytes.
	StdoutDropped, StderrDropped int64
}

// Logger receives a DEBUG line for every command run. A *log.Logger of
// this module satisfies it.
type Logger interface {
	Debug(format string, args ...any)
}

// Exec runs shell commands. The zero value is ready to use: /bin/sh, the
// caller's working directory and environment, empty stdin, unlimited
// capture, SIGKILL at once on timeout.
//
// An *Exec is safe for concurrent use as long as its fields are not
// changed; every run keeps its own state (CUP's ShellExec was not).
type Exec struct {
	// Shell runs the script as `Shell -c script` (or `Shell file` for a
	// script longer than 128 KiB). A name without a slash is looked up in
	// PATH. Default "/bin/sh".
	Shell string
	// Dir is the working directory of the command. Default: the caller's
	// working directory at call time.
	Dir string
	// Env is the environment of the command, "KEY=value" strings. nil
	// inherits the caller's environment.
	Env []string
	// Stdin is the command's standard input. nil means empty input (not
	// the caller's stdin, which is a deliberate difference from CUP). An
	// *os.File is passed to the command directly; any other reader is
	// copied by a goroutine that Run stops waiting for WaitDelay after the
	// command ends.
	Stdin io.Reader
	// Stdout and Stderr, when non-nil, also receive the command's output
	// as it arrives, in addition to the capture in Result. If a write
	// fails, that destination is dropped for the rest of the run and the
	// capture goes on. Writes to them never overlap, so one writer may be
	// given for both. A writer that blocks holds up the draining of that
	// stream (the command then blocks on a full pipe) and the return of
	// Run; a timeout still kills the tree.
	Stdout, Stderr io.Writer
	// TmpDir is where a script longer than 128 KiB is written (mode 0600)
	// before `Shell <file>` runs it; the file is removed when the run ends,
	// on every path. Default os.TempDir().
	TmpDir string
	// MaxOutput caps the capture of each stream, in bytes. 0 means
	// unlimited. Beyond the cap the first MaxOutput-MaxOutput/2 and the
	// last MaxOutput/2 bytes are kept; the count of bytes left out is in
	// Result.StdoutDropped/StderrDropped. The stream is still read to the
	// end, so the command never blocks on a full pipe.
	MaxOutput int64
	// KillGrace selects the kill sequence on timeout, cancel or
	// Async.Kill. 0 (CUP's behaviour): the process group and every
	// descendant, including ones that called setsid, are frozen with
	// SIGSTOP and killed with SIGKILL at once. > 0: they first get
	// SIGTERM; whatever is still alive after KillGrace (or that was forked
	// meanwhile) is then frozen and killed with SIGKILL. Run returns only
	// after the shell has been reaped.
	KillGrace time.Duration
	// WaitDelay bounds how long the output pipes are still read after the
	// tree has been killed, in case a process that had already escaped the
	// tree (a daemon whose parent exited) holds them open; then they are
	// closed and Run returns with the output read so far. 0 means
	// DefaultWaitDelay (500ms). It does not apply when the command ends on
	// its own: Run then reads until every writer has closed the pipes,
	// like CUP (redirect the output of background jobs you do not want to
	// wait for, or set a timeout).
	WaitDelay time.Duration
	// Logger, if non-nil, gets "cup shell execute <cmd> with script
	// <argv>" at DEBUG level for every command.
	Logger Logger
}

// Run runs cmd with a zero-value [Exec]; see [Exec.Run].
func Run(ctx context.Context, cmd string, timeout time.Duration) (Result, error) {
	var e Exec
	return e.Run(ctx, cmd, timeout)
}

// Run runs the shell script cmd and waits for it and for its output.
// timeout 0 means no timeout; a ctx deadline bounds the run as well.
//
// The error is nil whenever the script ran to its end, whatever its exit
// status (see Result.ReturnCode) and also when it was killed by a signal
// from outside (ReturnCode -N). Otherwise:
//
//   - timeout < 0, a negative field of e, or a NUL byte in cmd: an error
//     matching errs.ErrInvalidArgument, nothing started;
//   - the shell, Dir or the temp file could not be used: ReturnCode -1 and
//     an error wrapping the OS error;
//   - timeout or ctx deadline expired: the tree is killed (see the
//     package doc), ReturnCode 999, TimedOut, and an error matching both
//     errs.ErrTimeout and context.DeadlineExceeded;
//   - ctx cancelled: the tree is killed, ReturnCode -1, and an error
//     matching context.Canceled.
//
// A ctx that is already done when Run is called starts nothing and gives
// ReturnCode -1 with ctx's error (wrapped in errs.ErrTimeout for an
// expired deadline).
func (e *Exec) Run(ctx context.Context, cmd string, timeout time.Duration) (Result, error) {
	p, err := e.start(ctx, cmd, timeout, ioCapture)
	if err != nil {
		return Result{ReturnCode: ReturnCodeNotRun}, err
	}
	return p.wait()
}

// Start starts cmd like [Exec.Run] and returns at once; the command runs,
// its output is drained and its timeout enforced in the background until
// it ends. The caller must eventually call [Async.Wait] (until it
// returns the result) or [Async.Kill], or let the timeout or ctx end it.
// Errors are those of Run for a command that cannot be started.
func (e *Exec) Start(ctx context.Context, cmd string, timeout time.Duration) (*Async, error) {
	p, err := e.start(ctx, cmd, timeout, ioCapture)
	if err != nil {
		return nil, err
	}
	a := &Async{p: p, done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.res, a.err = p.wait()
	}()
	return a, nil
}

// ioMode says what happens to the command's output.
type ioMode int

const (
	ioCapture  ioMode = iota // capture stdout and stderr separately
	ioCombined               // capture stdout and stderr in one stream (as stdout)
	ioStream                 // only stream stdout to Exec.Stdout; discard stderr
)

// validate checks the arguments of a run before anything is started.
func (e *Exec) validate(cmd string, timeout time.Duration) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("shell: "+format+": %w", append(args, errs.ErrInvalidArgument)...)
	}
	switch {
	case timeout < 0:
		return bad("negative timeout %v", timeout)
	case e.MaxOutput < 0:
		return bad("negative MaxOutput %d", e.MaxOutput)
	case e.KillGrace < 0:
		return bad("negative KillGrace %v", e.KillGrace)
	case e.WaitDelay < 0:
		return bad("negative WaitDelay %v", e.WaitDelay)
	case strings.IndexByte(cmd, 0) >= 0:
		return bad("command %s contains a NUL byte", brief(cmd))
	case strings.IndexByte(e.Shell, 0) >= 0 || strings.IndexByte(e.Dir, 0) >= 0:
		return bad("Shell or Dir contains a NUL byte")
	}
	return nil
}

func (e *Exec) shell() string {
	if e.Shell == "" {
		return DefaultShell
	}
	return e.Shell
}

func (e *Exec) waitDelay() time.Duration {
	if e.WaitDelay == 0 {
		return DefaultWaitDelay
	}
	return e.WaitDelay
}

// timeoutText is CUP's timeout message: the command verbatim, the timeout
// in whole seconds (1.5s → 1), and CUP's spelling.
func timeoutText(cmd string, timeout time.Duration) string {
	return fmt.Sprintf("Shell \"%s\"execution timout:%d. Killed it", cmd, int64(timeout/time.Second))
}

// brief quotes cmd for an error message, shortened to 60 bytes.
func brief(cmd string) string {
	const n = 60
	if len(cmd) > n {
		return fmt.Sprintf("%q...", cmd[:n])
	}
	return fmt.Sprintf("%q", cmd)
}
