package bench

import (
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/panjf2000/ants/v2"

	"github.com/cupgo/cup/util/threadpool"
)

// The pool benchmarks follow pond's five submit patterns, scaled to 100 000
// tasks per operation (pond uses 1 M) so the whole run stays short:
// 1 submitter x 100K tasks, 100 x 1K, 1K x 100, 10K x 10 and 100K x 1.
// Each runs a sleep task (1 ms) and a CPU task (a short xorshift loop).
//
// Both pools get the same capacity semantics: at most poolSize workers,
// started on demand, and a submitter that finds them all busy blocks until
// one frees up. ants: ants.NewPool(poolSize), its defaults (blocking
// Submit, no MaxBlockingTasks, 1 s worker expiry, no pre-allocation).
// cup: threadpool.New(1, poolSize, threadpool.WithQueueSize(1)), a queue
// of one slot so that Submit blocks once every worker is busy and one job
// waits (cup's default queue is unbounded, CUP's semantics, which would let
// the submitters run ahead of the workers instead of blocking as ants'
// do). Each pool is built once per sub-benchmark. One operation submits
// every task and waits for all of them with a sync.WaitGroup.
//
// Besides ns/op, each sub-benchmark reports peak-MB, the highest
// heap-object plus goroutine-stack memory seen while it ran above the level
// before it (sampled every millisecond), and cpu-ms/op, the process's user
// plus system CPU time per operation: on a shared machine it is steadier
// than ns/op and shows what each pool costs rather than how it was
// scheduled. peak-goroutines (workers, submitters and the benchmark's own)
// explains most of peak-MB: every goroutine holds at least a 2 KiB stack.
// pool-goroutines is the part of them that the pool owns (its peak number
// of live workers: cup's Stats().Workers, ants' Running()), the rest being
// the benchmark's submitters and its own: in the 10K- and 100K-submitter
// shapes the submitters dominate peak-MB for both pools alike.

const (
	poolSize   = 10_000
	poolTasks  = 100_000
	sleepDelay = time.Millisecond
)

var cpuSink atomic.Uint64

func sleepTask() { time.Sleep(sleepDelay) }

func cpuTask() {
	x := uint64(88172645463325252)
	for range 200 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	cpuSink.Add(x & 1)
}

// peakMem samples heap objects + stacks every millisecond until stopped.
type peakMem struct {
	stop chan struct{}
	done chan struct{}
	base uint64
	peak atomic.Uint64
	maxG atomic.Int64
	maxW atomic.Int64
	cpu0 time.Duration
}

// cpuNow returns the process's user plus system CPU time.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var memSamples = []metrics.Sample{
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/memory/classes/heap/stacks:bytes"},
}

func memNow() uint64 {
	s := make([]metrics.Sample, len(memSamples))
	copy(s, memSamples)
	metrics.Read(s)
	var total uint64
	for _, v := range s {
		if v.Value.Kind() == metrics.KindUint64 {
			total += v.Value.Uint64()
		}
	}
	return total
}

// startPeak starts sampling; workers, if not nil, returns the number of
// goroutines the pool holds.
func startPeak(workers func() int) *peakMem {
	runtime.GC()
	p := &peakMem{stop: make(chan struct{}), done: make(chan struct{}), base: memNow(), cpu0: cpuNow()}
	go func() {
		defer close(p.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if m := memNow(); m > p.peak.Load() {
				p.peak.Store(m)
			}
			if g := int64(runtime.NumGoroutine()); g > p.maxG.Load() {
				p.maxG.Store(g)
			}
			if workers != nil {
				if w := int64(workers()); w > p.maxW.Load() {
					p.maxW.Store(w)
				}
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakMem) report(b *testing.B) {
	cpu := cpuNow() - p.cpu0
	close(p.stop)
	<-p.done
	peak := p.peak.Load()
	if peak < p.base {
		peak = p.base
	}
	b.ReportMetric(float64(peak-p.base)/1e6, "peak-MB")
	b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(p.maxG.Load()), "peak-goroutines")
	if p.maxW.Load() > 0 {
		b.ReportMetric(float64(p.maxW.Load()), "pool-goroutines")
	}
}

// runPattern submits submitters x perSubmitter tasks through submit and
// waits for them all.
func runPattern(submitters, perSubmitter int, submit func(func())) {
	var wg sync.WaitGroup
	wg.Add(submitters * perSubmitter)
	if submitters == 1 {
		for range perSubmitter {
			submit(wg.Done)
		}
	} else {
		for range submitters {
			go func() {
				for range perSubmitter {
					submit(wg.Done)
				}
			}()
		}
	}
	wg.Wait()
}

func benchPool(b *testing.B, submitters int, task func()) {
	benchPoolN(b, poolTasks, submitters, task)
}

func benchPoolN(b *testing.B, tasks, submitters int, task func()) {
	per := tasks / submitters
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		p, err := threadpool.New(1, poolSize, threadpool.WithQueueSize(1))
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Start(); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		pm := startPeak(func() int { return p.Stats().Workers })
		b.ResetTimer()
		for range b.N {
			runPattern(submitters, per, func(done func()) {
				_ = p.Submit(ctx, func(context.Context) error { task(); done(); return nil })
			})
		}
		b.StopTimer()
		pm.report(b)
		_ = p.Stop(ctx)
	})
	b.Run("ants", func(b *testing.B) {
		b.ReportAllocs()
		p, err := ants.NewPool(poolSize)
		if err != nil {
			b.Fatal(err)
		}
		pm := startPeak(p.Running)
		b.ResetTimer()
		for range b.N {
			runPattern(submitters, per, func(done func()) {
				_ = p.Submit(func() { task(); done() })
			})
		}
		b.StopTimer()
		pm.report(b)
		p.Release()
	})
}

func BenchmarkPoolSleep1x100K(b *testing.B) { benchPool(b, 1, sleepTask) }
func BenchmarkPoolSleep100x1K(b *testing.B) { benchPool(b, 100, sleepTask) }
func BenchmarkPoolSleep1Kx100(b *testing.B) { benchPool(b, 1_000, sleepTask) }
func BenchmarkPoolSleep10Kx10(b *testing.B) { benchPool(b, 10_000, sleepTask) }
func BenchmarkPoolSleep100Kx1(b *testing.B) { benchPool(b, 100_000, sleepTask) }
func BenchmarkPoolCPU1x100K(b *testing.B)   { benchPool(b, 1, cpuTask) }
func BenchmarkPoolCPU100x1K(b *testing.B)   { benchPool(b, 100, cpuTask) }
func BenchmarkPoolCPU1Kx100(b *testing.B)   { benchPool(b, 1_000, cpuTask) }
func BenchmarkPoolCPU10Kx10(b *testing.B)   { benchPool(b, 10_000, cpuTask) }
func BenchmarkPoolCPU100Kx1(b *testing.B)   { benchPool(b, 100_000, cpuTask) }

// The Pond benchmarks are pond's five patterns at pond's own scale, 1 M
// tasks per operation (1 x 1M, 100 x 10K, 1K x 1K, 10K x 100, 1M x 1),
// with the same pools and tasks as the Pool benchmarks. An operation takes
// seconds and the 1M-submitter shapes hold up to a million goroutines
// (a few GB), so they run only when CUP_BENCH_POND=1 is set:
//
//	CUP_BENCH_POND=1 make bench-rounds BENCH=Pond ROUNDS=5
const pondTasks = 1_000_000

func benchPond(b *testing.B, submitters int, task func()) {
	if os.Getenv("CUP_BENCH_POND") != "1" {
		b.Skip("set CUP_BENCH_POND=1 to run the 1M-task pool benchmarks")
	}
	benchPoolN(b, pondTasks, submitters, task)
}

func BenchmarkPondSleep1x1M(b *testing.B)    { benchPond(b, 1, sleepTask) }
func BenchmarkPondSleep100x10K(b *testing.B) { benchPond(b, 100, sleepTask) }
func BenchmarkPondSleep1Kx1K(b *testing.B)   { benchPond(b, 1_000, sleepTask) }
func BenchmarkPondSleep10Kx100(b *testing.B) { benchPond(b, 10_000, sleepTask) }
func BenchmarkPondSleep1Mx1(b *testing.B)    { benchPond(b, 1_000_000, sleepTask) }
func BenchmarkPondCPU1x1M(b *testing.B)      { benchPond(b, 1, cpuTask) }
func BenchmarkPondCPU100x10K(b *testing.B)   { benchPond(b, 100, cpuTask) }
func BenchmarkPondCPU1Kx1K(b *testing.B)     { benchPond(b, 1_000, cpuTask) }
func BenchmarkPondCPU10Kx100(b *testing.B)   { benchPond(b, 10_000, cpuTask) }
func BenchmarkPondCPU1Mx1(b *testing.B)      { benchPond(b, 1_000_000, cpuTask) }
