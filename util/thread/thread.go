package thread

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/cupgo/cup/errs"
)

var lastID atomic.Uint64

// Thread is a goroutine started by Go that can be asked to stop. Its
// methods are safe for concurrent use.
type Thread struct {
	id     uint64
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}
	err    error // set before done is closed
}

// Go runs fn in a new goroutine with a context derived from ctx and returns
// a handle to it. fn should return when its context is done; Interrupt and
// Terminate cancel that context. A panic in fn is recovered and reported by
// Wait.
func Go(ctx context.Context, fn func(ctx context.Context) error) *Thread {
	c, cancel := context.WithCancelCause(ctx)
	t := &Thread{id: lastID.Add(1), ctx: c, cancel: cancel, done: make(chan struct{})}
	go t.run(fn)
	return t
}

func (t *Thread) run(fn func(ctx context.Context) error) {
	defer close(t.done)
	defer t.cancel(nil) // release the context's resources
	defer func() {
		if r := recover(); r != nil {
			t.err = fmt.Errorf("thread %d: panic: %v\n%s", t.id, r, debug.Stack())
		}
	}()
	err := fn(t.ctx)
	if err != nil {
		// Report why the context was cancelled if fn returned because of it.
		if cause := context.Cause(t.ctx); cause != nil && !errors.Is(err, cause) && errors.Is(err, t.ctx.Err()) {
			err = fmt.Errorf("%w: %w", cause, err)
		}
	}
	t.err = err
}

// ID returns the thread's sequential id (unique within the process, not an
// OS thread id).
func (t *Thread) ID() uint64 { return t.id }

// Alive reports whether fn is still running.
func (t *Thread) Alive() bool {
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}

// Interrupt cancels fn's context with cause (nil means context.Canceled).
// It reports false if fn had already finished. Interrupt does not wait.
func (t *Thread) Interrupt(cause error) bool {
	if !t.Alive() {
		return false
	}
	t.cancel(cause)
	return true
}

// Terminate interrupts the thread with errs.ErrThreadTerminated and waits up
// to timeout for fn to return. It reports whether fn has finished. A false
// result means fn ignores its context; the goroutine keeps running.
func (t *Thread) Terminate(timeout time.Duration) bool {
	t.Interrupt(errs.ErrThreadTerminated)
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-t.done:
		return true
	case <-timer.C:
		return false
	}
}

// Done returns a channel closed when fn has returned.
func (t *Thread) Done() <-chan struct{} { return t.done }

// Wait waits for fn to return and returns its error. If fn returned because
// its context was interrupted, the error also matches the interrupt's cause
// (errs.ErrThreadTerminated after Terminate). A panic in fn is returned as an
// error carrying the panic value and stack.
func (t *Thread) Wait() error {
	<-t.done
	return t.err
}
