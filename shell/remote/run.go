package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/cupgo/cup/errs"
)

// Result is the outcome of a remote command, with CUP's two statuses.
type Result struct {
	// ExitStatus is CUP's local outcome: 0 the command ran to completion
	// (whatever its own status), 1 timeout or cancellation, -1 a
	// connection, authentication, protocol or transfer failure.
	ExitStatus int
	// RemoteExitStatus is the remote command's exit status as the server
	// reported it: 128+N when killed by signal N, -1 when unknown.
	RemoteExitStatus int
	// Signal is the name of the signal that killed the remote command
	// ("KILL", "TERM", ...), when the server reported one.
	Signal string
	// Stdout and Stderr are the command's output streams.
	Stdout, Stderr string
	// Output is stdout and stderr interleaved in arrival order (CUP's
	// "result").
	Output string
	// Duration is how long the call took.
	Duration time.Duration
	// CleanupErr reports a failure to remove the uploaded script
	// (RunScript, GoWithScp); it never replaces the command's result.
	CleanupErr error

	err error // the transport or timeout error, if any
}

// Err returns the transport or timeout error if there was one; otherwise
// an *ExitError when the remote command failed; otherwise nil.
func (r *Result) Err() error {
	if r.err != nil {
		return r.err
	}
	if r.RemoteExitStatus != 0 {
		return &ExitError{Status: r.RemoteExitStatus, Signal: r.Signal, Stderr: r.Stderr}
	}
	return nil
}

// ExitError reports a remote command that exited with a non-zero status.
type ExitError struct {
	Status int    // the remote exit status (128+N for signal N)
	Signal string // the signal's name, if the command was killed by one
	Stderr string // the command's standard error
}

func (e *ExitError) Error() string {
	s := fmt.Sprintf("cup: remote command exited with status %d", e.Status)
	if e.Signal != "" {
		s += " (signal " + e.Signal + ")"
	}
	return s
}

// lockedBuffer is a buffer that several writers share.
type lockedBuffer struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// runIDVar is the environment variable that marks every process of one
// Run, so that a timeout can find and kill them all.
const runIDVar = "CUP_RUN_ID"

// newRunID returns a random marker for one command.
func newRunID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// wrap turns cmd into the command line sent to the server: cmd itself,
// run by the login shell exactly as ssh would run it, after exporting a
// marker variable that every process the command starts inherits (also
// those that leave its process group with setsid). The prefix is POSIX
// shell syntax, understood by the login shells of sh, bash, dash, ksh and
// zsh users.
func wrap(cmd, id string) string {
	return runIDVar + "=" + id + "; export " + runIDVar + "; " + cmd
}

// killScript kills every process on the host whose environment carries
// the marker of run id. It runs in a separate session; its own processes
// do not carry the marker.
func killScript(id string) string {
	return `for p in /proc/[0-9]*; do grep -qa '` + runIDVar + "=" + id + `' "$p/environ" 2>/dev/null && kill -9 "${p#/proc/}" 2>/dev/null; done; true`
}

// killRun kills the remote processes of run id: a SIGKILL to the
// session's process group through the protocol (which sshd honours only
// for sessions under privilege separation, so not for root), and a sweep
// by marker from a second session, bounded by a few seconds.
func (c *Client) killRun(sess *ssh.Session, id string) {
	_ = sess.Signal(ssh.SIGKILL)
	k, err := c.ssh.NewSession()
	if err != nil {
		return
	}
	defer k.Close()
	done := make(chan struct{})
	go func() {
		_ = k.Run(killScript(id))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = k.Close()
		<-done
	}
}

// Run runs cmd (a shell command line, interpreted by sh on the remote
// host) and waits for it. err is non-nil only for a connection, protocol
// or timeout failure; a command that fails is reported in
// Result.RemoteExitStatus with err == nil (use Result.Err for an error).
//
// When ctx ends first, every remote process of the command is killed and
// the result has ExitStatus 1, the output received so far and an error
// matching errs.ErrTimeout (deadline) or context.Canceled.
func (c *Client) Run(ctx context.Context, cmd string) (*Result, error) {
	start := time.Now()
	res := &Result{RemoteExitStatus: -1}
	fail := func(status int, err error) (*Result, error) {
		res.ExitStatus = status
		res.err = err
		res.Duration = time.Since(start)
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return fail(1, c.ctxError(ctx, cmd))
	}
	sess, err := c.ssh.NewSession()
	if err != nil {
		return fail(-1, fmt.Errorf("remote: %s: open session: %w: %w", c.addr, errs.ErrNet, err))
	}
	defer sess.Close()

	var mu sync.Mutex
	var stdout, stderr, combined bytes.Buffer
	all := lockedBuffer{&mu, &combined}
	outs := []io.Writer{lockedBuffer{&mu, &stdout}, all}
	errw := []io.Writer{lockedBuffer{&mu, &stderr}, all}
	if c.cfg.Stdout != nil {
		outs = append(outs, c.cfg.Stdout)
	}
	if c.cfg.Stderr != nil {
		errw = append(errw, c.cfg.Stderr)
	}
	sess.Stdout = io.MultiWriter(outs...)
	sess.Stderr = io.MultiWriter(errw...)
	snapshot := func() {
		mu.Lock()
		res.Stdout, res.Stderr, res.Output = stdout.String(), stderr.String(), combined.String()
		mu.Unlock()
	}

	id := newRunID()
	if err := sess.Start(wrap(cmd, id)); err != nil {
		return fail(-1, fmt.Errorf("remote: %s: start command: %w: %w", c.addr, errs.ErrNet, err))
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()

	select {
	case err = <-done:
	case <-ctx.Done():
		c.killRun(sess, id)
		// With its processes gone the server ends the session; if it does
		// not answer, give up on it: the Wait goroutine ends at the
		// latest when the connection closes.
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			_ = sess.Close()
		}
		snapshot()
		return fail(1, c.ctxError(ctx, cmd))
	}
	snapshot()
	res.Duration = time.Since(start)
	var exitErr *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case err == nil:
		res.RemoteExitStatus = 0
	case errors.As(err, &exitErr):
		res.RemoteExitStatus = exitErr.ExitStatus()
		res.Signal = exitErr.Signal()
	case errors.As(err, &missing):
		return fail(-1, fmt.Errorf("remote: %s: the command ended without an exit status (connection lost?): %w: %w", c.addr, errs.ErrNet, err))
	default:
		return fail(-1, fmt.Errorf("remote: %s: %w: %w", c.addr, errs.ErrNet, err))
	}
	return res, nil
}

func (c *Client) ctxError(ctx context.Context, cmd string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("remote: %s: command %q did not finish in time, killed: %w", c.addr, cmd, errs.ErrTimeout)
	}
	return fmt.Errorf("remote: %s: command %q: %w", c.addr, cmd, ctx.Err())
}

// withDefaultTimeout gives ctx a deadline of d when it has none.
func withDefaultTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// failed builds the Result of a call that never ran: ExitStatus and
// RemoteExitStatus -1 and the error text in Output, as CUP reported it.
func failed(err error, start time.Time) *Result {
	return &Result{ExitStatus: -1, RemoteExitStatus: -1, Output: err.Error(), err: err, Duration: time.Since(start)}
}

// GoEx dials cfg's host, runs cmd and closes the connection: CUP's go_ex.
// It never returns nil and never panics: a failure to connect or log in
// gives ExitStatus -1 with the error in Output and Err(). Without a ctx
// deadline, DefaultRunTimeout applies.
func GoEx(ctx context.Context, cfg Config, cmd string) *Result {
	start := time.Now()
	ctx, cancel := withDefaultTimeout(ctx, DefaultRunTimeout)
	defer cancel()
	c, err := Dial(ctx, cfg)
	if err != nil {
		return failed(err, start)
	}
	defer c.Close()
	res, _ := c.Run(ctx, cmd)
	res.Duration = time.Since(start)
	return res
}

// CheckSSH reports whether cfg's host accepts the login and runs a
// command: it runs `echo "testSSH"` within 8 seconds (CUP's checkssh) and
// returns nil only if that exits 0 and prints testSSH.
func CheckSSH(ctx context.Context, cfg Config) error {
	ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
	defer cancel()
	res := GoEx(ctx, cfg, `echo "testSSH"`)
	if err := res.Err(); err != nil {
		return err
	}
	if !bytes.Contains([]byte(res.Stdout), []byte("testSSH")) {
		return fmt.Errorf("remote: %s: check command printed %q, not testSSH: %w", cfg.Host, res.Stdout, errs.ErrNet)
	}
	return nil
}
