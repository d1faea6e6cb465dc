package executor

import (
	"errors"

	"github.com/cupgo/cup/errs"
)

// Errors of the package. Test for them with errors.Is.
var (
	// ErrStopped: the service was stopped (or is stopping); it accepts no
	// more tasks and cannot be restarted. It matches errs.ErrClosed.
	ErrStopped = errs.New(errs.ErrClosed, "executor: stopped")
	// ErrAlreadyStarted: Start was called on a running service.
	ErrAlreadyStarted = errs.New(errs.ErrAlreadyInitialized, "executor: already started")
	// ErrStopping is returned by Stop when called from one of the
	// service's own tasks (with the task's context): the stop has begun,
	// but Stop cannot wait for the task calling it.
	ErrStopping = errors.New("cup: executor: stop in progress (called from a task)")
	// ErrPanic wraps the value of a recovered task panic in the error
	// given to the error handler and the log.
	ErrPanic = errors.New("cup: executor: task panicked")
)
