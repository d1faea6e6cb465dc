package executor

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/log"
)

// serviceKey marks the contexts of a service's tasks.
type serviceKey struct{}

// Urgency orders queued tasks: a lower value runs first (CUP URGENCY_*).
// Any value is accepted; tasks of equal urgency run in submission order.
type Urgency int

// CUP's urgency constants.
const (
	UrgencyHigh   Urgency = 0
	UrgencyNormal Urgency = 1
	UrgencyLow    Urgency = 2
)

// Task is a unit of work. Its ctx is cancelled when Stop's context ends
// before the task returns. A returned error is logged and given to the
// error handler; it does not affect other tasks.
type Task func(ctx context.Context) error

// TaskRef identifies a task in a StopReport.
type TaskRef struct {
	// ID is the task's submission number: 1 for the first task accepted by
	// the service (QueueExec or DelayExec), 2 for the next, and so on.
	ID uint64
	// Urgency is the urgency the task was submitted with.
	Urgency Urgency
	// Delayed is true for tasks submitted with DelayExec or Every.
	Delayed bool
	// Due is when the task was (or would have been) due.
	Due time.Time
}

// StopReport says which accepted tasks never ran.
type StopReport struct {
	// DroppedQueued counts QueueExec tasks that never started.
	DroppedQueued int
	// CancelledDelayed counts delayed tasks whose timer had not fired, or
	// had fired but whose task never started.
	CancelledDelayed int
	// Unrun lists those tasks in submission order.
	Unrun []TaskRef
}

// Option configures New and NewCron.
type Option func(*config)

type config struct {
	name    string
	logger  *log.Logger
	drain   bool
	clock   Clock
	onError func(TaskRef, error)
}

// WithName names the service in log messages (CUP's name argument).
func WithName(name string) Option { return func(c *config) { c.name = name } }

// WithLogger sets where task errors and panics are logged; nil (the default)
// means log.Default().
func WithLogger(l *log.Logger) Option { return func(c *config) { c.logger = l } }

// WithDrainOnStop makes Stop run the tasks already queued (due delayed
// tasks included) before the workers exit, instead of discarding them.
// Pending timers are still cancelled.
func WithDrainOnStop() Option { return func(c *config) { c.drain = true } }

// WithClock sets the clock for delays and cron times; nil means the system
// clock.
func WithClock(clk Clock) Option { return func(c *config) { c.clock = clk } }

// WithErrorHandler sets a function called, on the worker, with every task
// error and recovered panic (an error wrapping ErrPanic), after it is
// logged. It must not block for long.
func WithErrorHandler(f func(TaskRef, error)) Option { return func(c *config) { c.onError = f } }

type state int

const (
	stateNew state = iota
	stateRunning
	stateStopping
)

// item is one task in a queue.
type item struct {
	ref  TaskRef
	task Task
	d    *Delayed // nil for QueueExec tasks
	idx  int
}

type taskHeap []*item

func (h taskHeap) Len() int { return len(h) }
func (h taskHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.ref.Urgency != b.ref.Urgency {
		return a.ref.Urgency < b.ref.Urgency
	}
	if !a.ref.Due.Equal(b.ref.Due) {
		return a.ref.Due.Before(b.ref.Due)
	}
	return a.ref.ID < b.ref.ID
}
func (h taskHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *taskHeap) Push(x any) {
	it := x.(*item)
	it.idx = len(*h)
	*h = append(*h, it)
}
func (h *taskHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	it.idx = -1
	return it
}

// queue is a priority queue served by some workers.
type queue struct {
	h     taskHeap
	cond  *sync.Cond
	limit int // workers serving the queue: at most this many tasks run at once
	busy  int // tasks of this queue running now (on workers or inline)
}

// Service runs queued and delayed tasks on a fixed set of workers (CUP
// ExecutionService). Create one with New. A Service is safe for concurrent
// use. It cannot be restarted after Stop.
type Service struct {
	cfg          config
	delayWorkers int
	queueWorkers int

	mu       sync.Mutex
	st       state
	seq      uint64
	execQ    *queue        // QueueExec tasks
	delayQ   *queue        // due delayed tasks (may be execQ)
	pending  pendingList   // delayed tasks whose timer has not fired
	live     int           // workers not yet exited
	done     chan struct{} // closed when the last worker exits after Stop
	report   StopReport
	runCtx   context.Context
	cancel   context.CancelFunc
	stopOnce bool
	inline   bool // fast path of fire enabled (system clock)
}

// New returns a service with delayWorkers workers for delayed tasks and
// queueWorkers workers for queued tasks, not started: tasks may be
// submitted before Start and run after it. Negative counts or a zero total
// are an error wrapping errs.ErrInvalidArgument (CUP asserted).
func New(delayWorkers, queueWorkers int, opts ...Option) (*Service, error) {
	if delayWorkers < 0 || queueWorkers < 0 || delayWorkers+queueWorkers == 0 {
		return nil, errs.New(errs.ErrInvalidArgument,
			"executor: worker counts %d (delay) and %d (queue): need both >= 0 and at least one worker", delayWorkers, queueWorkers)
	}
	s := &Service{delayWorkers: delayWorkers, queueWorkers: queueWorkers, done: make(chan struct{})}
	for _, o := range opts {
		o(&s.cfg)
	}
	if s.cfg.clock == nil {
		s.cfg.clock = systemClock{}
	}
	if s.cfg.logger == nil {
		s.cfg.logger = log.Default()
	}
	s.execQ = &queue{cond: sync.NewCond(&s.mu), limit: queueWorkers}
	s.delayQ = &queue{cond: sync.NewCond(&s.mu), limit: delayWorkers}
	switch {
	case queueWorkers == 0:
		s.execQ = s.delayQ
	case delayWorkers == 0:
		s.delayQ = s.execQ
		s.execQ.limit = queueWorkers
	}
	_, s.inline = s.cfg.clock.(systemClock)
	ctx, cancel := context.WithCancel(context.Background())
	s.runCtx, s.cancel = context.WithValue(ctx, serviceKey{}, s), cancel
	return s, nil
}

// Name returns the service's name.
func (s *Service) Name() string { return s.cfg.name }

// Start launches the workers (CUP run/start). A second Start returns
// ErrAlreadyStarted; Start after Stop returns ErrStopped.
func (s *Service) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.st {
	case stateRunning:
		return ErrAlreadyStarted
	case stateStopping:
		return ErrStopped
	}
	s.st = stateRunning
	for range s.delayWorkers {
		s.live++
		go s.worker(s.delayQ)
	}
	for range s.queueWorkers {
		s.live++
		go s.worker(s.execQ)
	}
	return nil
}

// Running reports whether the service has been started and not stopped.
func (s *Service) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st == stateRunning
}

// QueueExec queues t with urgency u for the queue workers (CUP
// queue_exec). It returns ErrStopped once Stop has begun; a nil t is an
// error wrapping errs.ErrInvalidArgument.
func (s *Service) QueueExec(u Urgency, t Task) error {
	if t == nil {
		return errs.New(errs.ErrInvalidArgument, "executor: nil task")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st == stateStopping {
		return ErrStopped
	}
	s.seq++
	s.push(s.execQ, &item{ref: TaskRef{ID: s.seq, Urgency: u, Due: s.cfg.clock.Now()}, task: t})
	return nil
}

func (s *Service) push(q *queue, it *item) {
	heap.Push(&q.h, it)
	q.cond.Signal()
}

// Delayed is a handle on a task submitted with DelayExec.
type Delayed struct {
	s          *Service
	it         *item
	timer      Timer
	st         delayedState // guarded by s.mu
	prev, next *Delayed     // pending list links, guarded by s.mu
	item       item         // storage for it (one allocation per task)
}

// pendingList is an intrusive list of armed delayed tasks: O(1) insert and
// removal without a map.
type pendingList struct {
	head *Delayed
	n    int
}

func (l *pendingList) add(d *Delayed) {
	d.next = l.head
	if l.head != nil {
		l.head.prev = d
	}
	l.head = d
	l.n++
}

func (l *pendingList) remove(d *Delayed) {
	if d.prev != nil {
		d.prev.next = d.next
	} else {
		l.head = d.next
	}
	if d.next != nil {
		d.next.prev = d.prev
	}
	d.prev, d.next = nil, nil
	l.n--
}

type delayedState int

const (
	delayedPending delayedState = iota
	delayedQueued
	delayedStarted
	delayedCancelled
)

// ID returns the task's submission number (TaskRef.ID).
func (d *Delayed) ID() uint64 { return d.it.ref.ID }

// Due returns when the task is due.
func (d *Delayed) Due() time.Time { return d.it.ref.Due }

// Cancel prevents the task from running. It reports true if the task had
// not started (its timer had not fired, or it was still queued), false if
// it had already started or been cancelled.
func (d *Delayed) Cancel() bool {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.cancelLocked()
}

func (d *Delayed) cancelLocked() bool {
	s := d.s
	switch d.st {
	case delayedPending:
		d.timer.Stop()
		s.pending.remove(d)
	case delayedQueued:
		heap.Remove(&s.delayQ.h, d.it.idx)
	default:
		return false
	}
	d.st = delayedCancelled
	return true
}

// DelayExec runs t with urgency u once d has passed (CUP delay_exec). The
// timer is a runtime timer, not a goroutine; d <= 0 means due now. When
// due, the task enters the delay queue, ordered by urgency, due time and
// submission. It returns ErrStopped once Stop has begun.
func (s *Service) DelayExec(d time.Duration, u Urgency, t Task) (*Delayed, error) {
	if t == nil {
		return nil, errs.New(errs.ErrInvalidArgument, "executor: nil task")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st == stateStopping {
		return nil, ErrStopped
	}
	return s.delayLocked(d, u, t), nil
}

func (s *Service) delayLocked(d time.Duration, u Urgency, t Task) *Delayed {
	s.seq++
	dl := &Delayed{s: s}
	dl.item = item{ref: TaskRef{ID: s.seq, Urgency: u, Delayed: true, Due: s.cfg.clock.Now().Add(max(d, 0))}, task: t, d: dl}
	dl.it = &dl.item
	if d <= 0 {
		dl.st = delayedQueued
		s.push(s.delayQ, dl.it)
		return dl
	}
	s.pending.add(dl)
	// The timer may fire before AfterFunc returns; fire takes s.mu, which
	// is held here, so dl.timer is set before fire looks at dl.
	dl.timer = s.cfg.clock.AfterFunc(d, func() { s.fire(dl) })
	return dl
}

// fire moves a due delayed task into the delay queue.
//
// Fast path: when the delay queue is empty and a delay worker's slot is
// free, the task runs at once on the timer's goroutine, in that slot,
// saving the hand-off to a sleeping worker (the main source of lateness
// on a loaded machine). The number of tasks running at once still never
// exceeds the worker count, and Stop waits for such runs like for
// workers. Only with the system clock, whose timers run f on their own
// goroutine.
func (s *Service) fire(dl *Delayed) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if dl.st != delayedPending {
		return // cancelled, or counted by Stop
	}
	s.pending.remove(dl)
	q := s.delayQ
	if s.inline && s.st == stateRunning && q.h.Len() == 0 && q.busy < q.limit {
		dl.st = delayedStarted
		q.busy++
		s.live++
		s.mu.Unlock()
		s.run(dl.it)
		s.mu.Lock()
		q.busy--
		s.live--
		if q.h.Len() > 0 {
			q.cond.Signal()
		}
		if s.live == 0 && s.st == stateStopping {
			close(s.done)
		}
		return
	}
	dl.st = delayedQueued
	s.push(q, dl.it)
}

// worker serves q until the service stops.
func (s *Service) worker(q *queue) {
	s.mu.Lock()
	for {
		switch {
		case q.h.Len() > 0 && q.busy < q.limit:
			it := heap.Pop(&q.h).(*item)
			if it.d != nil {
				it.d.st = delayedStarted
			}
			q.busy++
			s.mu.Unlock()
			s.run(it)
			s.mu.Lock()
			q.busy--
			if q.h.Len() > 0 {
				q.cond.Signal() // a slot freed for a waiting worker
			}
		case q.h.Len() == 0 && s.st == stateStopping: // nothing left to drain
			s.live--
			if s.live == 0 {
				close(s.done)
			}
			s.mu.Unlock()
			return
		default:
			q.cond.Wait()
		}
	}
}

// run calls the task, recovering a panic; errors are logged and handed to
// the error handler.
func (s *Service) run(it *item) {
	err := s.call(it.task)
	if err == nil {
		return
	}
	kind := "task"
	if it.ref.Delayed {
		kind = "delayed task"
	}
	s.cfg.logger.Warn("executor service(%s): %s %d (urgency %d) failed: %v", s.cfg.name, kind, it.ref.ID, it.ref.Urgency, err)
	if s.cfg.onError != nil {
		s.cfg.onError(it.ref, err)
	}
}

func (s *Service) call(t Task) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: %v\n%s", ErrPanic, v, debug.Stack())
		}
	}()
	return t(s.runCtx)
}

// Stop stops the service (CUP stop). It rejects new tasks (ErrStopped),
// cancels every pending timer, discards the queued tasks that have not
// started (or, with WithDrainOnStop, lets the workers run them), and waits
// for the workers to finish their current task and exit. The report lists
// every accepted task that never ran.
//
// If ctx ends before the workers exit, the running tasks' contexts are
// cancelled and Stop returns the report with an error wrapping ctx.Err();
// the workers exit when their tasks return, and a later Stop waits for
// them again. A second Stop returns the same report. Stop on a service
// that was never started reports every submitted task as unrun. Called
// with the context of one of the service's own tasks, Stop begins the stop
// and returns the report with ErrStopping at once instead of waiting for
// itself.
func (s *Service) Stop(ctx context.Context) (StopReport, error) {
	s.mu.Lock()
	if !s.stopOnce {
		s.stopOnce = true
		neverStarted := s.st == stateNew
		s.st = stateStopping
		var unrun []*item
		for dl := s.pending.head; dl != nil; {
			next := dl.next
			dl.timer.Stop()
			dl.st = delayedCancelled
			unrun = append(unrun, dl.it)
			s.pending.remove(dl)
			dl = next
		}
		if !s.cfg.drain || neverStarted {
			for _, q := range s.queues() {
				for _, it := range q.h {
					if it.d != nil {
						it.d.st = delayedCancelled
					}
					unrun = append(unrun, it)
				}
				q.h = nil
			}
		}
		slices.SortFunc(unrun, func(a, b *item) int { return cmp.Compare(a.ref.ID, b.ref.ID) })
		for _, it := range unrun {
			if it.ref.Delayed {
				s.report.CancelledDelayed++
			} else {
				s.report.DroppedQueued++
			}
			s.report.Unrun = append(s.report.Unrun, it.ref)
		}
		s.execQ.cond.Broadcast()
		s.delayQ.cond.Broadcast()
		if s.live == 0 {
			close(s.done)
		}
	}
	rep := s.report
	rep.Unrun = slices.Clone(rep.Unrun)
	s.mu.Unlock()
	if ctx.Value(serviceKey{}) == s {
		return rep, ErrStopping
	}

	select {
	case <-s.done:
		s.cancel()
		return rep, nil
	case <-ctx.Done():
		s.cancel()
		return rep, fmt.Errorf("cup: executor service(%s): stop: workers still running: %w", s.cfg.name, ctx.Err())
	}
}

func (s *Service) queues() []*queue {
	if s.execQ == s.delayQ {
		return []*queue{s.execQ}
	}
	return []*queue{s.execQ, s.delayQ}
}
