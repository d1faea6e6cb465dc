package thread

import (
	"context"
	"errors"
	"sync"

	"github.com/cupgo/cup/errs"
)

// RWLock is a reader/writer lock whose acquisition honours a context, so a
// wait can time out (CUP RWLock's wait_time). Any number of readers or one
// writer may hold it. It prefers writers: once a writer waits, new readers
// wait too, so writers are not starved. Like sync.RWMutex it is not
// reentrant: a goroutine holding a read lock must not take another while a
// writer may be waiting.
//
// The zero value is an unlocked RWLock. An RWLock must not be copied after
// first use. It is safe for concurrent use.
type RWLock struct {
	mu             sync.Mutex
	readers        int
	writer         bool
	waitingWriters int
	changed        chan struct{} // closed and replaced when the state loosens
}

// waitChLocked returns the channel that the next release will close.
func (l *RWLock) waitChLocked() chan struct{} {
	if l.changed == nil {
		l.changed = make(chan struct{})
	}
	return l.changed
}

func (l *RWLock) broadcastLocked() {
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
}

func waitErr(ctx context.Context, op string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errs.New(errs.ErrTimeout, "thread: RWLock.%s: lock not acquired before the deadline: %w", op, ctx.Err())
	}
	return errs.New(errs.ErrCanceled, "thread: RWLock.%s: %w", op, ctx.Err())
}

// Lock acquires the lock for writing, waiting until it is free or ctx is
// done. On a deadline it returns an error wrapping errs.ErrTimeout (and
// context.DeadlineExceeded), on cancellation one wrapping errs.ErrCanceled;
// in both cases the lock is not held.
func (l *RWLock) Lock(ctx context.Context) error {
	l.mu.Lock()
	if !l.writer && l.readers == 0 {
		l.writer = true
		l.mu.Unlock()
		return nil
	}
	l.waitingWriters++
	for {
		ch := l.waitChLocked()
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
		}
		l.mu.Lock()
		if !l.writer && l.readers == 0 {
			l.waitingWriters--
			l.writer = true
			l.mu.Unlock()
			return nil
		}
		if ctx.Err() != nil {
			l.waitingWriters--
			if l.waitingWriters == 0 {
				l.broadcastLocked() // readers held back by this writer may go
			}
			l.mu.Unlock()
			return waitErr(ctx, "Lock")
		}
	}
}

// RLock acquires the lock for reading, waiting while a writer holds or
// waits for it. Errors are as for Lock; on error nothing is held.
func (l *RWLock) RLock(ctx context.Context) error {
	l.mu.Lock()
	for {
		if !l.writer && l.waitingWriters == 0 {
			l.readers++
			l.mu.Unlock()
			return nil
		}
		if ctx.Err() != nil {
			l.mu.Unlock()
			return waitErr(ctx, "RLock")
		}
		ch := l.waitChLocked()
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
		}
		l.mu.Lock()
	}
}

// TryLock acquires the write lock if it is free and reports whether it did.
func (l *RWLock) TryLock() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.writer || l.readers > 0 {
		return false
	}
	l.writer = true
	return true
}

// TryRLock acquires a read lock if no writer holds or waits for the lock
// and reports whether it did.
func (l *RWLock) TryRLock() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.writer || l.waitingWriters > 0 {
		return false
	}
	l.readers++
	return true
}

// Unlock releases the write lock. It panics if the lock is not write-locked.
func (l *RWLock) Unlock() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.writer {
		panic("thread: Unlock of an RWLock that is not write-locked")
	}
	l.writer = false
	l.broadcastLocked()
}

// RUnlock releases one read lock. It panics if the lock is not read-locked.
func (l *RWLock) RUnlock() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.readers == 0 {
		panic("thread: RUnlock of an RWLock that is not read-locked")
	}
	l.readers--
	if l.readers == 0 {
		l.broadcastLocked()
	}
}
