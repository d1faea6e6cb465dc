//go:build linux

package procfs

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestClockBootTimeMatchesStat proves the clock computation of btime
// equal to the btime line the kernel prints in /proc/stat.
func TestClockBootTimeMatchesStat(t *testing.T) {
	var fs FS
	okOnce := false
	for i := range 50 {
		before, err := fs.fileBootTime()
		if err != nil {
			t.Fatal(err)
		}
		clock, ok := clockBootTime()
		after, err := fs.fileBootTime()
		if err != nil {
			t.Fatal(err)
		}
		if before != after {
			// the wall clock was stepped meanwhile: try again.
			t.Logf("try %d: btime changed from %d to %d", i, before, after)
			continue
		}
		got, err := fs.BootTime()
		if err != nil {
			t.Fatal(err)
		}
		if got != before {
			t.Fatalf("FS{}.BootTime() = %d, /proc/stat btime = %d", got, before)
		}
		if !ok {
			// only when CLOCK_REALTIME − CLOCK_BOOTTIME is within a
			// microsecond or so of a whole second; BootTime then read the file.
			t.Logf("try %d: clocks ambiguous", i)
			continue
		}
		okOnce = true
		if clock != before {
			t.Fatalf("clockBootTime() = %d, /proc/stat btime = %d", clock, before)
		}
	}
	if !okOnce {
		t.Log("the clocks never gave an exact btime on this machine; BootTime reads /proc/stat")
	}
}

// TestBootTimeRootedElsewhereReadsFile: a fixture root never uses the
// clocks.
func TestBootTimeRootedElsewhereReadsFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "stat"), []byte("cpu  1 2 3 4\nbtime 1234567890\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := NewFS(dir)
	const want = 1234567890
	got, err := fs.BootTime()
	if err != nil || got != want {
		t.Fatalf("BootTime() = %d, %v; want %d (the fixture's btime)", got, err, want)
	}
}

// TestKeptFileSameAsFreshRead: a kept descriptor gives what a fresh
// open/read/close gives.
func TestKeptFileSameAsFreshRead(t *testing.T) {
	for _, name := range []string{"swaps", "net/dev", "stat", "vmstat", "meminfo"} {
		p := defaultFiles[name]
		if keptFiles[p] == nil {
			t.Fatalf("%s is not kept", p)
		}
		for range 3 { // the first call opens, the next ones pread
			kept, err := readSystemFile(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := readInto(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			// counters move between the reads; the lines and their keys do not.
			if got, want := keys(kept), keys(fresh); got != want {
				t.Fatalf("%s kept read keys:\n%s\nfresh read keys:\n%s", p, got, want)
			}
		}
	}
	if kf := keptFiles[defaultFiles["stat"]]; kf.fd < 0 {
		t.Fatal("/proc/stat was not kept open")
	}
}

func keys(b []byte) string {
	var sb strings.Builder
	for _, line := range bytes.Split(b, []byte("\n")) {
		f := bytes.Fields(line)
		if len(f) > 0 {
			sb.Write(f[0])
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// TestKeptFileRegenerates: a pread at offset 0 of a kept file gives the
// kernel's current content, not the bytes of the first read.
func TestKeptFileRegenerates(t *testing.T) {
	p := defaultFiles["uptime"]
	first, err := readSystemFile(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	first = bytes.Clone(first)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		b, err := readSystemFile(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, first) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s still reads %q after 10s", p, first)
}

// TestKeptFileConcurrent: concurrent readers of one kept file each get a
// whole, parseable file.
func TestKeptFileConcurrent(t *testing.T) {
	var fs FS
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if _, err := fs.SystemStat(); err != nil {
					errc <- err
					return
				}
				if _, err := fs.NetDev(); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
}
