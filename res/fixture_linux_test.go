//go:build linux

package res

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

func fixture(root string) *FS {
	return NewFS(Options{ProcRoot: filepath.Join("testdata", root), SysRoot: "testdata/sys"})
}

func usageBetween(t *testing.T, before, after, name string) (CPUInfo, error) {
	t.Helper()
	a, err := fixture(before).CPUTimes(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fixture(after).CPUTimes(name)
	if err != nil {
		t.Fatal(err)
	}
	return CPUUsageBetween(a, b)
}

func sum(c CPUInfo) float64 {
	return c.Usr + c.Nice + c.System + c.Idle + c.IOWait + c.IRQ + c.SoftIRQ + c.Steal + c.Guest + c.GuestNice
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Checklist 1: 10 and 8 columns; CUP's formula; sum 100.
func TestCPUUsageFixtures(t *testing.T) {
	got, err := usageBetween(t, "proc", "proc-t1", "cpu")
	if err != nil {
		t.Fatal(err)
	}
	// deltas: 100 0 50 300 10 0 5 0 8 0 = 473
	want := CPUInfo{Usr: 10000.0 / 473, System: 5000.0 / 473, Idle: 30000.0 / 473, IOWait: 1000.0 / 473,
		SoftIRQ: 500.0 / 473, Guest: 800.0 / 473}
	if !near(got.Usr, want.Usr) || !near(got.System, want.System) || !near(got.Idle, want.Idle) ||
		!near(got.IOWait, want.IOWait) || !near(got.SoftIRQ, want.SoftIRQ) || !near(got.Guest, want.Guest) ||
		got.Nice != 0 || got.IRQ != 0 || got.Steal != 0 || got.GuestNice != 0 {
		t.Fatalf("CPUUsageBetween = %+v\nwant %+v", got, want)
	}
	if !near(sum(got), 100) {
		t.Fatalf("sum = %v", sum(got))
	}
	got8, err := usageBetween(t, "proc-8col", "proc-8col-t1", "cpu")
	if err != nil {
		t.Fatal(err)
	}
	// deltas: 60 0 20 100 10 0 0 5 = 195
	if !near(got8.Usr, 6000.0/195) || !near(got8.Steal, 500.0/195) || got8.Guest != 0 || !near(sum(got8), 100) {
		t.Fatalf("8 columns: %+v", got8)
	}
}

// Checklist 2: identical samples, bad intervals.
func TestCPUUsageErrors(t *testing.T) {
	_, err := usageBetween(t, "proc", "proc", "cpu")
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "no CPU time elapsed during interval") {
		t.Fatalf("identical samples: %v", err)
	}
	_, err = usageBetween(t, "proc-t1", "proc", "cpu")
	if !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("backwards samples: %v", err)
	}
	for _, d := range []time.Duration{0, -time.Second} {
		if _, err := CPUUsage(context.Background(), d); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("CPUUsage(%v) = %v", d, err)
		}
		if _, err := CPUCoreUsage(context.Background(), 0, d); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("CPUCoreUsage(%v) = %v", d, err)
		}
		if _, err := NetRecvSpeed(context.Background(), "lo", d); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("NetRecvSpeed(%v) = %v", d, err)
		}
	}
	if _, err := CPUCoreUsage(context.Background(), -1, time.Second); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("core -1: %v", err)
	}
}

// Checklist 3: cpu1 is not cpu10; a missing core is ErrNotFound (before waiting).
func TestCPUCore(t *testing.T) {
	got, err := usageBetween(t, "proc", "proc-t1", "cpu1")
	if err != nil {
		t.Fatal(err)
	}
	// cpu1 deltas: 40 0 25 150 5 0 3 0 4 0 = 227
	if !near(got.Usr, 4000.0/227) || !near(sum(got), 100) {
		t.Fatalf("cpu1 usage %+v", got)
	}
	start := time.Now()
	_, err = fixture("proc").CPUCoreUsage(context.Background(), 7, time.Hour)
	if !errors.Is(err, errs.ErrNotFound) || time.Since(start) > time.Minute {
		t.Fatalf("cpu7: %v", err)
	}
}

func TestCPUStat2000(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("cpu  1 2 3 4 5 6 7 8 9 10\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "cpu%d %d 0 %d 1000 0 0 0 0 0 0\n", i, i, i)
	}
	b.WriteString("intr 123")
	for range 40000 {
		b.WriteString(" 0")
	}
	b.WriteString("\nctxt 99\nbtime 1764120000\nprocesses 5\n")
	if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if longest := slices.Max(slices.Collect(func(yield func(int) bool) {
		for l := range strings.Lines(b.String()) {
			if !yield(len(l)) {
				return
			}
		}
	})); longest <= 64<<10 {
		t.Fatalf("longest line %d bytes, want > 64 KiB", longest)
	}
	fs := NewFS(Options{ProcRoot: dir, SysRoot: dir})
	n, err := fs.CPUCount()
	if err != nil || n != 2000 {
		t.Fatalf("CPUCount = %d, %v", n, err)
	}
	c, err := fs.CPUTimes("cpu1999")
	if err != nil || c.User != 1999 || c.Idle != 1000 {
		t.Fatalf("cpu1999 = %+v, %v", c, err)
	}
	bt, err := fs.BootTime()
	if err != nil || bt.Unix() != 1764120000 {
		t.Fatalf("BootTime = %v, %v", bt, err)
	}
	per, err := fs.PerCPUTimes()
	if err != nil || len(per) != 2000 {
		t.Fatalf("PerCPUTimes = %d, %v", len(per), err)
	}
}

// Checklist 4.
func TestMemoryFixture(t *testing.T) {
	m, err := fixture("proc").Memory()
	if err != nil {
		t.Fatal(err)
	}
	const k = 1024
	want := MemInfo{Total: 16000000 * k, Available: (2000000 + 300000 + 5000000) * k, Percent: 54, Used: 14000000 * k,
		Free: 2000000 * k, Active: 6000000 * k, Inactive: 4000000 * k, Buffers: 300000 * k, Cached: 5000000 * k,
		KernelAvailable: 9000000 * k}
	if m != want {
		t.Fatalf("Memory = %+v\nwant     %+v", m, want)
	}
	// (16000000-7300000)*100/16000000 = 54.375 → 54 (truncated)
	_, err = fixture("proc-nomemtotal").Memory()
	if !errors.Is(err, errs.ErrNotSupported) || !strings.Contains(err.Error(), "MemTotal") {
		t.Fatalf("without MemTotal: %v", err)
	}
}

// Checklist 5.
func TestSwapFixture(t *testing.T) {
	s, err := fixture("proc").Swap()
	if err != nil {
		t.Fatal(err)
	}
	pg := uint64(os.Getpagesize())
	want := SwapInfo{Total: (8388604 + 2097148) * 1024, Used: 1024 * 1024, Free: (8388604 + 2097148 - 1024) * 1024,
		SwapIn: 10 * pg, SwapOut: 20 * pg}
	if s != want {
		t.Fatalf("Swap = %+v\nwant   %+v", s, want)
	}
	s, err = fixture("proc-noswap").Swap()
	if err != nil || s.Total != 0 || s.Used != 0 || s.Free != 0 {
		t.Fatalf("no swap: %+v, %v", s, err)
	}
}

// Checklist 6 and interfaces that appear or vanish.
func TestNetFixture(t *testing.T) {
	fs := fixture("proc")
	rx, tx, err := fs.NetThrough("eth1")
	if err != nil || rx != 1000 || tx != 2000 {
		t.Fatalf("eth1 = %d %d %v", rx, tx, err)
	}
	for _, bad := range []string{"eth", "th1", "eth1:", ""} {
		if _, _, err := fs.NetThrough(bad); !errors.Is(err, errs.ErrNotFound) || !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("NetThrough(%q) = %v", bad, err)
		}
	}
	m, err := fs.NetIOCounters()
	if err != nil {
		t.Fatal(err)
	}
	want := NetIO{BytesSent: 355690, BytesRecv: 68051716, PacketsSent: 3322, PacketsRecv: 3571, ErrIn: 1, ErrOut: 7, DropIn: 2, DropOut: 8}
	if m["eth0"] != want || len(m) != 4 || m["eth10"].BytesRecv != 99999999 {
		t.Fatalf("NetIOCounters = %+v", m)
	}
	m2, err := fixture("proc-t1").NetIOCounters()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m2["eth10"]; ok {
		t.Fatal("eth10 should have vanished")
	}
	if m2["veth9"].BytesSent != 200 {
		t.Fatalf("veth9 = %+v", m2["veth9"])
	}
	if _, _, err := fixture("proc-t1").NetThrough("eth10"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("vanished eth10: %v", err)
	}
}

func TestSystemFixture(t *testing.T) {
	fs := fixture("proc")
	if n, err := fs.CPUCount(); err != nil || n != 5 {
		t.Fatalf("CPUCount from sys online 0-3,6 = %d, %v", n, err)
	}
	noSys := NewFS(Options{ProcRoot: "testdata/proc", SysRoot: "testdata/nonexistent"})
	want := strings.Count(readFixture(t, "proc/cpuinfo"), "processor\t:")
	if n, err := noSys.CPUCount(); err != nil || n != want {
		t.Fatalf("CPUCount from cpuinfo = %d, %v; want %d", n, err, want)
	}
	onlyStat := NewFS(Options{ProcRoot: "testdata/proc-t1", SysRoot: "testdata/nonexistent"})
	if n, err := onlyStat.CPUCount(); err != nil || n != 3 {
		t.Fatalf("CPUCount from stat = %d, %v", n, err)
	}
	none := NewFS(Options{ProcRoot: "testdata/nonexistent", SysRoot: "testdata/nonexistent"})
	if _, err := none.CPUCount(); err == nil {
		t.Fatal("CPUCount with nothing to read succeeded")
	}
	bt, err := fs.BootTime()
	if err != nil || bt.Unix() != 1764120000 {
		t.Fatalf("BootTime = %v %v", bt, err)
	}
	if _, err := fixture("proc-noswap").BootTime(); err == nil {
		t.Fatal("BootTime without stat succeeded")
	}
	k, err := fs.KernelVersion()
	if err != nil || k.Release != strings.TrimSpace(readFixture(t, "proc/sys/kernel/osrelease")) {
		t.Fatalf("KernelVersion = %+v, %v", k, err)
	}
	if _, err := fs.LoadAvg(); err != nil {
		t.Fatal(err)
	}
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseKernelRelease(t *testing.T) {
	for _, tc := range []struct {
		in                  string
		parts               []string
		major, minor, patch int
	}{
		{"3.10.0-957.el7.x86_64", []string{"3", "10", "0-957", "el7", "x86_64"}, 3, 10, 0},
		{"6.18.44-fc-v669", []string{"6", "18", "44-fc-v669"}, 6, 18, 44},
		{"10.2", []string{"10", "2"}, 10, 2, 0},
		{"rc.x", []string{"rc", "x"}, 0, 0, 0},
	} {
		k, err := ParseKernelRelease(tc.in)
		if err != nil || !slices.Equal(k.Parts, tc.parts) || k.Major != tc.major || k.Minor != tc.minor || k.Patch != tc.patch {
			t.Errorf("ParseKernelRelease(%q) = %+v, %v", tc.in, k, err)
		}
	}
	if _, err := ParseKernelRelease(""); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Error("empty release accepted")
	}
}

func TestParseCPUList(t *testing.T) {
	for in, want := range map[string]int{"0": 1, "0-1": 2, "0-3,5,7-8": 7, "": 0} {
		if n, err := ParseCPUList(in); err != nil || n != want {
			t.Errorf("ParseCPUList(%q) = %d, %v", in, n, err)
		}
	}
	for _, bad := range []string{"a", "3-1", "1-", "-1", "1,,2"} {
		if _, err := ParseCPUList(bad); err == nil {
			t.Errorf("ParseCPUList(%q) accepted", bad)
		}
	}
}

func TestParseDF(t *testing.T) {
	out := "Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1        20G  5.0G   15G  25% /\ntmpfs           100M     0  100M   0% /mnt/with space\n"
	got, err := ParseDF([]byte(out))
	if err != nil || len(got) != 2 || got[0].MountedOn != "/" || got[1].MountedOn != "/mnt/with space" || got[0].Percentage != "25%" {
		t.Fatalf("ParseDF = %+v, %v", got, err)
	}
	if _, err := ParseDF([]byte("h\nbad line\n")); !errors.Is(err, errs.ErrParse) {
		t.Fatalf("bad df line: %v", err)
	}
}

func TestHumanDisk(t *testing.T) {
	for _, tc := range []struct {
		d    Disk
		raw  bool
		unit string
	}{
		{Disk{Total: 2 << 30, Free: 1 << 30, Used: 1 << 30}, false, "GB"},
		{Disk{Total: 2 << 30, Free: 1 << 30, Used: 1 << 30}, true, "Byte"},
		{Disk{Total: 5 << 20, Free: 1 << 20, Used: 4 << 20}, false, "MB"},
		{Disk{Total: 1000, Free: 10, Used: 990}, false, "Byte"},
	} {
		h := humanDisk(tc.d, tc.raw)
		if h.Unit != tc.unit || !near(h.TotalSpace-h.FreeSpace, h.UsedSpace) {
			t.Errorf("humanDisk(%+v, %v) = %+v", tc.d, tc.raw, h)
		}
	}
}
