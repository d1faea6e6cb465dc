package buffers

import "github.com/cupgo/cup/errs"

// Errors of the package. Test for them with errors.Is.
var (
	// ErrNoSpace: the pool has fewer free blocks than requested (CUP's
	// "not enough free buffer available"). It matches errs.ErrFull.
	ErrNoSpace = errs.New(errs.ErrFull, "buffers: not enough free blocks")
	// ErrTooLarge: the content does not fit in the buffer's blocks (CUP's
	// "content size > Buffer size"). It matches errs.ErrInvalidArgument.
	ErrTooLarge = errs.New(errs.ErrInvalidArgument, "buffers: content larger than buffer")
	// ErrReleased: the buffer was already released, or does not belong to
	// the pool (CUP's "this buff is not in the pool!!!"). It matches
	// errs.ErrClosed.
	ErrReleased = errs.New(errs.ErrClosed, "buffers: buffer released or not from this pool")
)
