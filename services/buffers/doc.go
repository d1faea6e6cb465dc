// Package buffers ports CUP's cup.services.buffers: a pool of fixed-size
// byte blocks handed out in groups, with exact accounting of free and used
// blocks, plus a typed sync.Pool of growable byte buffers for hot paths.
//
// # Block pool (CUP BufferPool)
//
// NewPool(blocks, blockSize) creates a pool of blocks blocks of one of the
// three CUP block sizes. Unlike CUP, nothing is allocated up front: a block's
// memory is allocated the first time a Buffer writes into it and is reused
// after the Buffer is released, so a CUP-sized pool of 10^5 medium blocks
// costs nothing until it is used. Free()+Used() always equals the pool size.
//
// A Buffer is identified by its pointer, never by the goroutine that
// allocated it, so one goroutine may hold any number of buffers. Set copies
// the content into consecutive blocks (block i holds bytes [i*bs, (i+1)*bs));
// a second Set replaces the content. Releasing a buffer twice, or using it
// after Release, returns ErrReleased and leaves the pool usable (CUP raised
// with its lock held and deadlocked the pool).
//
// # Byte pool
//
// BytePool is a typed wrapper over sync.Pool for *Bytes, growable byte
// slices, with bounded retention: buffers up to MaxRetained (64 KiB) go back
// to the sync.Pool, at most LargeSlots (4) buffers up to MaxLarge (4 MiB)
// are kept aside and reused by Write when content outgrows the main tier,
// and anything else is dropped on Put, so a burst of huge buffers cannot
// keep its memory alive (the habit of slog's Buffer.Free and zap's buffer
// pool).
//
// # CUP names
//
//	SMALL_BLOCK_SIZE, MEDIUM_BLOCK_SIZE,   SmallBlockSize, MediumBlockSize,
//	LARGE_BLOCK_SIZE                       LargeBlockSize
//	BufferPool(pool_size, block_size,      NewPool(blocks, blockSize),
//	    extendable)                        NewPool(..., WithExtendable(max))
//	BufferPool.allocate(num)               Pool.Allocate(n)
//	BufferPool.deallocate(buff)            Buffer.Release(), Pool.Release(b)
//	(free_num, used_num fields)            Pool.Free(), Pool.Used(), Pool.Size()
//	Buffer.set(content)                    Buffer.Set(p)
//	Buffer.get()                           Buffer.Bytes(), Buffer.Blocks()
//	Buffer.maxsize(), Buffer.length()      Buffer.Cap(), Buffer.Len()
//	Buffer.get_uniq_id()                   (the *Buffer pointer itself)
//	Buffer.get_byte_arrays()               Buffer.Blocks()
//
// CUP stored but ignored extendable; here WithExtendable(max) lets a pool
// grow on demand up to max blocks: an Allocate that does not fit adds the
// missing blocks (never beyond max) instead of failing.
package buffers
