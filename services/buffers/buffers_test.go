package buffers

import (
	"bytes"
	"errors"
	"sync"
	"testing"

	"github.com/cupgo/cup/errs"
)

func TestNewPoolValidation(t *testing.T) {
	tests := []struct {
		name      string
		blocks    int
		blockSize int
	}{
		{"bad block size", 4, 1000},
		{"negative blocks", -1, SmallBlockSize},
		{"zero block size", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewPool(tt.blocks, tt.blockSize); !errors.Is(err, errs.ErrInvalidArgument) {
				t.Fatalf("NewPool(%d, %d) = %v, want ErrInvalidArgument", tt.blocks, tt.blockSize, err)
			}
		})
	}
	for _, bs := range []int{SmallBlockSize, MediumBlockSize, LargeBlockSize} {
		if _, err := NewPool(0, bs); err != nil {
			t.Errorf("NewPool(0, %d): %v", bs, err)
		}
	}
}

func TestConstants(t *testing.T) {
	if SmallBlockSize != 4096 || MediumBlockSize != 135168 || LargeBlockSize != 1052672 {
		t.Fatalf("block sizes %d %d %d differ from CUP", SmallBlockSize, MediumBlockSize, LargeBlockSize)
	}
}

func TestLazyPoolAndAccounting(t *testing.T) {
	p, err := NewPool(102400, MediumBlockSize) // 13.8 GB in CUP; nothing here
	if err != nil {
		t.Fatal(err)
	}
	if p.Free() != 102400 || p.Used() != 0 {
		t.Fatalf("Free=%d Used=%d", p.Free(), p.Used())
	}
	if _, err := p.Allocate(102401); !errors.Is(err, ErrNoSpace) || !errors.Is(err, errs.ErrFull) {
		t.Fatalf("over-allocation: %v, want ErrNoSpace", err)
	}
	if p.Free() != 102400 || p.Used() != 0 {
		t.Fatalf("refused allocation changed counters: Free=%d Used=%d", p.Free(), p.Used())
	}
	for _, n := range []int{0, -2} {
		if _, err := p.Allocate(n); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Fatalf("Allocate(%d) = %v, want ErrInvalidArgument", n, err)
		}
	}
	b, err := p.Allocate(10)
	if err != nil {
		t.Fatal(err)
	}
	if p.Used() != 10 || p.Free() != 102390 {
		t.Fatalf("after Allocate(10): Used=%d Free=%d", p.Used(), p.Free())
	}
	if b.Cap() != 10*MediumBlockSize || b.Len() != 0 || b.NumBlocks() != 10 {
		t.Fatalf("Cap=%d Len=%d NumBlocks=%d", b.Cap(), b.Len(), b.NumBlocks())
	}
	full := bytes.Repeat([]byte{'a'}, 10*MediumBlockSize)
	if err := b.Set(full); err != nil {
		t.Fatalf("Set of exactly Cap bytes: %v", err)
	}
	if err := b.Set(append(full, 'b')); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Set of Cap+1 bytes = %v, want ErrTooLarge", err)
	}
	if got := b.Bytes(); !bytes.Equal(got, full) {
		t.Fatalf("content changed by a refused Set (len %d)", len(got))
	}
	if err := b.Release(); err != nil {
		t.Fatal(err)
	}
	if p.Free() != 102400 || p.Used() != 0 {
		t.Fatalf("after Release: Free=%d Used=%d", p.Free(), p.Used())
	}
}

func TestSetAcrossBlocks(t *testing.T) {
	p, _ := NewPool(4, SmallBlockSize)
	b, err := p.Allocate(2)
	if err != nil {
		t.Fatal(err)
	}
	// CUP appended each chunk to a zero-filled block and lost the ys.
	in := append(bytes.Repeat([]byte{'x'}, 4096), bytes.Repeat([]byte{'y'}, 10)...)
	if err := b.Set(in); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 4106 || !bytes.Equal(b.Bytes(), in) {
		t.Fatalf("Len=%d, content differs from input", b.Len())
	}
	blks := b.Blocks()
	if len(blks) != 2 || len(blks[0]) != 4096 || string(blks[1]) != "yyyyyyyyyy" {
		t.Fatalf("Blocks() = %d blocks (%d, ...)", len(blks), len(blks[0]))
	}
	// A second, shorter Set replaces the content.
	if err := b.Set([]byte("short")); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 5 || string(b.Bytes()) != "short" || len(b.Blocks()) != 1 {
		t.Fatalf("after short Set: Len=%d Bytes=%q", b.Len(), b.Bytes())
	}
	// Patterned data over many blocks reads back intact.
	b3, err := p.Allocate(2)
	if err != nil {
		t.Fatal(err)
	}
	pat := make([]byte, 2*SmallBlockSize-7)
	for i := range pat {
		pat[i] = byte(i * 31)
	}
	if err := b3.Set(pat); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b3.Bytes(), pat) || !bytes.Equal(bytes.Join(b3.Blocks(), nil), pat) {
		t.Fatal("patterned content differs")
	}
}

func TestTwoBuffersOneGoroutine(t *testing.T) {
	p, _ := NewPool(8, SmallBlockSize)
	a, err1 := p.Allocate(3)
	b, err2 := p.Allocate(2)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if err := a.Release(); err != nil {
		t.Fatal(err)
	}
	if err := p.Release(b); err != nil {
		t.Fatal(err)
	}
	if p.Free() != 8 || p.Used() != 0 {
		t.Fatalf("Free=%d Used=%d", p.Free(), p.Used())
	}
}

func TestReleaseErrorsNeverWedge(t *testing.T) {
	p, _ := NewPool(4, SmallBlockSize)
	other, _ := NewPool(4, SmallBlockSize)
	b, _ := p.Allocate(2)
	_ = b.Set([]byte("data"))
	if err := b.Release(); err != nil {
		t.Fatal(err)
	}
	if err := b.Release(); !errors.Is(err, ErrReleased) {
		t.Fatalf("double Release = %v", err)
	}
	if err := p.Release(b); !errors.Is(err, ErrReleased) {
		t.Fatalf("Pool.Release of released buffer = %v", err)
	}
	if err := b.Set([]byte("x")); !errors.Is(err, ErrReleased) {
		t.Fatalf("Set after Release = %v", err)
	}
	if b.Bytes() != nil || b.Len() != 0 || b.Cap() != 0 || b.Blocks() != nil {
		t.Fatal("released buffer still exposes content")
	}
	ob, _ := other.Allocate(1)
	if err := p.Release(ob); !errors.Is(err, ErrReleased) {
		t.Fatalf("foreign buffer release = %v", err)
	}
	if err := p.Release(nil); !errors.Is(err, ErrReleased) {
		t.Fatalf("nil release = %v", err)
	}
	if err := new(Buffer).Release(); !errors.Is(err, ErrReleased) {
		t.Fatalf("zero Buffer release = %v", err)
	}
	// The pool still works and the accounting is intact.
	if p.Free() != 4 || other.Used() != 1 {
		t.Fatalf("Free=%d other.Used=%d", p.Free(), other.Used())
	}
	if _, err := p.Allocate(4); err != nil {
		t.Fatalf("pool wedged: %v", err)
	}
}

func TestReuseAndZeroOnRelease(t *testing.T) {
	for _, zero := range []bool{false, true} {
		var opts []Option
		if zero {
			opts = append(opts, WithZeroOnRelease())
		}
		p, _ := NewPool(1, SmallBlockSize, opts...)
		b, _ := p.Allocate(1)
		_ = b.Set([]byte("secret"))
		blk := b.Blocks()[0][:cap(b.Blocks()[0])]
		_ = b.Release()
		b2, _ := p.Allocate(1)
		_ = b2.Set([]byte("x"))
		if &b2.Blocks()[0][0] != &blk[0] {
			t.Fatal("block not reused")
		}
		if got := string(blk[:6]); zero != (got == "x\x00\x00\x00\x00\x00") {
			t.Fatalf("zero=%v: block holds %q", zero, got)
		}
	}
}

func TestExtendable(t *testing.T) {
	p, _ := NewPool(2, SmallBlockSize, WithExtendable(5))
	a, err := p.Allocate(4)
	if err != nil {
		t.Fatalf("extendable Allocate(4) of 2: %v", err)
	}
	if p.Size() != 4 || p.Used() != 4 || p.Free() != 0 {
		t.Fatalf("Size=%d Used=%d Free=%d", p.Size(), p.Used(), p.Free())
	}
	if _, err := p.Allocate(2); !errors.Is(err, ErrNoSpace) {
		t.Fatalf("growth beyond max: %v", err)
	}
	if p.Size() != 4 {
		t.Fatalf("refused growth changed Size to %d", p.Size())
	}
	_ = a.Release()
	if p.Free() != 4 {
		t.Fatalf("Free=%d", p.Free())
	}
}

func TestConcurrentAllocateRelease(t *testing.T) {
	for _, workers := range []int{8, 64} {
		p, _ := NewPool(100, SmallBlockSize)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := range 300 {
					n := 1 + (w+i)%7
					b, err := p.Allocate(n)
					if errors.Is(err, ErrNoSpace) {
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					msg := bytes.Repeat([]byte{byte(w)}, n*SmallBlockSize-w)
					if err := b.Set(msg); err != nil {
						t.Error(err)
					}
					if f, u := p.Counts(); u+f != 100 || u < n {
						t.Errorf("Used %d + Free %d != 100", u, f)
					}
					if !bytes.Equal(b.Bytes(), msg) {
						t.Error("content overwritten by another goroutine")
					}
					if err := b.Release(); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if p.Used() != 0 || p.Free() != 100 {
			t.Fatalf("%d workers: Used=%d Free=%d", workers, p.Used(), p.Free())
		}
	}
}

func TestBytePool(t *testing.T) {
	var bp BytePool
	b := bp.Get()
	if b.Len() != 0 || cap(b.B) != 1<<10 {
		t.Fatalf("fresh buffer len %d cap %d", b.Len(), cap(b.B))
	}
	_, _ = b.WriteString("hello ")
	_, _ = b.Write([]byte("world"))
	if string(b.B) != "hello world" {
		t.Fatalf("content %q", b.B)
	}
	bp.Put(b)
	bp.Put(nil)
	// Oversized buffers are dropped: put one and check a Get never
	// returns it (sync.Pool may drop anything, so only the negative
	// is asserted).
	big := &Bytes{B: make([]byte, 0, DefaultMaxRetained+1)}
	bp.Put(big)
	for range 10 {
		g := bp.Get()
		if g == big {
			t.Fatal("oversized buffer retained")
		}
		if g.Len() != 0 {
			t.Fatal("reused buffer not empty")
		}
	}
	none := BytePool{MaxRetained: -1}
	x := none.Get()
	none.Put(x)
}

func TestBytePoolLargeTier(t *testing.T) {
	var bp BytePool
	big := &Bytes{B: make([]byte, 0, 1<<20)}
	bp.Put(big) // into a large slot
	huge := &Bytes{B: make([]byte, 0, DefaultMaxLarge+1)}
	bp.Put(huge) // dropped
	for i := range bp.large {
		if bp.large[i].Load() == huge {
			t.Fatal("buffer above MaxLarge retained")
		}
	}
	b := bp.Get()
	payload := bytes.Repeat([]byte{'z'}, 512<<10)
	_, _ = b.WriteString("head:")
	_, _ = b.Write(payload)
	if cap(b.B) != 1<<20 {
		t.Fatalf("growth did not reuse the pooled large buffer (cap %d)", cap(b.B))
	}
	if !bytes.Equal(b.B, append([]byte("head:"), payload...)) {
		t.Fatal("content lost when swapping in the large buffer")
	}
	// At most LargeSlots large buffers are kept.
	for range LargeSlots + 3 {
		bp.Put(&Bytes{B: make([]byte, 0, 256<<10)})
	}
	n := 0
	for i := range bp.large {
		if bp.large[i].Load() != nil {
			n++
		}
	}
	if n != LargeSlots {
		t.Fatalf("%d large buffers kept, want %d", n, LargeSlots)
	}
	off := BytePool{MaxLarge: -1}
	off.Put(&Bytes{B: make([]byte, 0, 1<<20)})
	if off.large[0].Load() != nil {
		t.Fatal("large tier not disabled")
	}
}
