package shell

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/cupgo/cup/errs"
)

// ExitError reports a script that ran to its end with a non-zero status,
// from the Output-style helpers ([Output], [OutputLines],
// [CombinedOutputLines], [Pipe]); [Exec.Run] never returns it. It matches
// errs.ErrShell.
type ExitError struct {
	// ReturnCode is the exit status, or -N if the shell was killed by
	// signal N.
	ReturnCode int
	// Stderr is the script's standard error, when the helper captured it.
	Stderr string
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("shell: exit status %d", e.ReturnCode)
	if e.ReturnCode < 0 {
		msg = fmt.Sprintf("shell: killed by signal %d", -e.ReturnCode)
	}
	if s := strings.TrimSpace(e.Stderr); s != "" {
		if len(s) > 200 {
			s = s[:200] + "..."
		}
		msg += ": " + s
	}
	return msg
}

// Unwrap returns errs.ErrShell.
func (e *ExitError) Unwrap() error { return errs.ErrShell }

// ExecShellOptions configure [ExecShell].
type ExecShellOptions struct {
	// Print writes "To exec cmd:<cmd>\n" to Out before running (CUP
	// b_printcmd).
	Print bool
	// Out receives the Print line; nil means os.Stdout.
	Out io.Writer
	// Timeout bounds the run; 0 means none, < 0 is rejected.
	Timeout time.Duration
}

// ExecShell runs cmd and returns its return code, CUP execshell. The
// output is discarded. A timeout gives 999 and an error matching
// errs.ErrTimeout, as in [Exec.Run]; a negative Timeout is rejected with
// errs.ErrInvalidArgument before anything is printed or run.
func ExecShell(ctx context.Context, cmd string, o ExecShellOptions) (int, error) {
	if o.Timeout < 0 {
		return ReturnCodeNotRun, fmt.Errorf("shell: negative timeout %v: %w", o.Timeout, errs.ErrInvalidArgument)
	}
	if o.Print {
		out := o.Out
		if out == nil {
			out = os.Stdout
		}
		fmt.Fprintf(out, "To exec cmd:%s\n", cmd)
	}
	res, err := Run(ctx, cmd, o.Timeout)
	return res.ReturnCode, err
}

// Output runs cmd and returns its standard output unchanged (CUP
// execshell_withpipe_str, but for the whole script: stderr is discarded
// whatever the script redirects). A non-zero status gives the output and
// an *ExitError holding stderr; timeout and cancel errors are those of
// [Exec.Run] (bound the run with ctx).
func Output(ctx context.Context, cmd string) (string, error) {
	res, err := Run(ctx, cmd, 0)
	if err != nil {
		return res.Stdout, err
	}
	if res.ReturnCode != 0 {
		return res.Stdout, &ExitError{ReturnCode: res.ReturnCode, Stderr: res.Stderr}
	}
	return res.Stdout, nil
}

// OutputLines is [Output] split into lines without their terminators
// (CUP execshell_withpipe_ex).
func OutputLines(ctx context.Context, cmd string) ([]string, error) {
	out, err := Output(ctx, cmd)
	return lines(out), err
}

// CombinedOutputLines runs cmd with stdout and stderr in one stream, in
// the order written, and returns its lines without terminators (CUP
// execshell_withpipe_exwitherr, for the whole script). A non-zero status
// gives the lines and an *ExitError.
func CombinedOutputLines(ctx context.Context, cmd string) ([]string, error) {
	var e Exec
	p, err := e.start(ctx, cmd, 0, ioCombined)
	if err != nil {
		return nil, err
	}
	res, err := p.wait()
	if err != nil {
		return lines(res.Stdout), err
	}
	if res.ReturnCode != 0 {
		return lines(res.Stdout), &ExitError{ReturnCode: res.ReturnCode}
	}
	return lines(res.Stdout), nil
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	ls := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return ls
}

// Pipe starts cmd and returns its standard output as a stream (CUP
// execshell_withpipe); stderr is discarded. The caller must Close it.
// Reading reaches EOF once the command has ended. Close stops reading (a
// command still writing then gets SIGPIPE), waits for the command to end
// and returns nil, an *ExitError for a non-zero status, or the error of
// [Exec.Run] (cancelling ctx kills the command's tree).
func Pipe(ctx context.Context, cmd string) (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	e := Exec{Stdout: pw}
	p, err := e.start(ctx, cmd, 0, ioStream)
	if err != nil {
		pw.Close()
		return nil, err
	}
	pp := &pipe{pr: pr, done: make(chan struct{})}
	go func() {
		defer close(pp.done)
		res, err := p.wait()
		if err == nil && res.ReturnCode != 0 {
			err = &ExitError{ReturnCode: res.ReturnCode}
		}
		pp.err = err
		pw.Close() // readers see EOF; the error comes from Close
	}()
	return pp, nil
}

type pipe struct {
	pr   *io.PipeReader
	done chan struct{}
	err  error
}

func (p *pipe) Read(b []byte) (int, error) { return p.pr.Read(b) }

func (p *pipe) Close() error {
	p.pr.Close()
	<-p.done
	return p.err
}

// Which finds an executable like exec.LookPath (CUP ShellExec.which): a
// name with a slash is checked as is, otherwise PATH is searched. Not
// found gives an error matching exec.ErrNotFound.
func Which(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("shell: which: %w", err)
	}
	return p, nil
}
