package thread

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

func timeoutCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestReadersShare(t *testing.T) {
	var l RWLock
	if err := l.RLock(timeoutCtx(t, time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := l.RLock(timeoutCtx(t, time.Second)); err != nil {
		t.Fatal("second reader:", err)
	}
	l.RUnlock()
	l.RUnlock()
	if !l.TryLock() {
		t.Fatal("TryLock after readers left failed")
	}
	l.Unlock()
}

func TestWriterTimesOutAgainstReader(t *testing.T) {
	var l RWLock
	if !l.TryRLock() {
		t.Fatal("TryRLock")
	}
	start := time.Now()
	err := l.Lock(timeoutCtx(t, 200*time.Millisecond))
	if !errors.Is(err, errs.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock = %v, want ErrTimeout", err)
	}
	if time.Since(start) < 200*time.Millisecond {
		t.Error("returned before the deadline")
	}
	// The timed-out writer holds nothing and no longer blocks readers.
	if !l.TryRLock() {
		t.Fatal("TryRLock after writer timeout failed: something is left held")
	}
	l.RUnlock()
	l.RUnlock()
	if !l.TryLock() {
		t.Fatal("lock not free at the end")
	}
}

func TestNeverTwoWriters(t *testing.T) {
	var l RWLock
	if err := l.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := l.Lock(timeoutCtx(t, 200*time.Millisecond)); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("second writer: %v", err)
	}
	if err := l.RLock(timeoutCtx(t, 50*time.Millisecond)); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("reader while writer holds: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Lock(ctx); !errors.Is(err, errs.ErrCanceled) {
		t.Fatalf("cancelled Lock: %v", err)
	}
	l.Unlock()
}

func TestWaitingWriterBlocksNewReaders(t *testing.T) {
	var l RWLock
	if !l.TryRLock() {
		t.Fatal("TryRLock")
	}
	got := make(chan error, 1)
	go func() { got <- l.Lock(timeoutCtx(t, 30*time.Second)) }()
	// Wait until the writer is queued.
	for {
		l.mu.Lock()
		w := l.waitingWriters
		l.mu.Unlock()
		if w == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if l.TryRLock() {
		t.Fatal("new reader admitted while a writer waits")
	}
	if err := l.RLock(timeoutCtx(t, 50*time.Millisecond)); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("RLock while writer waits: %v", err)
	}
	l.RUnlock() // the holder leaves; the waiting writer acquires
	if err := <-got; err != nil {
		t.Fatalf("waiting writer: %v", err)
	}
	readerDone := make(chan error, 1)
	go func() { readerDone <- l.RLock(timeoutCtx(t, 30*time.Second)) }()
	l.Unlock()
	if err := <-readerDone; err != nil {
		t.Fatalf("reader after writer unlock: %v", err)
	}
	l.RUnlock()
}

func TestUnlockMisusePanics(t *testing.T) {
	tests := []struct {
		name string
		fn   func(*RWLock)
		want string
	}{
		{"RUnlock", (*RWLock).RUnlock, "RUnlock of an RWLock that is not read-locked"},
		{"Unlock", (*RWLock).Unlock, "Unlock of an RWLock that is not write-locked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, tt.want) {
					t.Errorf("panic = %v, want %q", r, tt.want)
				}
			}()
			var l RWLock
			tt.fn(&l)
		})
	}
}

func TestRWLockStress(t *testing.T) {
	var l RWLock
	var shared int
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 300 {
				if (g+i)%3 == 0 {
					if err := l.Lock(context.Background()); err != nil {
						t.Error(err)
						return
					}
					shared++ // the race detector proves exclusion
					l.Unlock()
				} else {
					if err := l.RLock(context.Background()); err != nil {
						t.Error(err)
						return
					}
					_ = shared
					l.RUnlock()
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	if shared != 800 {
		t.Errorf("shared = %d, want 800", shared)
	}
}
