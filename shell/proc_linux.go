package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cupgo/cup/errs"
)

// Causes that end a run's context, to tell a kill's reason apart.
var (
	errTimeoutCause = errors.New("shell: timeout argument expired")
	errKilledCause  = errors.New("shell: killed by Async.Kill")
)

// proc is one running command. It is owned by the goroutine that calls
// wait; Async snapshots read it under the captures' locks.
type proc struct {
	cmdText   string
	timeout   time.Duration
	killGrace time.Duration
	waitDelay time.Duration

	cmd    *exec.Cmd
	pid    int
	script string // temp script file to remove, "" if none
	start  time.Time

	parent context.Context // the caller's ctx
	ctx    context.Context // parent + timeout + Kill
	cancel context.CancelCauseFunc
	stopT  context.CancelFunc

	exited   chan struct{} // closed when the shell has exited (not yet reaped)
	readDone chan struct{} // one send per finished reader
	readers  []*os.File
	stdout   *capture
	stderr   *capture
	destMu   sync.Mutex // serialises writes to the extra destinations

	finished chan struct{} // closed once the shell has been reaped
}

// start validates, starts the shell and the goroutines that drain its
// output. On error nothing is left running or on disk.
func (e *Exec) start(ctx context.Context, cmdText string, timeout time.Duration, mode ioMode) (p *proc, err error) {
	if err := e.validate(cmdText, timeout); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("shell: not started %s: %w", brief(cmdText), errs.ErrTimeout)
		}
		return nil, fmt.Errorf("shell: not started %s: %w: %w", brief(cmdText), errs.ErrCanceled, context.Cause(ctx))
	}
	p = &proc{
		cmdText:   cmdText,
		timeout:   timeout,
		killGrace: e.KillGrace,
		waitDelay: e.waitDelay(),
		parent:    ctx,
		exited:    make(chan struct{}),
		readDone:  make(chan struct{}, 2),
		finished:  make(chan struct{}),
	}

	var closers []*os.File // closed if anything below fails
	script := ""           // removed if anything below fails
	defer func() {
		if err != nil {
			for _, f := range closers {
				f.Close()
			}
			if script != "" {
				os.Remove(script)
			}
		}
	}()

	shell := e.shell()
	args := []string{"-c", cmdText}
	if len(cmdText) > maxArgLen {
		f, err := os.CreateTemp(e.TmpDir, "cup.shell.*.sh") // mode 0600
		if err != nil {
			return nil, fmt.Errorf("shell: write script file: %w", err)
		}
		script = f.Name()
		p.script = script
		_, werr := io.WriteString(f, cmdText)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("shell: write script file: %w", werr)
		}
		args = []string{p.script}
	}

	c := exec.Command(shell, args...)
	c.Dir = e.Dir
	c.Env = e.Env
	c.Stdin = e.Stdin
	c.WaitDelay = p.waitDelay // bounds only exec's stdin copier: we pass files for stdout/stderr
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	var outW, errW *os.File
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("shell: %w", err)
	}
	closers = append(closers, outR, outW)
	p.readers = append(p.readers, outR)
	var outDest, errDest io.Writer
	switch mode {
	case ioCapture:
		p.stdout, p.stderr = newCapture(e.MaxOutput), newCapture(e.MaxOutput)
		outDest, errDest = e.Stdout, e.Stderr
	case ioCombined:
		p.stdout = newCapture(e.MaxOutput)
		outDest = e.Stdout
	case ioStream:
		outDest = e.Stdout
	}
	c.Stdout = outW
	switch mode {
	case ioCapture:
		var errR *os.File
		errR, errW, err = os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("shell: %w", err)
		}
		closers = append(closers, errR, errW)
		p.readers = append(p.readers, errR)
		c.Stderr = errW
	case ioCombined:
		c.Stderr = outW
	case ioStream:
		c.Stderr = nil // /dev/null
	}

	if e.Logger != nil {
		e.Logger.Debug("cup shell execute %s with script %q", cmdText, append([]string{shell}, args...))
	}
	p.start = time.Now()
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("shell: start %s: %w", shell, err)
	}
	p.cmd = c
	p.pid = c.Process.Pid
	// The child has its copies of the write ends; the parent's must go so
	// that the readers see EOF when the child's writers are done.
	outW.Close()
	if errW != nil {
		errW.Close()
	}

	cctx, cancel := context.WithCancelCause(ctx)
	p.ctx, p.cancel, p.stopT = cctx, cancel, func() {}
	if timeout > 0 {
		p.ctx, p.stopT = context.WithTimeoutCause(cctx, timeout, errTimeoutCause)
	}

	go p.waitExit()
	go p.drain(outR, p.stdout, outDest, mode == ioStream)
	if len(p.readers) == 2 {
		go p.drain(p.readers[1], p.stderr, errDest, false)
	}
	return p, nil
}

// waitExit closes p.exited when the shell exits, without reaping it: while
// it is a zombie its pid and process group id cannot be reused, so the
// kill sequence may still signal them safely.
func (p *proc) waitExit() {
	defer close(p.exited)
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, p.pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return // nil, or ECHILD if it is somehow gone already: either way it has exited
		}
	}
}

// readBufs are the 32 KiB read buffers of drain, reused across runs.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// drain copies one output pipe into its capture and destination until
// EOF or until wait sets a read deadline. Without a capture, a failing
// destination ends the copy and closes the pipe, so the writer gets
// SIGPIPE (what Pipe's Close relies on).
func (p *proc) drain(r *os.File, c *capture, dest io.Writer, stopOnDestErr bool) {
	defer func() { p.readDone <- struct{}{} }()
	defer r.Close()
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	buf := *bp
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if c != nil {
				c.write(buf[:n])
			}
			if dest != nil {
				p.destMu.Lock()
				_, werr := dest.Write(buf[:n])
				p.destMu.Unlock()
				if werr != nil {
					dest = nil
					if stopOnDestErr {
						return
					}
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// wait supervises the run to its end: it kills the tree when p.ctx ends
// first, waits for the output (bounded by waitDelay after a kill), reaps
// the shell, removes the script file and builds the Result.
func (p *proc) wait() (Result, error) {
	defer p.stopT()
	defer p.cancel(nil)
	killed := false
	kill := func() {
		killed = true
		p.killTree()
		<-p.exited
	}
	select {
	case <-p.exited:
	case <-p.ctx.Done():
		kill()
	}
	ctxDone := p.ctx.Done()
	if killed {
		ctxDone = nil
	}
	var delay <-chan time.Time
	if killed {
		delay = time.After(p.waitDelay)
	}
	for n := len(p.readers); n > 0; {
		select {
		case <-p.readDone:
			n--
		case <-ctxDone: // the shell exited but something still holds the pipes
			ctxDone = nil
			kill()
			delay = time.After(p.waitDelay)
		case <-delay:
			delay = nil
			for _, r := range p.readers {
				r.SetReadDeadline(time.Now()) // unblocks the reader; it closes the pipe
			}
		}
	}
	werr := p.cmd.Wait() // reaps the shell
	close(p.finished)
	if p.script != "" {
		os.Remove(p.script)
	}

	res := p.snapshot()
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ok && ws.Signaled():
		res.ReturnCode = -int(ws.Signal())
	case ok:
		res.ReturnCode = ws.ExitStatus()
	default:
		res.ReturnCode = p.cmd.ProcessState.ExitCode()
	}
	var exitErr *exec.ExitError
	if werr != nil && !errors.As(werr, &exitErr) && !errors.Is(werr, exec.ErrWaitDelay) {
		return res, fmt.Errorf("shell: wait for %s: %w", brief(p.cmdText), werr)
	}
	if !killed {
		return res, nil
	}
	cause := context.Cause(p.ctx)
	switch {
	case cause == errTimeoutCause || errors.Is(p.parent.Err(), context.DeadlineExceeded):
		t := p.timeout
		if d, ok := p.parent.Deadline(); ok && (t == 0 || d.Sub(p.start) < t) {
			t = max(d.Sub(p.start), 0)
		}
		res.ReturnCode = ReturnCodeTimeout
		res.TimedOut = true
		res.Stderr = timeoutText(p.cmdText, t) + res.Stderr
		return res, fmt.Errorf("shell: %s timed out after %v, killed: %w", brief(p.cmdText), t, errs.ErrTimeout)
	case cause == errKilledCause:
		res.ReturnCode = ReturnCodeNotRun
		return res, fmt.Errorf("shell: %s killed: %w", brief(p.cmdText), errs.ErrCanceled)
	default:
		res.ReturnCode = ReturnCodeNotRun
		if cause != nil && cause != context.Canceled {
			return res, fmt.Errorf("shell: %s cancelled, killed: %w: %w", brief(p.cmdText), errs.ErrCanceled, cause)
		}
		return res, fmt.Errorf("shell: %s cancelled, killed: %w", brief(p.cmdText), errs.ErrCanceled)
	}
}

// snapshot returns the output captured so far.
func (p *proc) snapshot() Result {
	res := Result{PID: p.pid, Duration: time.Since(p.start), ReturnCode: ReturnCodeRunning}
	res.Stdout, res.StdoutDropped = p.stdout.result()
	res.Stderr, res.StderrDropped = p.stderr.result()
	return res
}

// victim is a process recorded for the kill, with its start time to
// detect pid reuse.
type victim struct {
	pid   int
	start uint64
}

// killTree kills the shell's process group and every descendant, as the
// package doc describes. The shell is not reaped yet, so p.pid (also the
// group id) is still ours.
func (p *proc) killTree() {
	var recorded []victim
	if p.killGrace > 0 {
		snap := scanProcs()
		recorded = snap.tree(p.pid, nil)
		syscall.Kill(-p.pid, syscall.SIGTERM)
		for _, v := range recorded {
			syscall.Kill(v.pid, syscall.SIGTERM)
		}
		p.awaitGone(recorded)
	}
	// Freeze, rescanning until no new descendant appears, then kill.
	stopped := map[int]bool{}
	var order []victim
	for round := 0; round < 8; round++ {
		syscall.Kill(-p.pid, syscall.SIGSTOP)
		snap := scanProcs()
		found := false
		for _, v := range snap.tree(p.pid, recorded) {
			if stopped[v.pid] {
				continue
			}
			stopped[v.pid] = true
			found = true
			order = append(order, v)
			syscall.Kill(v.pid, syscall.SIGSTOP)
		}
		if !found {
			break
		}
	}
	syscall.Kill(-p.pid, syscall.SIGKILL)
	for _, v := range order {
		syscall.Kill(v.pid, syscall.SIGKILL)
	}
}

// awaitGone waits up to p.killGrace for the shell, its group and the
// recorded processes to exit (zombies count as exited).
func (p *proc) awaitGone(recorded []victim) {
	deadline := time.NewTimer(p.killGrace)
	defer deadline.Stop()
	tick := 5 * time.Millisecond
	for {
		select {
		case <-deadline.C:
			return
		case <-time.After(tick):
		}
		tick = min(2*tick, 100*time.Millisecond)
		if !exitedNow(p.exited) {
			continue
		}
		if len(scanProcs().tree(p.pid, recorded)) == 0 {
			return
		}
	}
}

func exitedNow(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// kill asks wait to kill the tree (Async.Kill).
func (p *proc) kill() { p.cancel(errKilledCause) }

// reaped reports whether the shell has been reaped.
func (p *proc) reaped() bool { return exitedNow(p.finished) }
