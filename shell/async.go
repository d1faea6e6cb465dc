package shell

import (
	"context"
)

// Async is a command started by [Exec.Start] (CUP async_run and its
// Asynccontent). Its methods are safe for concurrent use.
type Async struct {
	p    *proc
	done chan struct{}
	res  Result // set before done is closed
	err  error
}

// PID returns the pid of the shell process.
func (a *Async) PID() int { return a.p.pid }

// Done returns a channel that is closed when the run has ended: the shell
// has been reaped, its output read and its script file removed.
func (a *Async) Done() <-chan struct{} { return a.done }

// Result returns the final result and true once the run has ended. While
// it runs it returns a snapshot with ReturnCode -999 (ReturnCodeRunning),
// the output captured so far, and false (CUP get_async_run_res).
func (a *Async) Result() (Result, bool) {
	select {
	case <-a.done:
		return a.res, true
	default:
		return a.p.snapshot(), false
	}
}

// Status returns the state of the shell process as CUP's status string
// ("STATUS_RUNNING", "STATUS_SLEEPING", "STATUS_ZOMBIE" once it has exited
// but its output is still being read, ... the values of res.Status) and
// true, or "" and false once the run has ended (CUP
// get_async_run_status returning None).
func (a *Async) Status() (string, bool) {
	if a.p.reaped() {
		return "", false
	}
	return procStatus(a.p.pid)
}

// Wait waits for the run to end and returns its result and error (those
// of [Exec.Run]). If ctx ends first, Wait returns a running snapshot and
// ctx's error; the command goes on.
func (a *Async) Wait(ctx context.Context) (Result, error) {
	select {
	case <-a.done:
		return a.res, a.err
	case <-ctx.Done():
		r, _ := a.Result()
		return r, ctx.Err()
	}
}

// Kill kills the command's whole tree now, with the sequence of
// Exec.KillGrace (CUP kill_all_process), and returns once the run has
// ended. The result then has ReturnCode -1 and Wait's error matches
// context.Canceled. Kill after the end does nothing and returns nil.
func (a *Async) Kill() error {
	a.p.kill()
	<-a.done
	return nil
}
