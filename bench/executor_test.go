package bench

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/cupgo/cup/services/executor"
)

// The executor benchmarks arm 10 000 one-shot timers spread evenly over
// one second and measure each task's lateness: when it starts minus when it
// was due. One operation is the whole second. They report p50-late-us and
// p99-late-us (microseconds). cup is executor.Service.DelayExec (runtime
// timers feeding 4 delay workers through the urgency queue); "afterfunc" is
// time.AfterFunc running the task on the timer's own goroutine, the floor
// any scheduler on Go timers can reach; "gocron" is go-co-op/gocron/v2 with
// one OneTimeJob per timer.

const (
	latenessTimers = 10_000
	latenessSpan   = time.Second
	// latenessLead is how far ahead of the first due time arming starts,
	// so that arming 10 000 timers (a few to tens of milliseconds, more
	// for gocron) does not count as lateness.
	latenessLead = 200 * time.Millisecond
)

type lateness struct {
	mu   sync.Mutex
	late []time.Duration
	wg   sync.WaitGroup
}

func (l *lateness) task(due time.Time) func() {
	return func() {
		d := time.Since(due)
		l.mu.Lock()
		l.late = append(l.late, d)
		l.mu.Unlock()
		l.wg.Done()
	}
}

// runLateness runs b.N rounds; arm schedules fn to run at due.
func runLateness(b *testing.B, arm func(due time.Time, fn func())) {
	b.ReportAllocs()
	l := &lateness{late: make([]time.Duration, 0, latenessTimers*b.N)}
	for range b.N {
		start := time.Now().Add(latenessLead)
		l.wg.Add(latenessTimers)
		for i := range latenessTimers {
			due := start.Add(latenessSpan * time.Duration(i) / latenessTimers)
			arm(due, l.task(due))
		}
		l.wg.Wait()
	}
	b.StopTimer()
	slices.Sort(l.late)
	pct := func(p float64) float64 {
		return float64(l.late[int(p*float64(len(l.late)-1))]) / float64(time.Microsecond)
	}
	b.ReportMetric(pct(0.50), "p50-late-us")
	b.ReportMetric(pct(0.99), "p99-late-us")
}

func cupLateness(b *testing.B) {
	svc, err := executor.New(4, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := svc.Start(); err != nil {
		b.Fatal(err)
	}
	defer svc.Stop(context.Background())
	runLateness(b, func(due time.Time, fn func()) {
		if _, err := svc.DelayExec(time.Until(due), executor.UrgencyNormal, func(context.Context) error {
			fn()
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkExecutorLateness(b *testing.B) {
	b.Run("cup", cupLateness)
	b.Run("afterfunc", func(b *testing.B) {
		runLateness(b, func(due time.Time, fn func()) { time.AfterFunc(time.Until(due), fn) })
	})
}

func BenchmarkExecutorLatenessGocron(b *testing.B) {
	b.Run("cup", cupLateness)
	b.Run("gocron", func(b *testing.B) {
		s, err := gocron.NewScheduler()
		if err != nil {
			b.Fatal(err)
		}
		s.Start()
		defer s.Shutdown()
		runLateness(b, func(due time.Time, fn func()) {
			_, err := s.NewJob(gocron.OneTimeJob(gocron.OneTimeJobStartDateTime(due)), gocron.NewTask(fn))
			if err != nil {
				b.Fatal(err)
			}
		})
	})
}
