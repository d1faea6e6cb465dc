package buffers

import (
	"sync"
	"sync/atomic"
)

// Defaults of BytePool.
const (
	// DefaultMaxRetained is the largest capacity kept in a BytePool's
	// main (sync.Pool) tier when MaxRetained is zero: 64 KiB.
	DefaultMaxRetained = 64 << 10
	// DefaultMaxLarge is the largest capacity kept in the large tier when
	// MaxLarge is zero: 4 MiB.
	DefaultMaxLarge = 4 << 20
	// LargeSlots is how many large buffers a BytePool keeps at most, so
	// its large tier retains at most LargeSlots × MaxLarge bytes.
	LargeSlots = 4
)

// Bytes is a growable byte buffer obtained from a BytePool.
type Bytes struct {
	// B is the content. Appending to it directly is allowed; Write and
	// WriteString additionally reuse a pooled large buffer when the
	// content outgrows the pool's MaxRetained.
	B    []byte
	pool *BytePool
}

// Reset empties the buffer, keeping its capacity.
func (b *Bytes) Reset() { b.B = b.B[:0] }

// Write appends p; it never fails (io.Writer).
func (b *Bytes) Write(p []byte) (int, error) {
	if need := len(b.B) + len(p); need > cap(b.B) {
		b.grow(need)
	}
	b.B = append(b.B, p...)
	return len(p), nil
}

// WriteString appends s; it never fails (io.StringWriter).
func (b *Bytes) WriteString(s string) (int, error) {
	if need := len(b.B) + len(s); need > cap(b.B) {
		b.grow(need)
	}
	b.B = append(b.B, s...)
	return len(s), nil
}

// grow swaps in a large buffer from the pool's large tier when the content
// is about to outgrow the main tier; append does the rest.
func (b *Bytes) grow(need int) {
	bp := b.pool
	if bp == nil || need <= bp.maxRetained() {
		return
	}
	for i := range bp.large {
		big := bp.large[i].Swap(nil)
		if big == nil {
			continue
		}
		nb := append(big.B[:0], b.B...)
		big.B, b.B = b.B[:0], nb
		if cap(big.B) <= bp.maxRetained() {
			bp.p.Put(big) // the small slice goes back to the main tier
		}
		return
	}
}

// Len returns len(b.B).
func (b *Bytes) Len() int { return len(b.B) }

// BytePool is a pool of *Bytes with bounded retention: a typed sync.Pool
// for buffers up to MaxRetained, and a large tier of at most LargeSlots
// buffers up to MaxLarge, which Write reuses when content outgrows the
// main tier. Buffers larger than MaxLarge, or large ones finding every
// slot taken, are dropped on Put, so a burst of huge buffers cannot keep
// its memory alive (the habit of slog's Buffer.Free and zap's pool). The
// zero value is ready to use. A BytePool is safe for concurrent use and
// must not be copied after first use.
type BytePool struct {
	// MaxRetained is the largest capacity the main tier keeps; zero means
	// DefaultMaxRetained, negative keeps nothing there.
	MaxRetained int
	// MaxLarge is the largest capacity the large tier keeps; zero means
	// DefaultMaxLarge, negative disables the large tier.
	MaxLarge int
	// InitialSize is the capacity of newly made buffers; zero means 1 KiB.
	InitialSize int

	p     sync.Pool
	large [LargeSlots]atomic.Pointer[Bytes]
}

func (bp *BytePool) maxRetained() int {
	if bp.MaxRetained == 0 {
		return DefaultMaxRetained
	}
	return bp.MaxRetained
}

func (bp *BytePool) maxLarge() int {
	if bp.MaxLarge == 0 {
		return DefaultMaxLarge
	}
	return bp.MaxLarge
}

// Get returns an empty buffer, reused when possible.
func (bp *BytePool) Get() *Bytes {
	if v := bp.p.Get(); v != nil {
		return v.(*Bytes)
	}
	n := bp.InitialSize
	if n <= 0 {
		n = 1 << 10
	}
	return &Bytes{B: make([]byte, 0, n), pool: bp}
}

// Put returns b to the pool, emptied: to the main tier if its capacity is
// at most MaxRetained, to a free large slot if it is at most MaxLarge, and
// otherwise to the garbage collector. b must not be used after Put. A nil
// b is ignored.
func (bp *BytePool) Put(b *Bytes) {
	if b == nil {
		return
	}
	b.B = b.B[:0]
	if b.pool != bp { // skip the pointer store (and its write barrier) on the hot path
		b.pool = bp
	}
	c := cap(b.B)
	if c <= bp.maxRetained() {
		bp.p.Put(b)
		return
	}
	if c > bp.maxLarge() {
		return
	}
	for i := range bp.large {
		if bp.large[i].CompareAndSwap(nil, b) {
			return
		}
	}
}
