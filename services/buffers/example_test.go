package buffers_test

import (
	"fmt"

	"github.com/cupgo/cup/services/buffers"
)

func ExampleNewPool() {
	pool, err := buffers.NewPool(100, buffers.SmallBlockSize)
	if err != nil {
		panic(err)
	}
	buf, err := pool.Allocate(2) // 8 KiB in two blocks
	if err != nil {
		panic(err)
	}
	_ = buf.Set([]byte("hello, blocks"))
	fmt.Println(string(buf.Bytes()), buf.Cap(), pool.Used(), pool.Free())
	_ = buf.Release()
	fmt.Println(pool.Used(), pool.Free())
	// Output:
	// hello, blocks 8192 2 98
	// 0 100
}

func ExampleBytePool() {
	var pool buffers.BytePool // zero value: keeps buffers up to 64 KiB
	b := pool.Get()
	fmt.Fprintf(b, "%d records", 42)
	fmt.Println(string(b.B))
	pool.Put(b)
	// Output: 42 records
}
