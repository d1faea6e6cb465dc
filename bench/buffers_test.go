package bench

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/valyala/bytebufferpool"

	"github.com/cupgo/cup/services/buffers"
)

// The buffer benchmarks get a buffer, write into it and put it back, from
// GOMAXPROCS goroutines (b.RunParallel). "1K" writes 1 KiB every time;
// "Mix" writes 1 KiB in 99 operations out of 100 and 1 MiB in the other
// one. cup is buffers.BytePool (a typed sync.Pool that drops buffers grown
// past 64 KiB); the peers are a sync.Pool of *bytes.Buffer ("syncpool")
// and valyala/bytebufferpool ("bytebufferpool", which calibrates a size
// limit from usage). Besides ns/op each reports retained-KB: the live heap
// after the run and one GC, above the level before it, which is what the
// pool keeps alive.

var (
	chunk1K = bytes.Repeat([]byte("k"), 1<<10)
	chunk1M = bytes.Repeat([]byte("m"), 1<<20)
	bufSink atomic.Int64
)

func heapLive() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// runBufferBench runs op in parallel and reports the retained heap.
func runBufferBench(b *testing.B, op func(big bool)) {
	b.ReportAllocs()
	runtime.GC()
	runtime.GC()
	base := heapLive()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			op(i%100 == 0)
		}
	})
	b.StopTimer()
	runtime.GC() // pooled objects survive one cycle (sync.Pool's victim cache)
	if after := heapLive(); after > base {
		b.ReportMetric(float64(after-base)/1024, "retained-KB")
	} else {
		b.ReportMetric(0, "retained-KB")
	}
}

func cupOp(p *buffers.BytePool, mix bool) func(bool) {
	return func(big bool) {
		buf := p.Get()
		if mix && big {
			buf.Write(chunk1M)
		} else {
			buf.Write(chunk1K)
		}
		bufSink.Add(int64(buf.Len()))
		p.Put(buf)
	}
}

func syncPoolOp(p *sync.Pool, mix bool) func(bool) {
	return func(big bool) {
		buf := p.Get().(*bytes.Buffer)
		buf.Reset()
		if mix && big {
			buf.Write(chunk1M)
		} else {
			buf.Write(chunk1K)
		}
		bufSink.Add(int64(buf.Len()))
		p.Put(buf)
	}
}

func bbpOp(mix bool) func(bool) {
	return func(big bool) {
		buf := bytebufferpool.Get()
		if mix && big {
			buf.Write(chunk1M)
		} else {
			buf.Write(chunk1K)
		}
		bufSink.Add(int64(buf.Len()))
		bytebufferpool.Put(buf)
	}
}

func newSyncPool() *sync.Pool {
	return &sync.Pool{New: func() any { return new(bytes.Buffer) }}
}

func BenchmarkBufferGetPut1K(b *testing.B) {
	b.Run("cup", func(b *testing.B) { runBufferBench(b, cupOp(&buffers.BytePool{}, false)) })
	b.Run("syncpool", func(b *testing.B) { runBufferBench(b, syncPoolOp(newSyncPool(), false)) })
}

func BenchmarkBufferGetPutMix(b *testing.B) {
	b.Run("cup", func(b *testing.B) { runBufferBench(b, cupOp(&buffers.BytePool{}, true)) })
	b.Run("syncpool", func(b *testing.B) { runBufferBench(b, syncPoolOp(newSyncPool(), true)) })
}

func BenchmarkBufferGetPut1KBBP(b *testing.B) {
	b.Run("cup", func(b *testing.B) { runBufferBench(b, cupOp(&buffers.BytePool{}, false)) })
	b.Run("bytebufferpool", func(b *testing.B) { runBufferBench(b, bbpOp(false)) })
}

func BenchmarkBufferGetPutMixBBP(b *testing.B) {
	b.Run("cup", func(b *testing.B) { runBufferBench(b, cupOp(&buffers.BytePool{}, true)) })
	b.Run("bytebufferpool", func(b *testing.B) { runBufferBench(b, bbpOp(true)) })
}
