package heartbeat

import (
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/log"
)

func TestMain(m *testing.M) {
	log.SetLevel(log.LevelError) // lost devices log warnings by design
	goleak.VerifyTestMain(m)
}

// fakeClock is a Clock moved by hand. Tickers fire (at most one pending
// tick, like time.Ticker) when Advance passes their next time.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	tickers []*fakeTicker
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTicker(d time.Duration) Ticker {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTicker{c: c, d: d, next: c.now.Add(d), ch: make(chan time.Time, 1)}
	c.tickers = append(c.tickers, t)
	return t
}

// Advance moves the clock by d and fires due tickers.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	for _, t := range c.tickers {
		if t.stopped {
			continue
		}
		for !t.next.After(now) {
			select {
			case t.ch <- t.next:
			default:
			}
			t.next = t.next.Add(t.d)
		}
	}
	c.mu.Unlock()
}

// Tickers returns how many live tickers exist.
func (c *fakeClock) Tickers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.tickers {
		if !t.stopped {
			n++
		}
	}
	return n
}

type fakeTicker struct {
	c       *fakeClock
	d       time.Duration
	next    time.Time
	ch      chan time.Time
	stopped bool
}

func (t *fakeTicker) C() <-chan time.Time { return t.ch }
func (t *fakeTicker) Stop() {
	t.c.mu.Lock()
	t.stopped = true
	t.c.mu.Unlock()
}
