package executor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
)

// lagWarning is how late a cron run may start before a warning is logged
// (CUP's 60 s).
const lagWarning = 60 * time.Second

// CronTask is a task run by a Cron at the minutes its Spec selects (newest
// CUP CronTask). Fields must not be changed after Schedule.
type CronTask struct {
	// ID identifies the task; Schedule fills in 32 random hex digits when
	// it is empty (CUP md5uuid).
	ID string
	// Name is used in log messages.
	Name string
	// Spec selects the minutes.
	Spec CronSpec
	// Loc is the time zone of Spec; nil means time.Local.
	Loc *time.Location
	// Run is the work; its error or panic is logged and the task is
	// rescheduled all the same.
	Run Task
}

type cronEntry struct {
	task    *CronTask
	timer   Timer
	next    time.Time
	removed bool
}

// Cron runs CronTasks on a fixed number of workers (newest CUP
// CronExecution). It is safe for concurrent use and starts working at
// NewCron; Stop ends it.
type Cron struct {
	svc   *Service
	clock Clock

	mu      sync.Mutex
	entries map[string]*cronEntry
	order   []string // ids in scheduling order
	stopped bool
	armed   int // pending runs cancelled by Stop
}

// NewCron returns a running Cron with workers workers (CUP threads_num).
// workers < 1 is an error wrapping errs.ErrInvalidArgument. Options are
// those of New; WithDrainOnStop has no effect.
func NewCron(workers int, opts ...Option) (*Cron, error) {
	if workers < 1 {
		return nil, errs.New(errs.ErrInvalidArgument, "executor: cron workers %d: need at least 1", workers)
	}
	svc, err := New(workers, 0, opts...)
	if err != nil {
		return nil, err
	}
	if err := svc.Start(); err != nil {
		return nil, err
	}
	return &Cron{svc: svc, clock: svc.cfg.clock, entries: map[string]*cronEntry{}}, nil
}

// Schedule registers t and arms its first run. An invalid spec, a nil Run,
// a duplicate ID or a spec with no time in the next five years is an error
// wrapping errs.ErrInvalidArgument and registers nothing; after Stop it
// returns ErrStopped.
func (c *Cron) Schedule(t *CronTask) error {
	if t == nil || t.Run == nil {
		return errs.New(errs.ErrInvalidArgument, "executor: cron task without a Run function")
	}
	if err := t.Spec.Validate(); err != nil {
		return errs.New(errs.ErrInvalidArgument, "executor: cron task %q: %w", t.Name, err)
	}
	if t.Loc == nil {
		t.Loc = time.Local
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return ErrStopped
	}
	if t.ID == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		t.ID = hex.EncodeToString(b[:])
	}
	if _, dup := c.entries[t.ID]; dup {
		return errs.New(errs.ErrInvalidArgument, "executor: cron task id %q already scheduled", t.ID)
	}
	e := &cronEntry{task: t}
	if !c.armLocked(e, c.clock.Now()) {
		return errs.New(errs.ErrInvalidArgument, "executor: cron task %q: spec never matches within %d years", t.Name, cronHorizonYears)
	}
	c.entries[t.ID] = e
	c.order = append(c.order, t.ID)
	return nil
}

// armLocked computes e's next time after from and arms its timer.
func (c *Cron) armLocked(e *cronEntry, from time.Time) bool {
	next, ok := e.task.Spec.Next(from.In(e.task.Loc))
	if !ok {
		return false
	}
	e.next = next
	e.timer = c.clock.AfterFunc(next.Sub(from), func() { c.fire(e) })
	return true
}

// fire hands a due task to the workers.
func (c *Cron) fire(e *cronEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.removed || c.stopped {
		return
	}
	e.timer = nil
	scheduled := e.next
	err := c.svc.QueueExec(UrgencyNormal, func(ctx context.Context) error {
		defer c.reschedule(e)
		if late := c.clock.Now().Sub(scheduled); late > lagWarning {
			c.svc.cfg.logger.Warn("lagging crontask found (name:%s id: %s), %v late", e.task.Name, e.task.ID, late)
		}
		return e.task.Run(ctx)
	})
	if err != nil { // stopping: the run is dropped, as is the schedule
		e.removed = true
	}
}

// reschedule arms the next run from the completion time, after success,
// error or panic alike.
func (c *Cron) reschedule(e *cronEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.removed || c.stopped {
		return
	}
	if !c.armLocked(e, c.clock.Now()) {
		c.svc.cfg.logger.Warn("crontask (name:%s id: %s) has no further schedule time, will be deleted", e.task.Name, e.task.ID)
		c.removeLocked(e)
	}
}

func (c *Cron) removeLocked(e *cronEntry) {
	e.removed = true
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
	delete(c.entries, e.task.ID)
	c.order = slices.DeleteFunc(c.order, func(id string) bool { return id == e.task.ID })
}

// Cancel removes the task with this id and stops its pending timer; a run
// in progress completes but is not rescheduled. It reports whether the id
// was scheduled (CUP calcel_delay_exec, which left the task registered).
func (c *Cron) Cancel(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok {
		return false
	}
	c.removeLocked(e)
	return true
}

// Tasks returns the scheduled tasks in scheduling order (CUP get_tasks).
func (c *Cron) Tasks() []*CronTask {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*CronTask, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.entries[id].task)
	}
	return out
}

// Task returns the task with this id (CUP get_taskbyid).
func (c *Cron) Task(id string) (*CronTask, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok {
		return nil, false
	}
	return e.task, true
}

// NextRun returns when the task with this id runs next; false if it is not
// scheduled or is running now.
func (c *Cron) NextRun(id string) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok || e.timer == nil {
		return time.Time{}, false
	}
	return e.next, true
}

// Stop cancels every pending run (counted in CancelledDelayed), then stops
// the workers as Service.Stop does. Runs already handed to the workers but
// not started are counted in DroppedQueued.
func (c *Cron) Stop(ctx context.Context) (StopReport, error) {
	c.mu.Lock()
	if !c.stopped {
		c.stopped = true
		for _, e := range c.entries {
			if e.timer != nil && e.timer.Stop() {
				c.armed++
			}
			e.timer = nil
		}
	}
	armed := c.armed
	c.mu.Unlock()
	rep, err := c.svc.Stop(ctx)
	rep.CancelledDelayed += armed
	return rep, err
}

// String describes the spec in a compact form for logs, e.g.
// "minute=[0] hour=[20] weekday=* monthday=[1 3] month=*".
func (c CronSpec) String() string {
	f := func(name string, v []int) string {
		if v == nil {
			return name + "=*"
		}
		return name + "=" + fmt.Sprint(v)
	}
	return strings.Join([]string{f("minute", c.Minutes), f("hour", c.Hours),
		f("weekday", c.Weekdays), f("monthday", c.Monthdays), f("month", c.Months)}, " ")
}
