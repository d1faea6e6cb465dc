package buffers

import "github.com/cupgo/cup/errs"

// Buffer is a group of blocks from a Pool (CUP Buffer). Its identity is
// its pointer. A Buffer is not safe for concurrent use, except that
// Release may race with another Release of the same buffer (one wins, the
// other gets ErrReleased).
type Buffer struct {
	pool     *Pool
	blocks   [][]byte // nil entries are blocks never written yet
	length   int
	released bool // guarded by pool.mu
}

// Cap returns the capacity in bytes: blocks × block size (newest CUP
// maxsize()); 0 after Release.
func (b *Buffer) Cap() int {
	if b.pool == nil {
		return 0
	}
	return len(b.blocks) * b.pool.blockSize
}

// Len returns the number of content bytes set (0 before Set and after
// Release).
func (b *Buffer) Len() int { return b.length }

// NumBlocks returns the number of blocks the buffer holds.
func (b *Buffer) NumBlocks() int { return len(b.blocks) }

// Set copies p into the buffer from its start, replacing any previous
// content: block i receives bytes [i·bs, (i+1)·bs). len(p) > Cap() is
// ErrTooLarge and leaves the content unchanged; a released buffer gives
// ErrReleased.
func (b *Buffer) Set(p []byte) error {
	if b.pool == nil || b.blocks == nil {
		return ErrReleased
	}
	if len(p) > b.Cap() {
		return errs.New(ErrTooLarge, "buffers: set %d bytes into a %d-byte buffer", len(p), b.Cap())
	}
	bs := b.pool.blockSize
	total := len(p)
	for i := 0; len(p) > 0; i++ {
		if b.blocks[i] == nil {
			b.blocks[i] = make([]byte, bs)
		}
		n := copy(b.blocks[i], p)
		p = p[n:]
	}
	// Bytes beyond the new length stay in the blocks but are not content.
	b.length = total
	return nil
}

// Bytes returns a copy of the content (Len() bytes); nil after Release.
func (b *Buffer) Bytes() []byte {
	if b.blocks == nil {
		return nil
	}
	out := make([]byte, 0, b.length)
	for i := 0; len(out) < b.length; i++ {
		out = append(out, b.blocks[i][:b.written(i)]...)
	}
	return out
}

// Blocks returns views of the blocks that hold content, in order; the last
// one is cut at Len(). The views alias the buffer and are valid until the
// next Set or Release. Nil after Release or before Set.
func (b *Buffer) Blocks() [][]byte {
	if b.blocks == nil || b.length == 0 {
		return nil
	}
	bs := b.pool.blockSize
	n := (b.length + bs - 1) / bs
	out := make([][]byte, n)
	for i := range n {
		out[i] = b.blocks[i][:b.written(i)]
	}
	return out
}

// written returns how many content bytes block i holds.
func (b *Buffer) written(i int) int {
	bs := b.pool.blockSize
	n := b.length - i*bs
	switch {
	case n < 0:
		return 0
	case n > bs:
		return bs
	}
	return n
}

// Release returns the blocks to the pool (CUP deallocate). A second call,
// or a call on a Buffer not obtained from Allocate, returns ErrReleased and
// changes nothing. After Release every method reports the buffer as empty
// or released.
func (b *Buffer) Release() error {
	if b.pool == nil {
		return errs.New(ErrReleased, "buffers: release of a buffer not obtained from a pool")
	}
	return b.pool.release(b)
}
