package buffers

import "sync"

// DefaultMaxRetained is the largest capacity a BytePool keeps when its
// MaxRetained is zero: 64 KiB.
const DefaultMaxRetained = 64 << 10

// Bytes is a growable byte buffer obtained from a BytePool.
type Bytes struct {
	// B is the content; append to it freely.
	B []byte
}

// Reset empties the buffer, keeping its capacity.
func (b *Bytes) Reset() { b.B = b.B[:0] }

// Write appends p; it never fails (io.Writer).
func (b *Bytes) Write(p []byte) (int, error) {
	b.B = append(b.B, p...)
	return len(p), nil
}

// WriteString appends s; it never fails (io.StringWriter).
func (b *Bytes) WriteString(s string) (int, error) {
	b.B = append(b.B, s...)
	return len(s), nil
}

// Len returns len(b.B).
func (b *Bytes) Len() int { return len(b.B) }

// BytePool is a typed sync.Pool of *Bytes that bounds the memory it
// retains: Put drops buffers whose capacity grew above MaxRetained. The
// zero value is ready to use (MaxRetained = DefaultMaxRetained, buffers
// start with a 1 KiB capacity). A BytePool is safe for concurrent use and
// must not be copied after first use.
type BytePool struct {
	// MaxRetained is the largest capacity Put keeps; zero means
	// DefaultMaxRetained, negative keeps nothing.
	MaxRetained int
	// InitialSize is the capacity of newly made buffers; zero means 1 KiB.
	InitialSize int

	p sync.Pool
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
	return &Bytes{B: make([]byte, 0, n)}
}

// Put returns b to the pool, emptied, unless its capacity exceeds
// MaxRetained, in which case it is left to the garbage collector. b must
// not be used after Put. A nil b is ignored.
func (bp *BytePool) Put(b *Bytes) {
	if b == nil {
		return
	}
	max := bp.MaxRetained
	if max == 0 {
		max = DefaultMaxRetained
	}
	if cap(b.B) > max {
		return
	}
	b.B = b.B[:0]
	bp.p.Put(b)
}
