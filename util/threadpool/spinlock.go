package threadpool

import (
	"runtime"
	"sync/atomic"
)

// spinLock guards the pool's short critical sections. Under heavy
// contention (thousands of workers finishing tiny jobs) sync.Mutex enters
// starvation mode and hands the lock over FIFO, one scheduler wake-up per
// hand-over, which serialises the pool behind the scheduler. A lock that
// lets the running goroutine barge in, yielding with exponential backoff
// while it waits, keeps the critical sections back to back. Every critical
// section is a few field updates; none blocks.
//
// Submitters and workers wait differently. A submitter yields at once
// (Lock): that yield also lets busy workers run and go idle, so fewer new
// workers are started (without it, 100 submitters of 1 ms sleeps started
// 2.6 times as many goroutines). A worker handing itself back watches the
// lock for a moment first (LockSpinning): on another P the holder is about
// to release it, and a yield would send the worker to the back of the
// global run queue, behind tens of thousands of goroutines in the busiest
// benchmarks, while the pool waits for it to become idle.
type spinLock struct{ state atomic.Uint32 }

const (
	maxSpinBackoff = 16
	activeSpins    = 4  // rounds of watching the lock before yielding
	spinLoads      = 64 // loads of the lock word per round
)

// Lock takes the lock, yielding with exponential backoff while it waits.
func (l *spinLock) Lock() {
	if !l.state.CompareAndSwap(0, 1) {
		l.yieldUntilLocked()
	}
}

// LockSpinning takes the lock, watching it for a few hundred loads before
// it starts yielding as Lock does.
func (l *spinLock) LockSpinning() {
	if l.state.CompareAndSwap(0, 1) {
		return
	}
	for range activeSpins {
		for i := 0; i < spinLoads && l.state.Load() != 0; i++ {
		}
		if l.state.CompareAndSwap(0, 1) {
			return
		}
	}
	l.yieldUntilLocked()
}

func (l *spinLock) yieldUntilLocked() {
	backoff := 1
	for !l.state.CompareAndSwap(0, 1) {
		for range backoff {
			runtime.Gosched()
		}
		if backoff < maxSpinBackoff {
			backoff <<= 1
		}
	}
}

// Unlock releases the lock.
func (l *spinLock) Unlock() { l.state.Store(0) }
