package remote

import (
	"io"
	"os"
	"strings"
	"testing"
)

// sftp.File.ReadFrom writes with several requests in flight only when
// its reader tells the size (Len, Size, Stat or *io.LimitedReader); the
// progress wrapper must keep saying it.
func TestCountingReaderKeepsSize(t *testing.T) {
	var got []CopyProgress
	m := newMeter("h:22", func(ev CopyProgress) { got = append(got, ev) }, 11)
	r := m.reader(strings.NewReader("hello world"), "f", 11)
	sized, ok := r.(interface{ Size() int64 })
	if !ok || sized.Size() != 11 {
		t.Fatalf("wrapped reader hides its size: %T", r)
	}
	if b, err := io.ReadAll(r); err != nil || string(b) != "hello world" {
		t.Fatal(b, err)
	}
	if last := got[len(got)-1]; last.Bytes != 11 || last.FileBytes != 11 || last.Total != 11 || last.Path != "f" || last.Host != "h:22" {
		t.Fatalf("last event %+v", last)
	}
	// Without a callback nothing is wrapped.
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var nilMeter *meter
	if nilMeter.reader(f, "x", 0) != io.Reader(f) || nilMeter.writer(f, "x", 0) != io.Writer(f) {
		t.Fatal("nil meter wrapped the file")
	}
}

func TestLocalSize(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(dir+"/a", make([]byte, 100), 0o644))
	must(os.Mkdir(dir+"/d", 0o755))
	must(os.WriteFile(dir+"/d/b", make([]byte, 23), 0o644))
	must(os.Symlink("..", dir+"/d/loop")) // a loop counts once
	must(os.Symlink("a", dir+"/alias"))   // followed, as Upload does
	if n := localSize(dir); n != 223 {
		t.Fatalf("localSize = %d, want 223", n)
	}
	if n := localSize(dir + "/a"); n != 100 {
		t.Fatalf("localSize(file) = %d", n)
	}
	if n := localSize(dir + "/missing"); n != 0 {
		t.Fatalf("localSize(missing) = %d", n)
	}
}
