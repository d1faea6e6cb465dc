// Command buffers shows cup's buffer pool: a CUP-sized pool that costs
// nothing until used, exact accounting, content spread over blocks, safe
// release errors, and the BytePool for hot paths.
//
//	go run ./examples/buffers
package main

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"sync"

	"github.com/cupgo/cup/services/buffers"
)

func main() {
	// CUP allocated this pool eagerly (about 13.8 GB); here blocks are
	// allocated when first written.
	pool, err := buffers.NewPool(102400, buffers.MediumBlockSize)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("pool: %d blocks of %d bytes, free %d\n", pool.Size(), pool.BlockSize(), pool.Free())

	small, _ := buffers.NewPool(8, buffers.SmallBlockSize)
	buf, err := small.Allocate(2)
	if err != nil {
		log.Fatal(err)
	}
	content := append(bytes.Repeat([]byte("x"), 4096), "tail-in-block-2"...)
	if err := buf.Set(content); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("set %d bytes over %d blocks; read back intact: %v\n",
		buf.Len(), len(buf.Blocks()), bytes.Equal(buf.Bytes(), content))

	// Too much content is refused and the buffer keeps what it had.
	err = buf.Set(make([]byte, buf.Cap()+1))
	fmt.Println("oversized set:", errors.Is(err, buffers.ErrTooLarge), "len still", buf.Len())

	// Over-allocation is refused without changing anything.
	_, err = small.Allocate(7)
	fmt.Println("allocate 7 of 6 free:", errors.Is(err, buffers.ErrNoSpace), "free", small.Free())

	// Releasing twice is an error, and the pool keeps working (CUP
	// deadlocked here).
	fmt.Println("release:", buf.Release(), "again:", errors.Is(buf.Release(), buffers.ErrReleased))

	// Many goroutines allocate and release; the counts stay exact.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if b, err := small.Allocate(1); err == nil {
					_ = b.Set([]byte("work"))
					_ = b.Release()
				}
			}
		})
	}
	wg.Wait()
	free, used := small.Counts()
	fmt.Printf("after 8x1000 allocate/release: free %d used %d\n", free, used)

	// BytePool: a typed sync.Pool that drops buffers grown past 64 KiB.
	var bp buffers.BytePool
	b := bp.Get()
	fmt.Fprintf(b, "request %d", 7)
	fmt.Println("byte pool:", string(b.B))
	bp.Put(b)
}
