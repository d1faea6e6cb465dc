package executor

import (
	"context"
	"time"

	"github.com/cupgo/cup/errs"
)

// Periodic is a handle on a task submitted with Every.
type Periodic struct {
	s        *Service
	interval time.Duration
	u        Urgency
	t        Task
	next     time.Time // guarded by s.mu
	cur      *Delayed  // guarded by s.mu
	stopped  bool      // guarded by s.mu
}

// Every runs t with urgency u every interval, first after one interval.
// Runs are fixed-rate on the schedule start + k·interval and never
// overlap: the next run is armed when the current one returns, and
// occurrences missed because a run took too long are skipped. A run that
// fails or panics is logged and does not stop the schedule. interval <= 0
// is an error wrapping errs.ErrInvalidArgument; after Stop, ErrStopped.
func (s *Service) Every(interval time.Duration, u Urgency, t Task) (*Periodic, error) {
	if interval <= 0 || t == nil {
		return nil, errs.New(errs.ErrInvalidArgument, "executor: Every(%v): need a positive interval and a task", interval)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st == stateStopping {
		return nil, ErrStopped
	}
	p := &Periodic{s: s, interval: interval, u: u, t: t, next: s.cfg.clock.Now().Add(interval)}
	p.cur = s.delayLocked(interval, u, p.run)
	return p, nil
}

func (p *Periodic) run(ctx context.Context) error {
	defer p.rearm()
	return p.t(ctx)
}

// rearm arms the next occurrence after a run (also after a panic, since
// it is deferred).
func (p *Periodic) rearm() {
	s := p.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.stopped || s.st == stateStopping {
		return
	}
	now := s.cfg.clock.Now()
	next := p.next.Add(p.interval)
	if !next.After(now) { // skip missed occurrences
		missed := now.Sub(p.next) / p.interval
		next = p.next.Add((missed + 1) * p.interval)
		if !next.After(now) {
			next = next.Add(p.interval)
		}
	}
	p.next = next
	p.cur = s.delayLocked(next.Sub(now), p.u, p.run)
}

// Cancel stops future runs; a run in progress completes. It reports
// whether the schedule was active.
func (p *Periodic) Cancel() bool {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if p.stopped {
		return false
	}
	p.stopped = true
	p.cur.cancelLocked()
	return true
}
