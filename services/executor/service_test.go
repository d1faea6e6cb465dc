package executor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/testutil"
	"github.com/cupgo/cup/log"
)

type syncBuffer = testutil.SyncBuffer

var loggerSeq atomic.Int64

func testLogger(t *testing.T) (*log.Logger, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	l, err := log.New(fmt.Sprintf("executor-test-%d", loggerSeq.Add(1)), log.Options{Output: buf, File: t.TempDir() + "/x.log"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, buf
}

func mustStop(t *testing.T, s interface {
	Stop(context.Context) (StopReport, error)
}) StopReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := s.Stop(ctx)
	if err != nil {
		t.Fatalf("Stop: %v", err)
	}
	return rep
}

func TestNewValidation(t *testing.T) {
	for _, c := range [][2]int{{0, 0}, {-1, 2}, {2, -1}} {
		if _, err := New(c[0], c[1]); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("New(%d, %d) = %v, want ErrInvalidArgument", c[0], c[1], err)
		}
	}
	if _, err := NewCron(0); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("NewCron(0) = %v", err)
	}
	s, _ := New(1, 1)
	if err := s.QueueExec(UrgencyHigh, nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("nil task: %v", err)
	}
	mustStop(t, s)
}

func TestUrgencyOrderFIFO(t *testing.T) {
	l, _ := testLogger(t)
	s, err := New(1, 1, WithLogger(l), WithName("order"))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	rec := func(name string) Task {
		return func(context.Context) error {
			mu.Lock()
			got = append(got, name)
			mu.Unlock()
			return nil
		}
	}
	// Queued before Start (they run after it), with a different
	// closure per task: CUP compared functions and crashed here.
	var want []string
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.QueueExec(UrgencyLow, rec("low")))
	for i := range 100 {
		must(s.QueueExec(UrgencyNormal, rec(fmt.Sprint("normal", i))))
		want = append(want, fmt.Sprint("normal", i))
	}
	must(s.QueueExec(UrgencyHigh, rec("high")))
	want = append(append([]string{"high"}, want...), "low")
	if s.Running() {
		t.Fatal("Running before Start")
	}
	must(s.Start())
	if err := s.Start(); !errors.Is(err, ErrAlreadyStarted) {
		t.Fatalf("second Start = %v", err)
	}
	if !s.Running() {
		t.Fatal("not Running after Start")
	}
	waitFor(t, "102 tasks", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 102 })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("order:\n got %v\nwant %v", got, want)
	}

	// While the worker is busy, a later HIGH overtakes queued NORMALs.
	gate := make(chan struct{})
	mu.Lock()
	got = nil
	mu.Unlock()
	must(s.QueueExec(UrgencyNormal, func(context.Context) error { <-gate; return nil }))
	must(s.QueueExec(UrgencyNormal, rec("n1")))
	must(s.QueueExec(UrgencyLow, rec("l1")))
	must(s.QueueExec(UrgencyNormal, rec("n2")))
	must(s.QueueExec(UrgencyHigh, rec("h1")))
	close(gate)
	waitFor(t, "4 tasks", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 4 })
	if fmt.Sprint(got) != "[h1 n1 n2 l1]" {
		t.Fatalf("busy-worker order %v", got)
	}
	if rep := mustStop(t, s); rep.DroppedQueued != 0 || len(rep.Unrun) != 0 {
		t.Fatalf("report %+v", rep)
	}
	if !errors.Is(s.Start(), ErrStopped) || s.Running() {
		t.Fatal("restart after Stop allowed")
	}
}

func TestDelayed10000(t *testing.T) {
	s, err := New(4, 1, WithName("delays"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	const n = 10000
	var runs [n]atomic.Int32
	var early atomic.Int32
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range n {
		d := time.Duration(rand.IntN(500)) * time.Millisecond
		due := time.Now().Add(d)
		_, err := s.DelayExec(d, Urgency(i%3), func(context.Context) error {
			if time.Now().Before(due) {
				early.Add(1)
			}
			runs[i].Add(1)
			wg.Done()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("delayed tasks did not all run")
	}
	for i := range runs {
		if c := runs[i].Load(); c != 1 {
			t.Fatalf("task %d ran %d times", i, c)
		}
	}
	if e := early.Load(); e != 0 {
		t.Fatalf("%d tasks ran before their delay", e)
	}
	mustStop(t, s)
}

func TestDelayCancel(t *testing.T) {
	clk := newFakeClock(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	s, _ := New(1, 1, WithClock(clk))
	_ = s.Start()
	var ran atomic.Int32
	task := func(context.Context) error { ran.Add(1); return nil }
	d1, _ := s.DelayExec(300*time.Millisecond, UrgencyNormal, task)
	d2, _ := s.DelayExec(300*time.Millisecond, UrgencyNormal, task)
	if d1.Due() != clk.Now().Add(300*time.Millisecond) || d2.ID() != d1.ID()+1 {
		t.Fatalf("Due %v ID %d/%d", d1.Due(), d1.ID(), d2.ID())
	}
	clk.Advance(299 * time.Millisecond)
	time.Sleep(20 * time.Millisecond) // give a (wrong) early run a chance
	if ran.Load() != 0 {
		t.Fatal("ran before its delay")
	}
	if !d1.Cancel() {
		t.Fatal("Cancel of a pending task = false")
	}
	if d1.Cancel() {
		t.Fatal("second Cancel = true")
	}
	clk.Advance(time.Millisecond)
	waitFor(t, "d2 to run", func() bool { return ran.Load() == 1 })
	if d2.Cancel() {
		t.Fatal("Cancel after run = true")
	}
	time.Sleep(20 * time.Millisecond)
	if ran.Load() != 1 {
		t.Fatalf("ran %d times, want 1 (cancelled task ran)", ran.Load())
	}
	// d <= 0 is due now.
	d3, _ := s.DelayExec(-time.Second, UrgencyNormal, task)
	waitFor(t, "d3", func() bool { return ran.Load() == 2 })
	_ = d3
	mustStop(t, s)
}

func TestErrorsAndPanicsKeepWorker(t *testing.T) {
	l, logged := testLogger(t)
	var mu sync.Mutex
	var reported []error
	s, _ := New(0, 1, WithLogger(l), WithName("crashy"), WithErrorHandler(func(ref TaskRef, err error) {
		mu.Lock()
		reported = append(reported, err)
		mu.Unlock()
	}))
	boom := errors.New("boom")
	ok := make(chan struct{})
	_ = s.QueueExec(UrgencyNormal, func(context.Context) error { return boom })
	_ = s.QueueExec(UrgencyNormal, func(context.Context) error { panic("kaput") })
	_ = s.QueueExec(UrgencyNormal, func(context.Context) error { close(ok); return nil })
	_ = s.Start()
	select {
	case <-ok:
	case <-time.After(20 * time.Second):
		t.Fatal("worker died after an error or panic")
	}
	mustStop(t, s)
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 2 || !errors.Is(reported[0], boom) || !errors.Is(reported[1], ErrPanic) {
		t.Fatalf("reported %v", reported)
	}
	out := logged.String()
	for _, want := range []string{"executor service(crashy)", "boom", "kaput", "task panicked"} {
		if !bytes.Contains([]byte(out), []byte(want)) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestStopReportsUnrun(t *testing.T) {
	for _, drain := range []bool{false, true} {
		t.Run(fmt.Sprint("drain=", drain), func(t *testing.T) {
			var opts []Option
			if drain {
				opts = append(opts, WithDrainOnStop())
			}
			s, _ := New(1, 1, opts...)
			_ = s.Start()
			started, release := make(chan struct{}), make(chan struct{})
			var completed atomic.Int32
			_ = s.QueueExec(UrgencyNormal, func(context.Context) error {
				close(started)
				<-release
				completed.Add(1)
				return nil
			})
			<-started
			for range 5 {
				_ = s.QueueExec(UrgencyNormal, func(context.Context) error { completed.Add(1); return nil })
			}
			var delayedRan atomic.Int32
			for range 2 {
				if _, err := s.DelayExec(time.Hour, UrgencyHigh, func(context.Context) error { delayedRan.Add(1); return nil }); err != nil {
					t.Fatal(err)
				}
			}
			type result struct {
				rep StopReport
				err error
			}
			res := make(chan result, 1)
			go func() {
				rep, err := s.Stop(context.Background())
				res <- result{rep, err}
			}()
			waitFor(t, "Stop to begin", func() bool { return !s.Running() })
			if err := s.QueueExec(UrgencyLow, func(context.Context) error { return nil }); !errors.Is(err, ErrStopped) {
				t.Fatalf("QueueExec after Stop: %v", err)
			}
			if _, err := s.DelayExec(0, UrgencyLow, func(context.Context) error { return nil }); !errors.Is(err, ErrStopped) {
				t.Fatalf("DelayExec after Stop: %v", err)
			}
			close(release)
			r := <-res
			if r.err != nil {
				t.Fatal(r.err)
			}
			wantDropped, wantCompleted := 5, int32(1)
			if drain {
				wantDropped, wantCompleted = 0, 6
			}
			if r.rep.DroppedQueued != wantDropped || r.rep.CancelledDelayed != 2 || completed.Load() != wantCompleted {
				t.Fatalf("report %+v, completed %d", r.rep, completed.Load())
			}
			if len(r.rep.Unrun) != wantDropped+2 {
				t.Fatalf("Unrun %+v", r.rep.Unrun)
			}
			for i, ref := range r.rep.Unrun {
				if i > 0 && ref.ID <= r.rep.Unrun[i-1].ID {
					t.Fatalf("Unrun not in submission order: %+v", r.rep.Unrun)
				}
			}
			if last := r.rep.Unrun[len(r.rep.Unrun)-1]; !last.Delayed || last.ID != 8 || last.Urgency != UrgencyHigh {
				t.Fatalf("last unrun %+v", last)
			}
			again := mustStop(t, s)
			if fmt.Sprint(again) != fmt.Sprint(r.rep) {
				t.Fatalf("second Stop report %+v differs", again)
			}
			if delayedRan.Load() != 0 {
				t.Fatal("cancelled delayed task ran")
			}
		})
	}
}

func TestStopNeverStarted(t *testing.T) {
	s, _ := New(1, 1, WithDrainOnStop())
	_ = s.QueueExec(UrgencyNormal, func(context.Context) error { return nil })
	_, _ = s.DelayExec(0, UrgencyNormal, func(context.Context) error { return nil })
	rep := mustStop(t, s)
	if rep.DroppedQueued != 1 || rep.CancelledDelayed != 1 {
		t.Fatalf("report %+v", rep)
	}
}

func TestStopDeadline(t *testing.T) {
	s, _ := New(0, 1)
	_ = s.Start()
	started := make(chan struct{})
	var sawCancel atomic.Bool
	_ = s.QueueExec(UrgencyNormal, func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		sawCancel.Store(true)
		return ctx.Err()
	})
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := s.Stop(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v, want DeadlineExceeded", err)
	}
	mustStop(t, s) // the worker exits once its task sees the cancellation
	if !sawCancel.Load() {
		t.Fatal("task ctx not cancelled")
	}
}

func TestEvery(t *testing.T) {
	clk := newFakeClock(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	l, _ := testLogger(t)
	s, _ := New(1, 0, WithClock(clk), WithLogger(l))
	_ = s.Start()
	var runs atomic.Int32
	var at []time.Time
	var mu sync.Mutex
	hold := make(chan struct{})
	p, err := s.Every(10*time.Second, UrgencyNormal, func(context.Context) error {
		n := runs.Add(1)
		if n == 5 {
			<-hold // the test moves the clock on meanwhile
		}
		mu.Lock()
		at = append(at, clk.Now())
		mu.Unlock()
		if n == 2 {
			panic("second run panics")
		}
		return errors.New("every run fails")
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Every(0, UrgencyNormal, func(context.Context) error { return nil }); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("Every(0) = %v", err)
	}
	for i := 1; i <= 4; i++ {
		clk.Advance(10 * time.Second)
		waitFor(t, fmt.Sprint("run ", i), func() bool { return runs.Load() == int32(i) })
		// The next occurrence is armed after the run returns.
		waitFor(t, "rearm", func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.pending.n == 1 })
	}
	// A late run (the 50 s occurrence, held until the clock is at 75 s)
	// skips the missed 60 s and 70 s occurrences
	// instead of bursting: the next one is at 80 s.
	clk.Advance(35 * time.Second)
	waitFor(t, "run 5", func() bool { return runs.Load() == 5 })
	close(hold)
	waitFor(t, "rearm", func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.pending.n == 1 })
	s.mu.Lock()
	for d := s.pending.head; d != nil; d = d.next {
		if want := time.Date(2024, 1, 1, 0, 1, 20, 0, time.UTC); !d.Due().Equal(want) {
			t.Errorf("next occurrence %v, want %v", d.Due(), want)
		}
	}
	s.mu.Unlock()
	if !p.Cancel() || p.Cancel() {
		t.Fatal("Cancel results wrong")
	}
	clk.Advance(time.Minute)
	time.Sleep(20 * time.Millisecond)
	if runs.Load() != 5 {
		t.Fatalf("ran after Cancel: %d", runs.Load())
	}
	mustStop(t, s)
	mu.Lock()
	defer mu.Unlock()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, ti := range at[:4] {
		if want := start.Add(time.Duration(i+1) * 10 * time.Second); !ti.Equal(want) {
			t.Errorf("run %d at %v, want %v", i+1, ti, want)
		}
	}
	if want := start.Add(75 * time.Second); !at[4].Equal(want) {
		t.Errorf("run 5 at %v, want %v", at[4], want)
	}
}

// TestInlineFastPathLimits checks the timer fast path (system clock): at
// most delayWorkers delayed tasks run at once, the rest wait in the queue
// in urgency order, and Stop waits for a task running on a timer
// goroutine.
func TestInlineFastPathLimits(t *testing.T) {
	s, _ := New(2, 1)
	_ = s.Start()
	var running, maxRunning, done atomic.Int32
	release := make(chan struct{})
	task := func(context.Context) error {
		r := running.Add(1)
		for {
			m := maxRunning.Load()
			if r <= m || maxRunning.CompareAndSwap(m, r) {
				break
			}
		}
		<-release
		running.Add(-1)
		done.Add(1)
		return nil
	}
	for range 6 {
		if _, err := s.DelayExec(time.Millisecond, UrgencyNormal, task); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "two running", func() bool { return running.Load() == 2 })
	time.Sleep(50 * time.Millisecond) // the other four are due; none may start
	if m := maxRunning.Load(); m != 2 {
		t.Fatalf("%d delayed tasks ran at once with 2 delay workers", m)
	}
	type result struct {
		rep StopReport
		err error
	}
	res := make(chan result, 1)
	go func() {
		rep, err := s.Stop(context.Background())
		res <- result{rep, err}
	}()
	waitFor(t, "Stop to begin", func() bool { return !s.Running() })
	select {
	case <-res:
		t.Fatal("Stop returned while tasks were running")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	r := <-res
	if r.err != nil || done.Load() != 2 || r.rep.CancelledDelayed != 4 {
		t.Fatalf("Stop = %+v, %v; %d done", r.rep, r.err, done.Load())
	}
}

func TestStopFromTask(t *testing.T) {
	s, _ := New(0, 1)
	_ = s.Start()
	got := make(chan error, 1)
	_ = s.QueueExec(UrgencyNormal, func(ctx context.Context) error {
		_, err := s.Stop(ctx)
		got <- err
		return nil
	})
	select {
	case err := <-got:
		if !errors.Is(err, ErrStopping) {
			t.Fatalf("Stop from a task = %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Stop from a task waited for itself")
	}
	mustStop(t, s)
}
