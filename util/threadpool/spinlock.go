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
type spinLock struct{ state atomic.Uint32 }

const maxSpinBackoff = 16

func (l *spinLock) Lock() {
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

func (l *spinLock) Unlock() { l.state.Store(0) }
