package buffers

import (
	"sync"

	"github.com/cupgo/cup/errs"
)

// Block sizes accepted by NewPool (CUP's SMALL/MEDIUM/LARGE_BLOCK_SIZE, in
// bytes; CUP's comments call them "kb" and "8K").
const (
	SmallBlockSize  = 4096
	MediumBlockSize = 132 << 10    // 135168
	LargeBlockSize  = 1<<20 + 4096 // 1052672
)

// Option configures NewPool.
type Option func(*Pool)

// WithExtendable lets the pool grow on demand up to max blocks in total:
// an Allocate that needs more blocks than are free adds the missing ones
// instead of failing with ErrNoSpace. Growth is accounting only; memory is
// still allocated lazily. CUP stored extendable and ignored it. A max below
// the initial size is treated as the initial size (no growth).
func WithExtendable(max int) Option {
	return func(p *Pool) { p.max = max }
}

// WithZeroOnRelease makes Release clear the bytes written into the buffer's
// blocks before they return to the pool, so the next Buffer never sees
// stale data. CUP never cleared blocks.
func WithZeroOnRelease() Option {
	return func(p *Pool) { p.zero = true }
}

// Pool hands out Buffers made of fixed-size blocks and keeps exact
// accounting: Free()+Used() == Size() at all times. A Pool is safe for
// concurrent use.
type Pool struct {
	blockSize int
	max       int
	zero      bool

	mu    sync.Mutex
	size  int      // blocks the pool owns (grows up to max when extendable)
	used  int      // blocks held by live buffers
	spare [][]byte // materialised blocks not held by any buffer
}

// NewPool returns a pool of blocks blocks of blockSize bytes (CUP
// BufferPool). blockSize must be SmallBlockSize, MediumBlockSize or
// LargeBlockSize and blocks must not be negative; otherwise the error wraps
// errs.ErrInvalidArgument. No block memory is allocated here.
func NewPool(blocks, blockSize int, opts ...Option) (*Pool, error) {
	switch blockSize {
	case SmallBlockSize, MediumBlockSize, LargeBlockSize:
	default:
		return nil, errs.New(errs.ErrInvalidArgument,
			"buffers: block size %d is not SmallBlockSize (4096), MediumBlockSize (135168) or LargeBlockSize (1052672)", blockSize)
	}
	if blocks < 0 {
		return nil, errs.New(errs.ErrInvalidArgument, "buffers: negative pool size %d", blocks)
	}
	p := &Pool{blockSize: blockSize, size: blocks}
	for _, o := range opts {
		o(p)
	}
	if p.max < blocks {
		p.max = blocks
	}
	return p, nil
}

// BlockSize returns the size in bytes of the pool's blocks.
func (p *Pool) BlockSize() int { return p.blockSize }

// Size returns the number of blocks the pool owns (free or used).
func (p *Pool) Size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.size
}

// Free returns the number of blocks not held by any buffer (CUP free_num).
func (p *Pool) Free() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.size - p.used
}

// Used returns the number of blocks held by live buffers (CUP used_num).
func (p *Pool) Used() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.used
}

// Counts returns the free and used block counts from one consistent
// snapshot (Free and Used called separately may see different moments).
func (p *Pool) Counts() (free, used int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.size - p.used, p.used
}

// Allocate returns a buffer of n blocks (CUP allocate). n < 1 is an error
// wrapping errs.ErrInvalidArgument; more blocks than are free (and than an
// extendable pool may grow to) is ErrNoSpace. A refused call changes
// nothing.
func (p *Pool) Allocate(n int) (*Buffer, error) {
	if n < 1 {
		return nil, errs.New(errs.ErrInvalidArgument, "buffers: allocate %d blocks: need at least 1", n)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if free := p.size - p.used; n > free {
		if p.size+(n-free) > p.max {
			return nil, errs.New(ErrNoSpace, "buffers: allocate %d blocks: only %d free of %d", n, free, p.size)
		}
		p.size += n - free
	}
	p.used += n
	b := &Buffer{pool: p, blocks: make([][]byte, n)}
	// Hand over already materialised blocks first; the rest stay nil
	// until Set writes into them.
	for i := 0; i < n && len(p.spare) > 0; i++ {
		last := len(p.spare) - 1
		b.blocks[i] = p.spare[last]
		p.spare[last] = nil
		p.spare = p.spare[:last]
	}
	return b, nil
}

// Release returns b's blocks to the pool (CUP deallocate). A nil buffer, a
// buffer of another pool or an already released one is an error wrapping
// ErrReleased, and the pool stays usable.
func (p *Pool) Release(b *Buffer) error {
	if b == nil {
		return errs.New(ErrReleased, "buffers: release of a nil buffer")
	}
	if b.pool != p {
		return errs.New(ErrReleased, "buffers: release of a buffer from another pool")
	}
	return b.Release()
}

// release is called by Buffer.Release with b's fields; it runs under the
// pool lock so a double release is detected even when racing.
func (p *Pool) release(b *Buffer) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b.released {
		return ErrReleased
	}
	b.released = true
	for i, blk := range b.blocks {
		if blk == nil {
			continue
		}
		if p.zero {
			clear(blk[:b.written(i)])
		}
		p.spare = append(p.spare, blk)
	}
	p.used -= len(b.blocks)
	b.blocks = nil
	b.length = 0
	return nil
}
