//go:build linux

package res

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

func fixtureProcess(t *testing.T, pid int) *Process {
	t.Helper()
	p, err := fixture("proc").NewProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Checklist 7: names with spaces and parentheses.
func TestProcessStatFixture(t *testing.T) {
	hz := float64(clockTicks())
	for _, tc := range []struct {
		pid        int
		name       string
		nice       int
		user, sys  float64
		startTicks uint64
	}{
		{4242, "tmux: server", 5, 250, 130, 360000},
		{4343, "a) b", -5, 1000, 500, 360500},
	} {
		p := fixtureProcess(t, tc.pid)
		if n, err := p.Name(); err != nil || n != tc.name {
			t.Errorf("%d Name = %q, %v", tc.pid, n, err)
		}
		if n, err := p.Nice(); err != nil || n != tc.nice {
			t.Errorf("%d Nice = %d, %v", tc.pid, n, err)
		}
		if c, err := p.CPUTimes(); err != nil || c.User != tc.user/hz || c.System != tc.sys/hz {
			t.Errorf("%d CPUTimes = %+v, %v", tc.pid, c, err)
		}
		ct, err := p.CreateTime()
		want := time.Unix(1764120000, 0).Add(time.Duration(float64(tc.startTicks) / hz * float64(time.Second)))
		if err != nil || !ct.Equal(want) {
			t.Errorf("%d CreateTime = %v, %v; want %v", tc.pid, ct, err, want)
		}
	}
	p := fixtureProcess(t, 4343)
	if pp, err := p.PPID(); err != nil || pp != 4242 {
		t.Errorf("PPID = %d, %v", pp, err)
	}
	if g, err := p.Pgid(); err != nil || g != 4343 {
		t.Errorf("Pgid = %d, %v", g, err)
	}
}

// Checklist 8: status letters and missing keys.
func TestProcessStatusFixture(t *testing.T) {
	for pid, want := range map[int]Status{4242: StatusSleeping, 4343: StatusUnknown, 4444: StatusIdle} {
		if s, err := fixtureProcess(t, pid).Status(); err != nil || s != want {
			t.Errorf("%d Status = %q, %v; want %q", pid, s, err, want)
		}
	}
	if _, err := fixtureProcess(t, 4343).NumCtxSwitches(); !errors.Is(err, errs.ErrNotSupported) ||
		!strings.Contains(err.Error(), "voluntary_ctxt_switches") {
		t.Errorf("NumCtxSwitches without the line: %v", err)
	}
	p := fixtureProcess(t, 4242)
	if c, err := p.NumCtxSwitches(); err != nil || c != (CtxSwitches{150, 7}) {
		t.Errorf("NumCtxSwitches = %+v, %v", c, err)
	}
	if u, err := p.UIDs(); err != nil || u != (IDs{1000, 1001, 1002}) {
		t.Errorf("UIDs = %+v, %v", u, err)
	}
	if g, err := p.GIDs(); err != nil || g != (IDs{100, 101, 102}) {
		t.Errorf("GIDs = %+v, %v", g, err)
	}
	if n, err := p.NumThreads(); err != nil || n != 2 {
		t.Errorf("NumThreads = %d, %v", n, err)
	}
	hz := float64(clockTicks())
	th, err := p.Threads()
	if err != nil || len(th) != 2 || th[0] != (Thread{4242, 200 / hz, 100 / hz}) || th[1].ID != 4250 {
		t.Errorf("Threads = %+v, %v", th, err)
	}
	if io, err := p.IOCounters(); err != nil || io != (IOCounters{11, 22, 4096, 8192}) {
		t.Errorf("IOCounters = %+v, %v", io, err)
	}
	if _, err := fixtureProcess(t, 4343).IOCounters(); !errors.Is(err, errs.ErrNotSupported) {
		t.Errorf("IOCounters without io: %v", err)
	}
	pg := uint64(os.Getpagesize())
	if m, err := p.MemoryInfo(); err != nil || m != (MemoryInfo{RSS: 1500 * pg, VMS: 6500 * pg}) {
		t.Errorf("MemoryInfo = %+v, %v", m, err)
	}
	if m, err := p.MemoryInfoEx(); err != nil || m != (MemoryInfoEx{1500 * pg, 6500 * pg, 400 * pg, 100 * pg, 0, 900 * pg, 0}) {
		t.Errorf("MemoryInfoEx = %+v, %v", m, err)
	}
	if a, err := p.Cmdline(); err != nil || !slices.Equal(a, []string{"tmux", "new-session", "", "-d"}) {
		t.Errorf("Cmdline = %q, %v", a, err)
	}
	if e, err := p.Exe(); err != nil || e != "/usr/bin/tmux" {
		t.Errorf("Exe = %q, %v", e, err)
	}
	if c, err := p.Cwd(); err != nil || c != "/home/u" {
		t.Errorf("Cwd = %q, %v", c, err)
	}
	if n, err := p.NumFDs(); err != nil || n != 10 {
		t.Errorf("NumFDs = %d, %v", n, err)
	}
	if of, err := p.OpenFiles(); err != nil || !slices.Equal(of, []OpenFile{{"/etc/hostname", 10}}) {
		t.Errorf("OpenFiles = %+v, %v", of, err)
	}
}

// Checklist 9.
func TestMemoryMapsFixture(t *testing.T) {
	mm, err := fixtureProcess(t, 4242).MemoryMaps()
	if err != nil {
		t.Fatal(err)
	}
	want := []MemoryMap{
		{Addr: "55d4c8a00000-55d4c8a2c000", Perms: "r--p", Path: "/usr/bin/tmux", RSS: 176 << 10, Size: 176 << 10,
			PSS: 88 << 10, SharedClean: 176 << 10, Referenced: 176 << 10},
		{Addr: "7f1a2c000000-7f1a2c021000", Perms: "rw-p", Path: "[anon]", RSS: 12 << 10, Size: 132 << 10, PSS: 12 << 10,
			PrivateDirty: 12 << 10, Referenced: 12 << 10, Anonymous: 12 << 10, Swap: 4 << 10},
		{Addr: "7ffd1b9e0000-7ffd1ba01000", Perms: "rw-p", Path: "[stack]", RSS: 16 << 10, Size: 132 << 10, PSS: 16 << 10,
			PrivateDirty: 16 << 10, Anonymous: 16 << 10},
	}
	if !slices.Equal(mm, want) {
		t.Fatalf("MemoryMaps =\n%+v\nwant\n%+v", mm, want)
	}
	// a garbage line: the error names file and line.
	dir := t.TempDir()
	if err := os.MkdirAll(dir+"/7/", 0o755); err != nil {
		t.Fatal(err)
	}
	stat := readFixture(t, "proc/4545/stat")
	_ = os.WriteFile(dir+"/7/stat", []byte(strings.Replace(stat, "4545", "7", 1)), 0o644)
	_ = os.WriteFile(dir+"/7/smaps", []byte("00400000-00401000 r-xp 00000000 08:01 1 /bin/x\nRss: 4 kB\nthis is garbage\n"), 0o644)
	p, err := NewFS(Options{ProcRoot: dir}).NewProcess(7)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.MemoryMaps()
	var pe *errs.ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || pe.File != dir+"/7/smaps" || pe.Text != "this is garbage" {
		t.Fatalf("garbage smaps: %v", err)
	}
}

// Checklists 10 and 11.
func TestConnectionsFixture(t *testing.T) {
	p := fixtureProcess(t, 4242)
	got, err := p.Connections("inet")
	if err != nil {
		t.Fatal(err)
	}
	want := []Connection{
		{FD: 3, Family: 2, Type: 1, Laddr: Addr{IP: "127.0.0.1", Port: 22}, Status: "CONN_LISTEN"},
		{FD: 4, Family: 2, Type: 1, Laddr: Addr{IP: "127.0.0.1", Port: 40000}, Raddr: Addr{IP: "127.0.0.1", Port: 22}, Status: "CONN_ESTABLISHED"},
		{FD: 5, Family: 10, Type: 1, Laddr: Addr{IP: "::ffff:127.0.0.1", Port: 80}, Status: "CONN_LISTEN"},
		{FD: 12, Family: 10, Type: 1, Laddr: Addr{IP: "::1", Port: 81}, Status: "CONN_LISTEN"},
		{FD: 6, Family: 2, Type: 2, Laddr: Addr{IP: "0.0.0.0", Port: 68}, Status: "CONN_NONE"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Connections(inet) =\n%+v\nwant\n%+v", got, want)
	}
	for kind, n := range map[string]int{"tcp4": 2, "tcp6": 2, "tcp": 4, "udp": 1, "udp6": 0, "inet4": 3, "inet6": 2, "unix": 2, "all": 7} {
		got, err := p.Connections(kind)
		if err != nil || len(got) != n {
			t.Errorf("Connections(%q) = %d rows %+v, %v; want %d", kind, len(got), got, err, n)
		}
	}
	u, _ := p.Connections("unix")
	if len(u) == 2 && (u[0] != Connection{FD: 7, Family: 1, Type: 1, Laddr: Addr{Path: "/run/tmux/1000/default"}, Status: "CONN_NONE"} || !u[1].Laddr.IsZero()) {
		t.Errorf("unix = %+v", u)
	}
	_, err = p.Connections("bogus")
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "inet4") {
		t.Errorf("Connections(bogus) = %v", err)
	}
}

func TestChildrenFixture(t *testing.T) {
	p := fixtureProcess(t, 4242)
	kids, err := p.Children(false)
	if err != nil || !slices.Equal(kids, []int{4343}) {
		t.Errorf("Children(false) = %v, %v (4646 started before its parent: reused pid)", kids, err)
	}
	all, err := p.Children(true)
	if err != nil || !slices.Equal(all, []int{4343, 4545}) {
		t.Errorf("Children(true) = %v, %v", all, err)
	}
}

func TestFixtureErrors(t *testing.T) {
	fs := fixture("proc")
	for _, pid := range []int{0, -1} {
		if _, err := fs.NewProcess(pid); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("NewProcess(%d) = %v", pid, err)
		}
	}
	_, err := fs.NewProcess(999999)
	var nsp *errs.NoSuchProcessError
	if !errors.As(err, &nsp) || nsp.PID != 999999 || !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("NewProcess(999999) = %v", err)
	}
	pids, err := fs.Pids()
	if err != nil || !slices.Equal(pids, []int{4242, 4343, 4444, 4545, 4646}) {
		t.Errorf("Pids = %v, %v", pids, err)
	}
	snap, err := fs.Snapshot()
	if err != nil || len(snap) != 5 || snap[0].Name != "tmux: server" || snap[0].RSS != 1500*uint64(os.Getpagesize()) ||
		snap[1].PPID != 4242 || snap[2].Status != StatusIdle {
		t.Errorf("Snapshot = %+v, %v", snap, err)
	}
}
