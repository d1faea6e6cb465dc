package threadpool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/errs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var quiet = WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

func newPool(t *testing.T, min, max int, opts ...Option) *Pool {
	t.Helper()
	p, err := New(min, max, append([]Option{quiet}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// eventually polls cond for up to 30 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNewValidates(t *testing.T) {
	for _, mm := range [][2]int{{0, 1}, {3, 1}, {-1, 5}} {
		if _, err := New(mm[0], mm[1]); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("New(%d, %d) = %v", mm[0], mm[1], err)
		}
	}
	if _, err := New(1, 1, WithQueueSize(-1)); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("negative queue: %v", err)
	}
	p := newPool(t, 1, 2)
	if err := p.Resize(5, 2); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("Resize(5, 2) = %v", err)
	}
	if p.min != 1 || p.max != 2 {
		t.Error("failed Resize changed the pool")
	}
	if err := p.Submit(context.Background(), nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("nil job: %v", err)
	}
}

func TestQueuedBeforeStart(t *testing.T) {
	p := newPool(t, 2, 4)
	var ran atomic.Int32
	release := make(chan struct{})
	for range 3 {
		if err := p.Submit(context.Background(), func(context.Context) error {
			ran.Add(1)
			<-release
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if s := p.Stats(); s.QueueLen != 3 || s.Workers != 0 {
		t.Fatalf("before Start: %+v", s)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Workers != 3 {
		t.Errorf("workers after Start = %d, want max(min, min(max, queued)) = 3", s.Workers)
	}
	eventually(t, "3 jobs running", func() bool { return ran.Load() == 3 })
	close(release)
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestGrowthAndIdleTimeout(t *testing.T) {
	for _, idle := range []time.Duration{0, 20 * time.Millisecond} {
		t.Run(fmt.Sprint("idle=", idle), func(t *testing.T) {
			p := newPool(t, 4, 8, WithIdleTimeout(idle))
			if err := p.Start(); err != nil {
				t.Fatal(err)
			}
			release := make(chan struct{})
			var started atomic.Int32
			for range 10 {
				_ = p.Submit(context.Background(), func(context.Context) error {
					started.Add(1)
					<-release
					return nil
				})
			}
			eventually(t, "8 jobs running", func() bool { return started.Load() == 8 })
			if s := p.Stats(); s.Workers != 8 || s.QueueLen != 2 || s.Working != 8 {
				t.Fatalf("stats = %+v", s)
			}
			close(release)
			if err := p.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if idle == 0 {
				time.Sleep(50 * time.Millisecond)
				if s := p.Stats(); s.Workers != 8 || s.Waiting != 8 {
					t.Errorf("without idle timeout: %+v", s)
				}
			} else {
				eventually(t, "shrink to 4", func() bool { return p.Stats().Workers == 4 })
			}
		})
	}
}

func TestCallbacks(t *testing.T) {
	p := newPool(t, 1, 1)
	_ = p.Start()
	boom := errors.New("boom")
	results := make(chan Result, 4)
	cb := func(r Result) { results <- r }
	_ = p.SubmitWithCallback(context.Background(), func(context.Context) (any, error) { return 990, nil }, cb)
	_ = p.SubmitWithCallback(context.Background(), func(context.Context) (any, error) { return nil, boom }, cb)
	_ = p.SubmitWithCallback(context.Background(), func(context.Context) (any, error) { panic("kaboom") }, cb)
	_ = p.SubmitWithCallback(context.Background(), func(context.Context) (any, error) { return "after", nil },
		func(r Result) { results <- r; panic("callback panic") })
	if r := <-results; !r.OK() || r.Value != 990 {
		t.Errorf("success = %+v", r)
	}
	if r := <-results; !errors.Is(r.Err, boom) {
		t.Errorf("error = %+v", r)
	}
	if r := <-results; !errors.Is(r.Err, ErrPanic) {
		t.Errorf("panic = %+v", r)
	}
	if r := <-results; r.Value != "after" {
		t.Errorf("after panic = %+v (worker did not survive)", r)
	}
	// The worker survived the callback panic too.
	got := make(chan int, 1)
	_ = SubmitTyped(context.Background(), p, func(context.Context) (int, error) { return 7, nil },
		func(v int, err error) { got <- v })
	if v := <-got; v != 7 {
		t.Errorf("SubmitTyped = %d", v)
	}
	_ = p.Wait(context.Background())
	if s := p.Stats(); s.Workers != 1 || s.Panicked != 1 || s.Failed != 1 || s.Completed != 3 || s.Submitted != 5 {
		t.Errorf("stats = %+v", s)
	}
}

func TestStopDrainsTenThousand(t *testing.T) {
	p := newPool(t, 2, 4)
	_ = p.Start()
	const n = 10000
	var ran, called atomic.Int32
	for range n {
		err := p.SubmitWithCallback(context.Background(), func(context.Context) (any, error) {
			ran.Add(1)
			return nil, nil
		}, func(Result) { called.Add(1) })
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ran.Load() != n || called.Load() != n {
		t.Errorf("ran %d, callbacks %d, want %d", ran.Load(), called.Load(), n)
	}
	if s := p.Stats(); s.Workers != 0 || s.Completed != n {
		t.Errorf("stats = %+v", s)
	}
	if err := p.Submit(context.Background(), func(context.Context) error { return nil }); !errors.Is(err, ErrStopped) || !errors.Is(err, errs.ErrClosed) {
		t.Errorf("Submit after Stop = %v", err)
	}
	// Restart.
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	_ = p.Submit(context.Background(), func(context.Context) error { close(done); return nil })
	<-done
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestStopDeadline(t *testing.T) {
	p := newPool(t, 2, 2)
	_ = p.Start()
	var sawCancel atomic.Int32
	var results sync.Map
	for i := range 10 {
		_ = p.SubmitWithCallback(context.Background(), func(ctx context.Context) (any, error) {
			<-ctx.Done()
			sawCancel.Add(1)
			return nil, ctx.Err()
		}, func(r Result) { results.Store(i, r) })
	}
	eventually(t, "2 running", func() bool { return p.Stats().Working == 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := p.Stop(ctx)
	var se *StopError
	if !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v", err)
	}
	if se.Dropped != 8 {
		t.Errorf("Dropped = %d, want 8", se.Dropped)
	}
	if sawCancel.Load() != 2 {
		t.Errorf("%d running jobs saw ctx.Done, want 2", sawCancel.Load())
	}
	dropped := 0
	results.Range(func(_, v any) bool {
		if errors.Is(v.(Result).Err, ErrDropped) {
			dropped++
		}
		return true
	})
	if dropped != 8 {
		t.Errorf("%d callbacks got ErrDropped", dropped)
	}
	s := p.Stats()
	if s.Submitted != s.Completed+s.Failed+s.Panicked+s.Dropped || s.Workers != 0 {
		t.Errorf("accounting: %+v", s)
	}
}

func TestTryStopDeadline(t *testing.T) {
	p := newPool(t, 1, 1)
	_ = p.Start()
	release := make(chan struct{})
	var ran atomic.Int32
	_ = p.Submit(context.Background(), func(context.Context) error { <-release; ran.Add(1); return nil })
	_ = p.Submit(context.Background(), func(context.Context) error { ran.Add(1); return nil })
	start := time.Now()
	if p.TryStop(100 * time.Millisecond) {
		t.Fatal("TryStop = true with a job running")
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("TryStop returned after %v", d)
	}
	if err := p.Submit(context.Background(), func(context.Context) error { return nil }); !errors.Is(err, ErrStopped) {
		t.Errorf("Submit during TryStop = %v", err)
	}
	if err := p.Start(); !errors.Is(err, ErrStopping) {
		t.Errorf("Start while draining = %v", err)
	}
	close(release)
	if !p.TryStop(30 * time.Second) {
		t.Fatal("TryStop = false after the jobs finished")
	}
	if ran.Load() != 2 {
		t.Errorf("queued job did not run: %d", ran.Load())
	}
}

func TestStopNeverStarted(t *testing.T) {
	p := newPool(t, 1, 3)
	var ran atomic.Int32
	for range 5 {
		_ = p.Submit(context.Background(), func(context.Context) error { ran.Add(1); return nil })
	}
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ran.Load() != 5 {
		t.Errorf("ran %d of 5 queued jobs", ran.Load())
	}
	// Close of a never-started pool reports the queue as dropped.
	q := newPool(t, 1, 1)
	var dropped atomic.Int32
	for range 3 {
		_ = q.SubmitWithCallback(context.Background(), func(context.Context) (any, error) { return nil, nil },
			func(r Result) {
				if errors.Is(r.Err, ErrDropped) {
					dropped.Add(1)
				}
			})
	}
	_ = q.Close()
	if s := q.Stats(); dropped.Load()+int32(s.Completed) != 3 {
		t.Errorf("dropped %d completed %d", dropped.Load(), s.Completed)
	}
}

func TestBoundedQueue(t *testing.T) {
	p := newPool(t, 1, 1, WithQueueSize(2), WithNonBlocking())
	_ = p.Start()
	release := make(chan struct{})
	block := func(context.Context) error { <-release; return nil }
	_ = p.Submit(context.Background(), block)
	eventually(t, "worker busy", func() bool { return p.Stats().Working == 1 })
	for range 2 {
		if err := p.Submit(context.Background(), block); err != nil {
			t.Fatal(err)
		}
	}
	err := p.Submit(context.Background(), block)
	if !errors.Is(err, ErrQueueFull) || !errors.Is(err, errs.ErrFull) {
		t.Fatalf("third pending Submit = %v", err)
	}
	if p.TryGo(context.Background(), block) {
		t.Error("TryGo accepted into a full queue")
	}
	// Go waits even in non-blocking mode and honours ctx.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.Go(ctx, block); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Go on full queue = %v", err)
	}
	got := make(chan error, 1)
	go func() { got <- p.Go(context.Background(), func(context.Context) error { return nil }) }()
	close(release)
	if err := <-got; err != nil {
		t.Errorf("Go after room = %v", err)
	}
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestBlockingSubmitWakesOnStop(t *testing.T) {
	p := newPool(t, 1, 1, WithQueueSize(1))
	_ = p.Start()
	release := make(chan struct{})
	_ = p.Submit(context.Background(), func(context.Context) error { <-release; return nil })
	eventually(t, "busy", func() bool { return p.Stats().Working == 1 })
	_ = p.Submit(context.Background(), func(context.Context) error { return nil })
	got := make(chan error, 1)
	go func() { got <- p.Submit(context.Background(), func(context.Context) error { return nil }) }()
	time.Sleep(20 * time.Millisecond)
	p.TryStop(0)
	if err := <-got; !errors.Is(err, ErrStopped) {
		t.Errorf("blocked Submit after stop = %v", err)
	}
	close(release)
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

type ctxKey struct{}

func TestSubmitterContext(t *testing.T) {
	p := newPool(t, 1, 1)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Submit(cancelled, func(context.Context) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Submit with cancelled ctx = %v", err)
	}
	if p.Stats().Submitted != 0 {
		t.Error("cancelled submit was queued")
	}

	// Cancelled after queuing, before starting: not run, callback gets ctx.Err().
	ctx, cancel2 := context.WithCancel(context.Background())
	var ran atomic.Bool
	res := make(chan Result, 1)
	_ = p.SubmitWithCallback(ctx, func(context.Context) (any, error) { ran.Store(true); return nil, nil },
		func(r Result) { res <- r })
	cancel2()
	_ = p.Start()
	if r := <-res; !errors.Is(r.Err, context.Canceled) || ran.Load() {
		t.Errorf("result %+v, ran %v", r, ran.Load())
	}

	// Values travel; the submitter's cancellation reaches the running job.
	vctx, cancel3 := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
	seen := make(chan any, 1)
	stopped := make(chan error, 1)
	_ = p.Submit(vctx, func(ctx context.Context) error {
		seen <- ctx.Value(ctxKey{})
		<-ctx.Done()
		stopped <- ctx.Err()
		return nil
	})
	if v := <-seen; v != "v" {
		t.Errorf("job saw value %v", v)
	}
	cancel3()
	if err := <-stopped; !errors.Is(err, context.Canceled) {
		t.Errorf("job ctx err = %v", err)
	}
	// Values without cancellation.
	_ = p.Submit(context.WithValue(context.Background(), ctxKey{}, "w"), func(ctx context.Context) error {
		child, cancel := context.WithCancel(ctx)
		defer cancel()
		seen <- child.Value(ctxKey{})
		return nil
	})
	if v := <-seen; v != "w" {
		t.Errorf("job saw value %v", v)
	}
}

func TestStopFromInsideJob(t *testing.T) {
	p := newPool(t, 1, 1)
	_ = p.Start()
	var after atomic.Int32
	got := make(chan error, 1)
	_ = p.Submit(context.Background(), func(ctx context.Context) error {
		got <- p.Stop(ctx)
		return nil
	})
	for range 5 {
		_ = p.Submit(context.Background(), func(context.Context) error { after.Add(1); return nil })
	}
	select {
	case err := <-got:
		if !errors.Is(err, ErrStopping) {
			t.Errorf("Stop from job = %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Stop from inside a job deadlocked")
	}
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after.Load() != 5 {
		t.Errorf("%d of 5 remaining jobs ran", after.Load())
	}
}

func TestResizeAndSetLimit(t *testing.T) {
	p := newPool(t, 1, 4)
	_ = p.Start()
	release := make(chan struct{})
	for range 4 {
		_ = p.Submit(context.Background(), func(context.Context) error { <-release; return nil })
	}
	eventually(t, "4 working", func() bool { return p.Stats().Working == 4 })
	if err := p.SetLimit(2); err != nil {
		t.Fatal(err)
	}
	close(release)
	eventually(t, "shrink to 2", func() bool { return p.Stats().Workers == 2 })
	if err := p.Resize(3, 5); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Workers != 3 {
		t.Errorf("after Resize(3,5): %+v", s)
	}
	if err := p.SetLimit(0); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("SetLimit(0) = %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	p := newPool(t, 2, 8, WithQueueSize(64))
	_ = p.Start()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				_ = p.Submit(context.Background(), func(context.Context) error { return nil })
				if i%50 == 0 {
					_ = p.Stats()
					_ = p.Resize(1+g%3, 4+g%5)
				}
			}
		})
	}
	wg.Wait()
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	if s.Submitted != 4000 || s.Completed != 4000 || s.Workers != 0 {
		t.Errorf("stats = %+v", s)
	}
}

func ExamplePool() {
	pool, err := New(2, 8)
	if err != nil {
		panic(err)
	}
	if err := pool.Start(); err != nil {
		panic(err)
	}
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		_ = pool.Submit(context.Background(), func(ctx context.Context) error {
			sum.Add(int64(i))
			return nil
		})
	}
	// Stop runs every queued job before returning.
	if err := pool.Stop(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println(sum.Load(), pool.Stats().Completed)
	// Output: 5050 100
}

// TestBlockedSubmittersAdmitted checks that submitters blocked on a full
// bounded queue are woken one per freed slot and all get in, whether their
// context can be cancelled or not, and that cancelled ones leave cleanly.
func TestBlockedSubmittersAdmitted(t *testing.T) {
	p := newPool(t, 1, 2, WithQueueSize(1))
	_ = p.Start()
	var ran atomic.Int32
	job := func(context.Context) error { time.Sleep(100 * time.Microsecond); ran.Add(1); return nil }
	const n = 200
	var wg sync.WaitGroup
	var cancelled atomic.Int32
	for i := range n {
		wg.Go(func() {
			ctx := context.Background()
			switch i % 3 {
			case 1:
				c, cancel := context.WithCancel(ctx)
				defer cancel()
				ctx = c
			case 2:
				c, cancel := context.WithTimeout(ctx, time.Duration(i%7)*time.Millisecond)
				defer cancel()
				ctx = c
			}
			if err := p.Submit(ctx, job); err != nil {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Submit = %v", err)
				}
				cancelled.Add(1)
			}
		})
	}
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	select {
	case <-all:
	case <-time.After(60 * time.Second):
		t.Fatalf("blocked submitters never admitted: %+v", p.Stats())
	}
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	// An accepted job whose submitter's context ended before it started
	// is counted as failed without running.
	if int(s.Submitted)+int(cancelled.Load()) != n || s.Completed != uint64(ran.Load()) || s.Completed+s.Failed != s.Submitted {
		t.Errorf("ran %d, cancelled %d, stats %+v", ran.Load(), cancelled.Load(), s)
	}
	if p.waiters.head != nil {
		t.Error("waiter list not empty")
	}
}

// TestWorkerStackSmall guards the memory of big pools: a worker, busy in a
// job or idle, must fit in the 2 KiB stack a goroutine starts with
// (thousands of workers whose stacks double to 4 KiB cost twice the
// memory).
func TestWorkerStackSmall(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector enlarges stack frames")
	}
	const n = 2000
	p := newPool(t, 1, n)
	_ = p.Start()
	stacks := func() uint64 {
		s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	runtime.GC()
	before := stacks()
	release := make(chan struct{})
	var started atomic.Int32
	for range n {
		_ = p.Submit(context.Background(), func(context.Context) error {
			started.Add(1)
			<-release
			return nil
		})
	}
	eventually(t, "all jobs running", func() bool { return started.Load() == n })
	busy := (stacks() - before) / n
	close(release)
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Cycle the workers through short sleeps, as a busy pool does.
	for range 10 * n {
		_ = p.Submit(context.Background(), func(context.Context) error { time.Sleep(time.Millisecond); return nil })
	}
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "all workers idle", func() bool { return p.Stats().Waiting == n })
	idle := (stacks() - before) / n
	if busy > 3<<10 || idle > 3<<10 {
		t.Errorf("stack per worker: %d bytes busy, %d idle, want about 2 KiB", busy, idle)
	}
}

// TestJobGoexitAndPanicWithContext checks that a job calling
// runtime.Goexit, or panicking with a cancellable context, is reported and
// leaves the pool at full strength.
func TestJobGoexitAndPanicWithContext(t *testing.T) {
	p := newPool(t, 2, 2)
	_ = p.Start()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make(chan Result, 2)
	cb := func(r Result) { results <- r }
	_ = p.SubmitWithCallback(context.Background(), func(context.Context) (any, error) { runtime.Goexit(); return nil, nil }, cb)
	_ = p.SubmitWithCallback(ctx, func(context.Context) (any, error) { panic("with ctx") }, cb)
	for range 2 {
		r := <-results
		if r.Err == nil || (!errors.Is(r.Err, ErrPanic) && !strings.Contains(r.Err.Error(), "Goexit")) {
			t.Errorf("result %+v", r)
		}
	}
	var ran atomic.Int32
	for range 10 {
		_ = p.Submit(ctx, func(context.Context) error { ran.Add(1); return nil })
	}
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); ran.Load() != 10 || s.Workers != 2 || s.Panicked != 1 || s.Failed != 1 || s.Completed != 10 {
		t.Errorf("ran %d, stats %+v", ran.Load(), s)
	}
}

// TestSpinLockExclusion has yielding and spinning lockers contend on one
// spinLock; a plain counter under it must come out exact (and the race
// detector, under -race, sees every access ordered).
func TestSpinLockExclusion(t *testing.T) {
	var l spinLock
	var n int
	var wg sync.WaitGroup
	const each = 20000
	for i := range 8 {
		wg.Go(func() {
			for range each {
				if i%2 == 0 {
					l.Lock()
				} else {
					l.LockSpinning()
				}
				n++
				l.Unlock()
			}
		})
	}
	wg.Wait()
	if n != 8*each {
		t.Fatalf("counter = %d, want %d", n, 8*each)
	}
}
