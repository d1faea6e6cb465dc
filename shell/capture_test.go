package shell

import (
	"bytes"
	"testing"
)

// wantCapture is what a capture of max bytes must hold for data.
func wantCapture(data []byte, max int64) (string, int64) {
	if max == 0 || int64(len(data)) <= max {
		return string(data), 0
	}
	h, tl := max-max/2, max/2
	return string(data[:h]) + string(data[int64(len(data))-tl:]), int64(len(data)) - max
}

func checkCapture(t *testing.T, data []byte, max int64, chunk int) {
	t.Helper()
	c := newCapture(max)
	for rest := data; len(rest) > 0; {
		n := min(chunk, len(rest))
		c.write(rest[:n])
		rest = rest[n:]
	}
	got, dropped := c.result()
	want, wantDropped := wantCapture(data, max)
	if got != want || dropped != wantDropped {
		t.Fatalf("max %d chunk %d len %d: got %q (dropped %d), want %q (dropped %d)", max, chunk, len(data), got, dropped, want, wantDropped)
	}
}

func TestCapture(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdefghij"), 50) // 1000 bytes
	for _, max := range []int64{0, 1, 2, 3, 10, 11, 999, 1000, 1001, 5000} {
		for _, chunk := range []int{1, 3, 7, 64, 1000} {
			checkCapture(t, data, max, chunk)
		}
	}
	if s, d := (*capture)(nil).result(); s != "" || d != 0 {
		t.Fatal("nil capture not empty")
	}
}

func FuzzCapture(f *testing.F) {
	f.Add([]byte("hello world, this is a stream"), int64(7), 3)
	f.Add([]byte(""), int64(0), 1)
	f.Add(bytes.Repeat([]byte{1, 2, 3}, 100), int64(31), 17)
	f.Fuzz(func(t *testing.T, data []byte, max int64, chunk int) {
		if max < 0 || max > 1<<16 || chunk <= 0 {
			t.Skip()
		}
		checkCapture(t, data, max, chunk)
	})
}
