package threadpool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
)

// Sentinel errors of the pool.
var (
	// ErrStopped is returned by Submit after Stop, Close or TryStop has
	// begun, until the next Start. It matches errs.ErrClosed.
	ErrStopped = errs.New(errs.ErrClosed, "threadpool: stopped")
	// ErrQueueFull is returned by a non-blocking submit when the bounded
	// queue is full. It matches errs.ErrFull.
	ErrQueueFull = errs.New(errs.ErrFull, "threadpool: queue full")
	// ErrDropped is the Result.Err of a queued job removed, never started,
	// when Stop's deadline passed or Close was called.
	ErrDropped = errors.New("cup: threadpool: job dropped at shutdown")
	// ErrPanic wraps the value of a recovered panic in Result.Err.
	ErrPanic = errors.New("cup: threadpool: job panicked")
	// errNilJob is returned for a nil job; built once, so that the submit
	// functions stay small.
	errNilJob = errs.New(errs.ErrInvalidArgument, "threadpool: nil job")
	// ErrStopping is returned by Start while a stop is still draining, and
	// by Stop when called from inside one of the pool's own jobs.
	ErrStopping = errors.New("cup: threadpool: stop in progress")
)

// StopError is returned by Stop when its context ended before the queue
// was drained. It wraps the context's error.
type StopError struct {
	// Dropped is the number of queued jobs removed without running.
	Dropped int
	// Err is the context's error.
	Err error
}

func (e *StopError) Error() string {
	return fmt.Sprintf("cup: threadpool: stop: %v; %d queued jobs dropped", e.Err, e.Dropped)
}

// Unwrap returns Err.
func (e *StopError) Unwrap() error { return e.Err }

// Result is what a callback receives for a job.
type Result struct {
	// Value is the job's return value (nil for Submit's jobs).
	Value any
	// Err is the job's error, a recovered panic (wrapping ErrPanic), the
	// submitter's context error if it ended before the job started, or
	// ErrDropped.
	Err error
}

// OK reports whether the job succeeded.
func (r Result) OK() bool { return r.Err == nil }

// Stats is a consistent snapshot of a pool.
type Stats struct {
	// QueueLen is the number of jobs waiting in the queue (CUP queue_len).
	QueueLen int
	// Waiting is the number of idle workers (CUP waiters_num).
	Waiting int
	// Working is the number of workers running a job or its callback (CUP
	// working_num).
	Working int
	// Workers is the number of live workers (CUP thread_num).
	Workers int

	// Submitted counts accepted jobs. Once the pool is idle, Submitted ==
	// Completed + Failed + Panicked + Dropped.
	Submitted uint64
	// Completed counts jobs that returned a nil error.
	Completed uint64
	// Failed counts jobs that returned an error, or whose submitter's
	// context ended before they started.
	Failed uint64
	// Panicked counts jobs that panicked.
	Panicked uint64
	// Dropped counts queued jobs removed at shutdown without running.
	Dropped uint64
}

// Option configures New.
type Option func(*config)

type config struct {
	name        string
	queueSize   int
	nonBlocking bool
	idleTimeout time.Duration
	logger      *slog.Logger
}

// WithName names the pool in log messages.
func WithName(name string) Option { return func(c *config) { c.name = name } }

// WithQueueSize bounds the queue to n waiting jobs; 0 (the default) means
// unbounded, as in CUP. When the queue is full, Submit waits for room (or
// for its context) unless WithNonBlocking is set; each job that leaves the
// queue, and each worker that falls idle, wakes one waiting submitter.
// WithQueueSize(1) gives the semantics of a pool without a queue, such as
// ants': once every worker is busy and one job waits, submitters block.
func WithQueueSize(n int) Option { return func(c *config) { c.queueSize = n } }

// WithNonBlocking makes Submit and SubmitWithCallback return ErrQueueFull
// instead of waiting when the bounded queue is full.
func WithNonBlocking() Option { return func(c *config) { c.nonBlocking = true } }

// WithIdleTimeout lets a worker above the minimum exit after being idle for
// d. The default, 0, never shrinks the pool (CUP).
func WithIdleTimeout(d time.Duration) Option { return func(c *config) { c.idleTimeout = d } }

// WithLogger sets where job panics and callback panics are logged. Nil (the
// default) means slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

type task struct {
	ctx  context.Context
	job  func(context.Context) error
	jobV func(context.Context) (any, error)
	cb   func(Result)
}

func (t *task) isExit() bool { return t.job == nil && t.jobV == nil }

// worker is one worker goroutine's state. Its task lives here rather than
// on the goroutine's stack, and the channel only carries a wake-up token:
// whoever owns an idle worker (the submitter that took it off the idle
// stack, or the pool for an exit signal) stores the task in t and then
// sends the token; the worker owns t from receiving the token until it
// puts itself back on the idle stack. Keeping the task off the stack keeps
// the worker's frames small: with thousands of workers, every stack line a
// task touches is a cache miss.
type worker struct {
	ch      chan struct{} // buffered 1: a token, t is ready
	t       task          // the task to run; zero means exit
	inJob   bool          // a job is running: a panic now is the job's
	release func()        // undoes the running job's context, if it needs to
}

func newWorker() *worker { return &worker{ch: make(chan struct{}, 1)} }

// generation holds what is renewed on every Start after a Stop.
type generation struct {
	kill   context.Context
	killFn context.CancelFunc
	base   *jobCtx       // job context for submitters using context.Background
	exited chan struct{} // closed when the last worker of a stop has left
}

type outcome uint8

const (
	outNone outcome = iota
	outCompleted
	outFailed
	outPanicked
)

// Pool is a pool of worker goroutines. Create one with New. A Pool is safe
// for concurrent use and can be restarted with Start after a stop.
type Pool struct {
	cfg config
	log *slog.Logger
	wg  sync.WaitGroup // worker goroutines

	mu       spinLock
	min, max int
	started  bool
	stopping bool
	gen      *generation
	queue    ring
	idle     []*worker
	yielding int // submitters yielding to busy workers before spawning
	workers  int
	working  int
	pending  int // queued + running
	// Submitters waiting for room in a full bounded queue: those whose
	// context cannot be cancelled wait on room (one sudog each, no
	// allocation), the others on their own channel in waiters. Each freed
	// slot wakes one of them.
	room     sync.Cond // L is &mu
	roomWait int       // submitters in room.Wait
	waiters  waiterList
	idleCh   chan struct{}
	st       Stats // cumulative counters only
}

// New returns a pool of min to max workers, not started: jobs submitted
// before Start are queued. min < 1, max < min or a negative queue size is
// an error wrapping errs.ErrInvalidArgument.
func New(min, max int, opts ...Option) (*Pool, error) {
	if err := checkSize(min, max); err != nil {
		return nil, err
	}
	p := &Pool{min: min, max: max}
	for _, o := range opts {
		o(&p.cfg)
	}
	if p.cfg.queueSize < 0 {
		return nil, errs.New(errs.ErrInvalidArgument, "threadpool: queue size %d < 0", p.cfg.queueSize)
	}
	if p.cfg.idleTimeout < 0 {
		return nil, errs.New(errs.ErrInvalidArgument, "threadpool: idle timeout %v < 0", p.cfg.idleTimeout)
	}
	p.log = p.cfg.logger
	if p.log == nil {
		p.log = slog.Default()
	}
	p.room.L = &p.mu
	p.gen = p.newGeneration()
	return p, nil
}

func checkSize(min, max int) error {
	if min < 1 {
		return errs.New(errs.ErrInvalidArgument, "threadpool: minimum workers %d < 1", min)
	}
	if max < min {
		return errs.New(errs.ErrInvalidArgument, "threadpool: maximum workers %d < minimum %d", max, min)
	}
	return nil
}

func (p *Pool) newGeneration() *generation {
	kill, killFn := context.WithCancel(context.Background())
	g := &generation{kill: kill, killFn: killFn, exited: make(chan struct{})}
	g.base = &jobCtx{vals: context.Background(), cancel: kill, pool: p}
	return g
}

// Start launches the workers: min of them, plus one per already-queued job
// up to max. Starting a running pool does nothing. After a completed stop,
// Start restarts the pool; while a stop is still draining it returns
// ErrStopping.
func (p *Pool) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopping {
		select {
		case <-p.gen.exited:
		default:
			return ErrStopping
		}
		p.gen = p.newGeneration()
		p.stopping = false
	}
	if p.started {
		return nil
	}
	p.started = true
	p.growLocked()
	return nil
}

// growLocked starts workers until there are at least min, and enough for
// the queued jobs up to max.
func (p *Pool) growLocked() {
	need := max(p.min, min(p.max, p.working+p.queue.len()))
	for p.workers < need {
		p.spawnLocked()
	}
}

// spawnLocked starts a worker, handing it the head of the queue if any,
// else registering it as idle.
func (p *Pool) spawnLocked() {
	w := newWorker()
	p.workers++
	p.wg.Add(1)
	if p.popLocked(&w.t) {
		p.working++
		w.ch <- struct{}{} // buffered and empty: never blocks
	} else {
		p.idle = append(p.idle, w)
	}
	go p.worker(p.gen, w)
}

// popLocked moves the head of the queue into t and reports whether there
// was one.
func (p *Pool) popLocked(t *task) bool {
	if !p.queue.popInto(t) {
		return false
	}
	p.spaceLocked()
	return true
}

// spaceLocked wakes one submitter waiting for room in the queue. It is
// called for every freed slot: a job leaving the queue, a worker going idle
// or exiting.
func (p *Pool) spaceLocked() {
	if !p.waiters.wakeOne() && p.roomWait > 0 {
		p.room.Signal()
	}
}

// wakeAllLocked wakes every submitter waiting for room (the pool stops).
func (p *Pool) wakeAllLocked() {
	for p.waiters.wakeOne() {
	}
	p.room.Broadcast()
}

// Submit queues job. It returns ctx.Err() without queuing if ctx is already
// done, ErrStopped once a stop has begun, and, when the bounded queue is
// full, waits for room (honouring ctx) or, with WithNonBlocking, returns
// ErrQueueFull. A job whose ctx ends before it starts is not run.
func (p *Pool) Submit(ctx context.Context, job func(ctx context.Context) error) error {
	if job == nil {
		return errNilJob
	}
	return p.submit(ctx, task{ctx: ctx, job: job}, !p.cfg.nonBlocking)
}

// SubmitWithCallback queues job like Submit; cb (if not nil) is called
// exactly once with the job's Result, on the worker goroutine after the
// job, or with ErrDropped if the job is dropped at shutdown. A panic in cb
// is recovered and logged.
func (p *Pool) SubmitWithCallback(ctx context.Context, job func(ctx context.Context) (any, error), cb func(Result)) error {
	if job == nil {
		return errNilJob
	}
	return p.submit(ctx, task{ctx: ctx, jobV: job, cb: cb}, !p.cfg.nonBlocking)
}

// SubmitTyped is SubmitWithCallback for a job with a typed result: cb
// receives the job's value and error (the zero T with any error).
func SubmitTyped[T any](ctx context.Context, p *Pool, job func(ctx context.Context) (T, error), cb func(T, error)) error {
	if job == nil {
		return errNilJob
	}
	var wrapped func(Result)
	if cb != nil {
		wrapped = func(r Result) {
			v, _ := r.Value.(T)
			cb(v, r.Err)
		}
	}
	return p.SubmitWithCallback(ctx, func(ctx context.Context) (any, error) { return job(ctx) }, wrapped)
}

// Go submits job like Submit, but always waits for room in a full bounded
// queue, even with WithNonBlocking (errgroup.Group.Go's shape).
func (p *Pool) Go(ctx context.Context, job func(ctx context.Context) error) error {
	if job == nil {
		return errNilJob
	}
	return p.submit(ctx, task{ctx: ctx, job: job}, true)
}

// TryGo submits job without ever waiting and reports whether it was
// accepted (errgroup.Group.TryGo's shape).
func (p *Pool) TryGo(ctx context.Context, job func(ctx context.Context) error) bool {
	return job != nil && p.submit(ctx, task{ctx: ctx, job: job}, false) == nil
}

func (p *Pool) submit(ctx context.Context, t task, blocking bool) error {
	if ctx.Done() != nil { // nil: never cancelled, skip Err
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	p.mu.Lock()
	// The common case, an idle worker to hand the task to, stays in this
	// small frame; everything that may yield or wait is in submitSlow.
	// With tens of thousands of one-shot submitter goroutines, each stack
	// line a submit touches is a cache miss.
	if p.started && !p.stopping {
		if w := p.takeIdleLocked(); w != nil {
			p.mu.Unlock()
			w.t = t            // w is ours until the token is sent
			w.ch <- struct{}{} // buffered and empty: never blocks
			return nil
		}
	}
	return p.submitSlow(ctx, &t, blocking)
}

// takeIdleLocked pops the most recently idled worker (its stack is the
// likeliest to be in cache) and counts the task it is about to get; nil
// when no worker is idle.
func (p *Pool) takeIdleLocked() *worker {
	n := len(p.idle)
	if n == 0 {
		return nil
	}
	w := p.idle[n-1]
	p.idle[n-1] = nil
	p.idle = p.idle[:n-1]
	p.acceptLocked()
	p.working++
	return w
}

// submitSlow is submit when no idle worker was free at first sight; it is
// called with p.mu held.
func (p *Pool) submitSlow(ctx context.Context, tp *task, blocking bool) error {
	t := *tp
	yielded := false
	for {
		if p.stopping {
			p.mu.Unlock()
			return ErrStopped
		}
		if p.started {
			if w := p.takeIdleLocked(); w != nil {
				p.mu.Unlock()
				w.t = t
				w.ch <- struct{}{}
				return nil
			}
			if p.workers < p.max && p.working > p.yielding && !yielded {
				// No idle worker, but busy ones may be about to free
				// up: give them one chance to run before starting a
				// new goroutine. A submitter otherwise keeps its P and
				// starts a worker per task until it is preempted,
				// while the workers it started, runnable behind it,
				// never get to go idle (one submitter of 200 ns jobs
				// grew the pool to its cap of 10 000 instead of ~150).
				// At most one yielding submitter per busy worker: more
				// could not all be served by the workers freeing up,
				// and with 100 000 one-task submitters the extra
				// scheduling round kept them alive, doubling the peak.
				yielded = true
				p.yielding++
				p.mu.Unlock()
				runtime.Gosched()
				p.mu.Lock()
				p.yielding--
				continue
			}
			if p.workers < p.max {
				p.acceptLocked()
				p.working++
				p.workers++
				p.wg.Add(1)
				g := p.gen
				p.mu.Unlock()
				w := newWorker()
				w.t = t
				w.ch <- struct{}{}
				go p.worker(g, w)
				return nil
			}
		}
		if p.cfg.queueSize == 0 || p.queue.len() < p.cfg.queueSize {
			p.queue.push(t)
			p.acceptLocked()
			p.mu.Unlock()
			return nil
		}
		if !blocking {
			p.mu.Unlock()
			return ErrQueueFull
		}
		if ctx.Done() == nil {
			p.roomWait++
			p.room.Wait() // releases and retakes p.mu
			p.roomWait--
			continue
		}
		w := waiterPool.Get().(*waiter)
		p.waiters.push(w)
		p.mu.Unlock()
		select {
		case <-w.ch:
			waiterPool.Put(w)
		case <-ctx.Done():
			p.mu.Lock()
			if !p.waiters.remove(w) {
				// Woken meanwhile: pass the slot on.
				<-w.ch
				p.spaceLocked()
			}
			p.mu.Unlock()
			waiterPool.Put(w)
			return ctx.Err()
		}
		p.mu.Lock()
	}
}

func (p *Pool) acceptLocked() {
	p.st.Submitted++
	p.pending++
}

// What next tells a worker to do after a task.
const (
	nextRun  = iota // run the task next stored
	nextIdle        // wait on the worker's channel
	nextExit        // leave; already accounted for
)

// worker receives tasks on w.ch, and after each one takes the next from
// the queue until it is empty, until told to exit. Its frames are kept
// small: every live worker's stack sits in the 2 KiB a goroutine starts
// with, which matters with thousands of workers.
func (p *Pool) worker(g *generation, w *worker) {
	defer p.workerEnd(g, w)
	for {
		if p.cfg.idleTimeout == 0 {
			<-w.ch
		} else if !p.waitTask(w) {
			return
		}
		if w.t.isExit() {
			return // accounted for by the sender
		}
		for {
			n := p.next(w, p.run(g, w))
			if n == nextExit {
				return
			}
			if n == nextIdle {
				break
			}
		}
	}
}

// next accounts for the finished task's outcome and stores the next queued
// task in w.t, or registers the worker as idle, or decides it must exit.
func (p *Pool) next(w *worker, o outcome) int {
	w.t = task{} // before the worker can be seen idle: then w.t is the submitter's
	p.mu.LockSpinning()
	p.working--
	p.pending--
	switch o {
	case outCompleted:
		p.st.Completed++
	case outFailed:
		p.st.Failed++
	case outPanicked:
		p.st.Panicked++
	}
	if p.pending == 0 && p.idleCh != nil {
		close(p.idleCh)
		p.idleCh = nil
	}
	if p.workers > p.max || (p.stopping && p.queue.len() == 0) {
		p.exitLocked()
		p.mu.Unlock()
		return nextExit
	}
	if p.queue.popInto(&w.t) {
		p.working++
		p.spaceLocked()
		p.mu.Unlock()
		return nextRun
	}
	p.idle = append(p.idle, w)
	p.spaceLocked() // a submitter waiting on a full queue can hand off to w
	p.mu.Unlock()
	return nextIdle
}

// exitLocked accounts for a worker leaving.
func (p *Pool) exitLocked() {
	p.workers--
	p.spaceLocked()
	if p.stopping && p.workers == 0 {
		p.finishLocked()
	}
}

func (p *Pool) finishLocked() {
	select {
	case <-p.gen.exited:
	default:
		close(p.gen.exited)
		p.gen.killFn()
		p.started = false
	}
}

// waitTask waits for an idle worker's token with the idle timeout (then
// w.t holds the task); false means the worker timed out and must exit
// (already accounted for). An exit signal received with the token has been
// accounted for by its sender.
func (p *Pool) waitTask(w *worker) bool {
	timer := time.NewTimer(p.cfg.idleTimeout)
	defer timer.Stop()
	for {
		select {
		case <-w.ch:
			return true
		case <-timer.C:
		}
		p.mu.Lock()
		i := p.idleIndexLocked(w)
		if i < 0 {
			// A task or an exit signal was handed to us meanwhile.
			p.mu.Unlock()
			<-w.ch
			return true
		}
		if p.workers > p.min {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			p.exitLocked()
			p.mu.Unlock()
			return false
		}
		p.mu.Unlock()
		timer.Reset(p.cfg.idleTimeout)
	}
}

func (p *Pool) idleIndexLocked(w *worker) int {
	for i, x := range p.idle {
		if x == w {
			return i
		}
	}
	return -1
}

// releaseIdleLocked tells up to n idle workers to exit.
func (p *Pool) releaseIdleLocked(n int) {
	for ; n > 0 && len(p.idle) > 0; n-- {
		last := len(p.idle) - 1
		w := p.idle[last]
		p.idle[last] = nil
		p.idle = p.idle[:last]
		p.workers--
		w.t = task{} // already zero: an idle worker holds no task
		w.ch <- struct{}{}
	}
}

// run executes one task and its callback and returns the outcome. A panic
// in the job unwinds to the worker's deferred workerEnd.
func (p *Pool) run(g *generation, w *worker) outcome {
	t := &w.t
	done := t.ctx.Done()
	if done != nil {
		if err := t.ctx.Err(); err != nil {
			p.callback(t, Result{Err: err})
			return outFailed
		}
	}
	jctx, release := g.jobContext(p, t.ctx, done)
	w.release = release
	var res Result
	w.inJob = true
	if t.job != nil {
		res.Err = t.job(jctx)
	} else {
		res.Value, res.Err = t.jobV(jctx)
	}
	w.inJob = false
	if release != nil {
		w.release = nil
		release()
	}
	p.callback(t, res)
	if res.Err != nil {
		return outFailed
	}
	return outCompleted
}

// errGoexit is the Result.Err of a job that called runtime.Goexit.
var errGoexit = errors.New("cup: threadpool: job called runtime.Goexit")

// workerEnd is deferred by every worker goroutine, so that recovering a
// job's panic costs nothing per job. When the goroutine ends normally it
// only marks the worker gone. When a job panicked (or called
// runtime.Goexit), it recovers, reports the job's result, and hands the
// worker to a fresh goroutine, which carries on exactly where this one
// stopped; a panic outside a job is not recovered.
func (p *Pool) workerEnd(g *generation, w *worker) {
	if !w.inJob {
		p.wg.Done()
		return
	}
	r := recover()
	w.inJob = false
	if w.release != nil {
		w.release()
		w.release = nil
	}
	res, o := Result{Err: errGoexit}, outFailed
	if r != nil {
		p.log.Error("threadpool: job panicked", "pool", p.cfg.name, "panic", r, "stack", string(debug.Stack()))
		res, o = Result{Err: fmt.Errorf("%w: %v", ErrPanic, r)}, outPanicked
	}
	p.callback(&w.t, res)
	switch p.next(w, o) {
	case nextRun:
		w.ch <- struct{}{} // the worker was busy, so its channel is empty
		go p.worker(g, w)
	case nextIdle:
		go p.worker(g, w)
	default:
		p.wg.Done()
	}
}

func (p *Pool) callback(t *task, r Result) {
	if t.cb == nil {
		return
	}
	defer func() {
		if rec := recover(); rec != nil {
			p.log.Error("threadpool: callback panicked", "pool", p.cfg.name, "panic", rec, "stack", string(debug.Stack()))
		}
	}()
	t.cb(r)
}

// Resize sets the worker bounds. It applies at once: surplus idle workers
// exit now and busy ones after their current job; missing workers up to
// min (and up to max for queued jobs) start now if the pool is running.
// min < 1 or max < min is an error wrapping errs.ErrInvalidArgument and
// leaves the pool unchanged.
func (p *Pool) Resize(min, max int) error {
	if err := checkSize(min, max); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.min, p.max = min, max
	if p.started && !p.stopping {
		p.releaseIdleLocked(p.workers - max)
		p.growLocked()
	}
	return nil
}

// SetLimit sets the maximum number of workers to n, lowering the minimum
// if it is above n (errgroup.Group.SetLimit's shape). n < 1 is an error
// wrapping errs.ErrInvalidArgument.
func (p *Pool) SetLimit(n int) error {
	p.mu.Lock()
	lo := min(p.min, n)
	p.mu.Unlock()
	return p.Resize(lo, n)
}

// Wait blocks until every accepted job has finished (the queue is empty and
// no job runs), or ctx is done, in which case it returns ctx.Err(). It does
// not stop the pool. On a pool that is not started, queued jobs never
// finish, so Wait returns only with ctx.
func (p *Pool) Wait(ctx context.Context) error {
	p.mu.Lock()
	if p.pending == 0 {
		p.mu.Unlock()
		return nil
	}
	if p.idleCh == nil {
		p.idleCh = make(chan struct{})
	}
	ch := p.idleCh
	p.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// beginStopLocked rejects new jobs and lets the workers drain the queue
// and exit. A never-started pool gets workers for its queued jobs.
func (p *Pool) beginStopLocked() *generation {
	g := p.gen
	if p.stopping {
		return g
	}
	p.stopping = true
	p.wakeAllLocked()
	if !p.started && p.queue.len() > 0 {
		p.started = true
		for n := min(p.max, p.queue.len()); p.workers < n; {
			p.spawnLocked()
		}
	}
	p.releaseIdleLocked(len(p.idle))
	if p.workers == 0 {
		p.finishLocked()
	}
	return g
}

type poolKey struct{}

// Stop stops the pool gracefully: it rejects new jobs (ErrStopped), lets the
// workers run every queued job, and returns nil once they have exited. A
// never-started pool is drained the same way.
//
// If ctx ends first, Stop cancels the running jobs' contexts, removes the
// jobs not yet started (each gets its callback with ErrDropped), waits for
// the workers to exit, and returns a *StopError wrapping ctx.Err().
//
// Called with the context of one of the pool's own jobs, Stop begins the
// stop and returns ErrStopping at once instead of waiting for itself.
func (p *Pool) Stop(ctx context.Context) error {
	if owner, _ := ctx.Value(poolKey{}).(*Pool); owner == p {
		p.mu.Lock()
		p.beginStopLocked()
		p.mu.Unlock()
		return ErrStopping
	}
	p.mu.Lock()
	g := p.beginStopLocked()
	p.mu.Unlock()
	select {
	case <-g.exited:
		p.wg.Wait()
		return nil
	case <-ctx.Done():
	}
	n := p.abandon(g)
	if n == 0 {
		select {
		case <-g.exited:
			p.wg.Wait()
			return nil // the queue had drained by then
		default:
		}
	}
	<-g.exited
	p.wg.Wait()
	return &StopError{Dropped: n, Err: ctx.Err()}
}

// abandon cancels running jobs and drops the queue; it returns how many
// jobs were dropped.
func (p *Pool) abandon(g *generation) int {
	// Drop the queue before cancelling the running jobs: a worker freed by
	// the cancellation must not pick up a queued job first.
	p.mu.Lock()
	var dropped []task
	for {
		var t task
		if !p.popLocked(&t) {
			break
		}
		dropped = append(dropped, t)
	}
	p.pending -= len(dropped)
	p.st.Dropped += uint64(len(dropped))
	if p.pending == 0 && p.idleCh != nil {
		close(p.idleCh)
		p.idleCh = nil
	}
	if p.workers == 0 {
		p.finishLocked()
	}
	p.mu.Unlock()
	g.killFn()
	for i := range dropped {
		p.callback(&dropped[i], Result{Err: ErrDropped})
	}
	return len(dropped)
}

// Close stops the pool abruptly: it rejects new jobs, cancels the running
// jobs' contexts, drops the queued jobs (their callbacks get ErrDropped) and
// waits for the workers to exit. It returns nil; it is safe to call more
// than once and after Stop.
func (p *Pool) Close() error {
	p.mu.Lock()
	g := p.beginStopLocked()
	p.mu.Unlock()
	p.abandon(g)
	<-g.exited
	p.wg.Wait()
	return nil
}

// TryStop begins a graceful stop without waiting for it (queued jobs still
// run) and then waits at most timeout for the workers to exit. It reports
// whether the pool has fully stopped (CUP try_stop(check_interval)). A
// later Stop or Close waits for the rest.
func (p *Pool) TryStop(timeout time.Duration) bool {
	p.mu.Lock()
	g := p.beginStopLocked()
	p.mu.Unlock()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-g.exited:
		p.wg.Wait()
		return true
	case <-timer.C:
		return false
	}
}

// Stats returns a consistent snapshot of the pool, taken under its lock.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.st
	s.QueueLen = p.queue.len()
	s.Waiting = len(p.idle)
	s.Working = p.working
	s.Workers = p.workers
	return s
}

// jobContext returns the context a job runs with: the submitter's values,
// cancelled with the submitter's context or the pool's kill switch. done is
// parent.Done(), which the caller already has.
func (g *generation) jobContext(p *Pool, parent context.Context, done <-chan struct{}) (context.Context, func()) {
	if done == nil { // parent is never cancelled
		if parent == context.Background() || parent == context.TODO() {
			return g.base, nil // no values either: share one context
		}
		return &jobCtx{vals: parent, cancel: g.kill, pool: p}, nil
	}
	c, cancel := context.WithCancel(parent)
	stop := context.AfterFunc(g.kill, cancel)
	return &jobCtx{vals: c, cancel: c, pool: p}, func() { stop(); cancel() }
}

// jobCtx takes its values from vals and its cancellation from cancel, and
// marks the context as belonging to pool.
type jobCtx struct {
	vals, cancel context.Context
	pool         *Pool
}

func (c *jobCtx) Deadline() (time.Time, bool) { return c.cancel.Deadline() }
func (c *jobCtx) Done() <-chan struct{}       { return c.cancel.Done() }
func (c *jobCtx) Err() error                  { return c.cancel.Err() }

func (c *jobCtx) Value(key any) any {
	if _, ok := key.(poolKey); ok {
		return c.pool
	}
	return c.vals.Value(key)
}

// AfterFunc lets contexts derived from a job's context register for its
// cancellation without a goroutine of their own.
func (c *jobCtx) AfterFunc(f func()) func() bool { return context.AfterFunc(c.cancel, f) }

func (c *jobCtx) String() string { return "threadpool.jobContext" }
