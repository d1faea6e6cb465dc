package exfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
)

// LockType selects a shared or an exclusive lock.
type LockType int

const (
	// LockExclusive is an exclusive (write) lock: no other lock may be held
	// (CUP FILELOCK_EXCLUSIVE).
	LockExclusive LockType = iota + 1
	// LockShared is a shared (read) lock: other shared locks may be held at
	// the same time (CUP FILELOCK_SHARED).
	LockShared
)

// String returns "exclusive" or "shared".
func (t LockType) String() string {
	switch t {
	case LockExclusive:
		return "exclusive"
	case LockShared:
		return "shared"
	}
	return fmt.Sprintf("LockType(%d)", int(t))
}

// maxBackoff bounds the pause between attempts of a blocking Lock.
const maxBackoff = 50 * time.Millisecond

// LockFile is an advisory flock(2) lock on a file. Its methods are safe for
// concurrent use, but the lock is one lock: concurrent Lock calls on the same
// LockFile do not exclude each other. Use one LockFile per holder.
type LockFile struct {
	path string
	typ  LockType

	mu     sync.Mutex
	f      *os.File
	closed bool
}

// NewLockFile opens path read-write, creating it with mode 0644 if missing,
// and returns an unlocked LockFile of type t. An invalid type is rejected
// with errs.ErrInvalidArgument before the file is touched; an open failure
// wraps errs.ErrLockFile and the OS error (fs.ErrNotExist for a missing
// directory). On systems without flock it returns errs.ErrNotSupported.
func NewLockFile(path string, t LockType) (*LockFile, error) {
	if t != LockExclusive && t != LockShared {
		return nil, errs.New(errs.ErrInvalidArgument, "exfile: lock file %q: invalid lock type %d", path, int(t))
	}
	if !flockSupported {
		return nil, errs.New(errs.ErrNotSupported, "exfile: file locks are not supported on this system")
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errs.ErrLockFile, err)
	}
	return &LockFile{path: path, typ: t, f: f}, nil
}

// Path returns the path given to NewLockFile.
func (l *LockFile) Path() string { return l.path }

// Type returns the lock type given to NewLockFile.
func (l *LockFile) Type() LockType { return l.typ }

// TryLock takes the lock without waiting. If another holder (another process
// or another LockFile of this process) prevents it, it returns an error
// wrapping errs.ErrWouldBlock (which matches errs.ErrLockFile). Calling it
// while already holding the lock through this LockFile succeeds.
func (l *LockFile) TryLock() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("exfile: lock file %q: %w", l.path, errs.ErrClosed)
	}
	err := flockTry(l.f, l.typ)
	if errors.Is(err, errWouldBlock) {
		return errs.New(errs.ErrWouldBlock, "exfile: %s lock on %q is held elsewhere", l.typ, l.path)
	}
	if err != nil {
		return errs.New(errs.ErrLockFile, "exfile: lock %q: %w", l.path, err)
	}
	return nil
}

// Lock takes the lock, waiting until it is free or ctx is done. A blocking
// flock cannot be interrupted, so Lock retries a non-blocking attempt with a
// backoff of at most 50 ms. When ctx ends first it returns an error wrapping
// ctx.Err() (and errs.ErrTimeout on a deadline) and holds nothing.
func (l *LockFile) Lock(ctx context.Context) error {
	backoff := time.Millisecond
	var timer *time.Timer
	for {
		err := l.TryLock()
		if !errors.Is(err, errs.ErrWouldBlock) {
			return err
		}
		if timer == nil {
			timer = time.NewTimer(backoff)
			defer timer.Stop()
		} else {
			timer.Reset(backoff)
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return errs.New(errs.ErrTimeout, "exfile: %s lock on %q not acquired: %w", l.typ, l.path, ctx.Err())
			}
			return fmt.Errorf("exfile: %s lock on %q not acquired: %w", l.typ, l.path, ctx.Err())
		case <-timer.C:
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// Unlock releases the lock. Unlocking a LockFile that holds no lock is not
// an error; unlocking a closed one returns errs.ErrClosed.
func (l *LockFile) Unlock() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("exfile: lock file %q: %w", l.path, errs.ErrClosed)
	}
	if err := funlock(l.f); err != nil {
		return errs.New(errs.ErrLockFile, "exfile: unlock %q: %w", l.path, err)
	}
	return nil
}

// Close releases the lock and closes the descriptor. The lock file itself
// is kept (as in CUP). Close is idempotent.
func (l *LockFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	// Closing the only descriptor of the open file description releases
	// the flock.
	if err := l.f.Close(); err != nil {
		return errs.New(errs.ErrLockFile, "exfile: close %q: %w", l.path, err)
	}
	return nil
}
