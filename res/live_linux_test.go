//go:build linux

package res

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

// TestMain doubles as the unprivileged helper of TestAccessDeniedLive.
func TestMain(m *testing.M) {
	if os.Getenv("CUP_RES_HELPER") == "exe1" {
		p, err := NewProcess(1)
		if err == nil {
			_, err = p.Exe()
		}
		var ad *errs.AccessDeniedError
		if errors.As(err, &ad) && errors.Is(err, errs.ErrAccessDenied) {
			os.Stdout.WriteString("denied " + ad.Resource)
			os.Exit(0)
		}
		os.Stdout.WriteString("unexpected: " + errString(err))
		os.Exit(3)
	}
	os.Exit(m.Run())
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// lookPath returns the path of a system binary or skips with a message.
func lookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (apt-get install procps/coreutils): cross-check skipped", name)
	}
	return p
}

func output(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(lookPath(t, name), args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return strings.TrimSpace(string(out))
}

// Checklist 12.
func TestBootTimeLive(t *testing.T) {
	bt, err := BootTime()
	if err != nil {
		t.Fatal(err)
	}
	up, err := Uptime()
	if err != nil {
		t.Fatal(err)
	}
	want := time.Now().Add(-up)
	if !bt.Before(time.Now()) || math.Abs(bt.Sub(want).Seconds()) > 1.1 {
		t.Fatalf("BootTime = %v, now - uptime = %v", bt, want)
	}
}

// Checklists 13 and 14.
func TestKernelAndCPUCountLive(t *testing.T) {
	k, err := KernelVersion()
	if err != nil {
		t.Fatal(err)
	}
	rel := output(t, "uname", "-r")
	if k.Release != rel || !slices.Equal(k.Parts, strings.Split(rel, ".")) || k.Major < 2 {
		t.Fatalf("KernelVersion = %+v, uname -r = %q", k, rel)
	}
	n, err := CPUCount()
	if err != nil {
		t.Fatal(err)
	}
	if want := output(t, "getconf", "_NPROCESSORS_ONLN"); strconv.Itoa(n) != want {
		t.Fatalf("CPUCount = %d, getconf = %s", n, want)
	}
	l, err := LoadAvg()
	if err != nil || l.Load1 < 0 || l.Total < 1 {
		t.Fatalf("LoadAvg = %+v, %v", l, err)
	}
}

// Checklists 15 and 16.
func TestDiskLive(t *testing.T) {
	d, err := DiskUsage("/")
	if err != nil {
		t.Fatal(err)
	}
	if d.Total == 0 || d.Total != d.Used+d.Free {
		t.Fatalf("DiskUsage(/) = %+v", d)
	}
	if _, err := DiskUsage(""); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("DiskUsage(\"\") = %v", err)
	}
	if _, err := DiskUsage("/nonexistent/path"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("DiskUsage(missing) = %v", err)
	}
	raw, err := DiskUsageAll(true)
	if err != nil || raw.Unit != "Byte" || raw.TotalSpace != float64(d.Total) {
		t.Fatalf("DiskUsageAll(true) = %+v, %v", raw, err)
	}
	h, err := DiskUsageAll(false)
	if err != nil || (d.Total > 1<<30 && h.Unit != "GB") {
		t.Fatalf("DiskUsageAll(false) = %+v, %v", h, err)
	}
	lookPath(t, "df")
	entries, err := DiskInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(entries, func(e DiskEntry) bool { return e.MountedOn == "/" }) {
		t.Fatalf("DiskInfo has no / entry: %+v", entries)
	}
}

// Checklist 17.
func TestCPUUsageLive(t *testing.T) {
	c, err := CPUUsage(context.Background(), 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{c.Usr, c.Nice, c.System, c.Idle, c.IOWait, c.IRQ, c.SoftIRQ, c.Steal, c.Guest, c.GuestNice} {
		if v < 0 || v > 100 {
			t.Fatalf("field out of range: %+v", c)
		}
	}
	if math.Abs(sum(c)-100) > 1e-6 {
		t.Fatalf("sum %v: %+v", sum(c), c)
	}
	if _, err := CPUCoreUsage(context.Background(), 0, 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err = CPUUsage(ctx, time.Hour)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 30*time.Second {
		t.Fatalf("cancelled CPUUsage = %v after %v", err, time.Since(start))
	}
}

// Memory against free -b, swap totals against /proc/swaps sizes.
func TestMemoryLive(t *testing.T) {
	m, err := Memory()
	if err != nil {
		t.Fatal(err)
	}
	if m.Total == 0 || m.Used != m.Total-m.Free || m.Available != m.Free+m.Buffers+m.Cached || m.KernelAvailable == 0 {
		t.Fatalf("Memory = %+v", m)
	}
	out := output(t, "free", "-b")
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "Mem:":
			if f[1] != strconv.FormatUint(m.Total, 10) {
				t.Errorf("free total %s, Memory().Total %d", f[1], m.Total)
			}
		case len(f) >= 2 && f[0] == "Swap:":
			s, err := Swap()
			if err != nil {
				t.Fatal(err)
			}
			// free takes SwapTotal from meminfo; /proc/swaps sums the areas: equal.
			if f[1] != strconv.FormatUint(s.Total, 10) {
				t.Errorf("free swap total %s, Swap().Total %d", f[1], s.Total)
			}
		}
	}
}

// NetIOCounters against /sys/class/net.
func TestNetLive(t *testing.T) {
	ents, err := os.ReadDir("/sys/class/net")
	if err != nil {
		t.Skipf("no /sys/class/net: %v", err)
	}
	b, err := os.ReadFile("/sys/class/net/lo/statistics/rx_bytes")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	m, err := NetIOCounters()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if _, ok := m[e.Name()]; !ok {
			t.Errorf("NetIOCounters lacks %s of /sys/class/net", e.Name())
		}
	}
	if m["lo"].BytesRecv < before {
		t.Errorf("lo rx %d < sysfs %d read earlier", m["lo"].BytesRecv, before)
	}
	rx, tx, err := NetThrough("lo")
	if err != nil || rx < m["lo"].BytesRecv || tx < m["lo"].BytesSent {
		t.Fatalf("NetThrough(lo) = %d %d %v", rx, tx, err)
	}
	if _, _, err := NetThrough("nonexistent0"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("NetThrough(nonexistent0) = %v", err)
	}
}

// Checklist 18: 10 MB over loopback TCP during the interval.
func TestNetSpeedLive(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.Copy(io.Discard, c)
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer conn.Close()
		buf := make([]byte, 64<<10)
		sent := 0
		for {
			select {
			case <-stop:
				return
			default:
			}
			if sent >= 10<<20 {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			n, err := conn.Write(buf)
			if err != nil {
				return
			}
			sent += n
			time.Sleep(time.Millisecond) // spread 10 MB over the interval
		}
	}()
	type result struct {
		v   float64
		err error
	}
	rxc := make(chan result, 1)
	go func() {
		v, err := NetRecvSpeed(context.Background(), "lo", 500*time.Millisecond)
		rxc <- result{v, err}
	}()
	tx, err := NetTransmitSpeed(context.Background(), "lo", 500*time.Millisecond)
	r := <-rxc
	rx, rxErr := r.v, r.err
	close(stop)
	if err != nil || rxErr != nil {
		t.Fatal(err, rxErr)
	}
	if tx <= 0 || rx <= 0 || tx/rx > 2 || rx/tx > 2 {
		t.Fatalf("lo tx %.0f B/s, rx %.0f B/s: want both > 0 and close", tx, rx)
	}
}

// spawn starts name args... and waits until it has exec'd (its name is
// name), killing and reaping it at cleanup.
func spawn(t *testing.T, name string, args ...string) (*exec.Cmd, *Process, time.Time) {
	t.Helper()
	cmd := exec.Command(name, args...)
	started := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	p, err := NewProcess(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if n, err := p.Name(); err == nil && n == filepath.Base(name) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never exec'd", name)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return cmd, p, started
}

// Checklists 19, 24 and the cross-check against ps.
func TestProcessLive(t *testing.T) {
	sleepBin, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	cmd, p, started := spawn(t, sleepBin, "30")
	if a, err := p.Cmdline(); err != nil || len(a) != 2 || filepath.Base(a[0]) != "sleep" || a[1] != "30" {
		t.Errorf("Cmdline = %q, %v", a, err)
	}
	if pp, err := p.PPID(); err != nil || pp != os.Getpid() {
		t.Errorf("PPID = %d, %v", pp, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		s, err := p.Status()
		if err != nil {
			t.Fatal(err)
		}
		if s == StatusSleeping {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Status = %q, want sleeping", s)
		}
		time.Sleep(5 * time.Millisecond)
	}
	ct, err := p.CreateTime()
	if err != nil || math.Abs(ct.Sub(started).Seconds()) > 2 {
		t.Errorf("CreateTime = %v, %v; spawned at %v", ct, err, started)
	}
	if e, err := p.Exe(); err != nil || !strings.HasSuffix(e, "/sleep") {
		t.Errorf("Exe = %q, %v", e, err)
	}
	wd, _ := os.Getwd()
	if c, err := p.Cwd(); err != nil || c != wd {
		t.Errorf("Cwd = %q, %v; want %q", c, err, wd)
	}
	if !p.IsRunning() {
		t.Error("IsRunning = false")
	}
	if _, err := p.MemoryMaps(); err != nil {
		t.Error(err)
	}
	mi, err := p.MemoryInfo()
	if err != nil || mi.RSS == 0 || mi.VMS < mi.RSS {
		t.Errorf("MemoryInfo = %+v, %v", mi, err)
	}
	if _, err := exec.LookPath("ps"); err == nil {
		out := output(t, "ps", "-o", "ppid=,comm=,rss=,nlwp=", "-p", strconv.Itoa(p.PID))
		f := strings.Fields(out)
		name, _ := p.Name()
		if len(f) != 4 || f[0] != strconv.Itoa(os.Getpid()) || f[1] != name || f[3] != "1" {
			t.Errorf("ps says %q", out)
		}
		if kb, _ := strconv.ParseUint(f[2], 10, 64); kb*1024 != mi.RSS {
			t.Logf("ps rss %s KiB, MemoryInfo %d B (may differ by a page as the process runs)", f[2], mi.RSS)
		}
	} else {
		t.Log("ps not installed: cross-check skipped")
	}

	// Checklist 24: after kill and reap every method says no such process.
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	checks := map[string]func() error{
		"Name":           func() error { _, err := p.Name(); return err },
		"Exe":            func() error { _, err := p.Exe(); return err },
		"Cmdline":        func() error { _, err := p.Cmdline(); return err },
		"Cwd":            func() error { _, err := p.Cwd(); return err },
		"Status":         func() error { _, err := p.Status(); return err },
		"PPID":           func() error { _, err := p.PPID(); return err },
		"Pgid":           func() error { _, err := p.Pgid(); return err },
		"UIDs":           func() error { _, err := p.UIDs(); return err },
		"GIDs":           func() error { _, err := p.GIDs(); return err },
		"CreateTime":     func() error { _, err := p.CreateTime(); return err },
		"CPUTimes":       func() error { _, err := p.CPUTimes(); return err },
		"MemoryInfo":     func() error { _, err := p.MemoryInfo(); return err },
		"MemoryInfoEx":   func() error { _, err := p.MemoryInfoEx(); return err },
		"MemoryMaps":     func() error { _, err := p.MemoryMaps(); return err },
		"IOCounters":     func() error { _, err := p.IOCounters(); return err },
		"NumCtxSwitches": func() error { _, err := p.NumCtxSwitches(); return err },
		"NumThreads":     func() error { _, err := p.NumThreads(); return err },
		"Threads":        func() error { _, err := p.Threads(); return err },
		"Nice":           func() error { _, err := p.Nice(); return err },
		"OpenFiles":      func() error { _, err := p.OpenFiles(); return err },
		"NumFDs":         func() error { _, err := p.NumFDs(); return err },
		"Connections":    func() error { _, err := p.Connections("all"); return err },
		"Children":       func() error { _, err := p.Children(true); return err },
		"CPUPercent": func() error {
			_, err := p.CPUPercent(context.Background(), time.Millisecond)
			return err
		},
	}
	for name, f := range checks {
		if err := f(); !errors.Is(err, errs.ErrNoSuchProcess) || !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("%s after exit = %v, want ErrNoSuchProcess", name, err)
		}
	}
	if p.IsRunning() {
		t.Error("IsRunning after exit")
	}
	if _, err := NewProcess(1 << 22); !errors.Is(err, errs.ErrNoSuchProcess) {
		t.Errorf("NewProcess(1<<22) = %v", err)
	}
}

// Checklist 20.
func TestChildrenLive(t *testing.T) {
	self, err := NewProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	_, child, _ := spawn(t, "/bin/sh", "-c", "sleep 30 & wait")
	var kids, all []int
	deadline := time.Now().Add(20 * time.Second)
	for {
		kids, err = self.Children(false)
		if err != nil {
			t.Fatal(err)
		}
		all, err = self.Children(true)
		if err != nil {
			t.Fatal(err)
		}
		gk, _ := child.Children(false)
		if len(gk) == 1 && slices.Contains(all, gk[0]) && slices.Contains(kids, child.PID) && !slices.Contains(kids, gk[0]) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Children(false) = %v, Children(true) = %v, sh's children %v", kids, all, gk)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func fdOf(t *testing.T, c syscall.Conn) int {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var fd int
	if err := rc.Control(func(f uintptr) { fd = int(f) }); err != nil {
		t.Fatal(err)
	}
	return fd
}

// Checklists 21, 22, 26.
func TestSelfFilesAndSocketsLive(t *testing.T) {
	self, err := NewProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lfd := fdOf(t, ln.(*net.TCPListener))
	port := ln.Addr().(*net.TCPAddr).Port
	conns, err := self.Connections("tcp4")
	if err != nil {
		t.Fatal(err)
	}
	want := Connection{FD: lfd, Family: 2, Type: 1, Laddr: Addr{IP: "127.0.0.1", Port: port}, Status: "CONN_LISTEN"}
	if !slices.Contains(conns, want) {
		t.Errorf("Connections(tcp4) = %+v, want %+v in it", conns, want)
	}
	sock := filepath.Join(t.TempDir(), "s.sock")
	ul, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ul.Close()
	ufd := fdOf(t, ul.(*net.UnixListener))
	uconns, err := self.Connections("unix")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(uconns, func(c Connection) bool { return c.FD == ufd && c.Laddr.Path == sock && c.Family == 1 }) {
		t.Errorf("Connections(unix) = %+v, want %s on fd %d", uconns, sock, ufd)
	}

	f, err := os.CreateTemp(t.TempDir(), "open")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	files, err := self.OpenFiles()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(files, OpenFile{Path: f.Name(), FD: int(f.Fd())}) {
		t.Errorf("OpenFiles = %+v, want %s on fd %d", files, f.Name(), f.Fd())
	}
	for _, of := range files {
		if of.FD == lfd || of.FD == ufd {
			t.Errorf("OpenFiles lists socket fd %d", of.FD)
		}
	}
	n, err := self.NumFDs()
	if err != nil || n < 3 {
		t.Errorf("NumFDs = %d, %v", n, err)
	}
	io, err := self.IOCounters()
	if err != nil || io.WriteCount == 0 {
		t.Errorf("IOCounters = %+v, %v", io, err)
	}
}

// Checklists 23 and 27.
func TestSelfLive(t *testing.T) {
	self, err := NewProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for try := 0; ; try++ {
		th, err1 := self.Threads()
		n, err2 := self.NumThreads()
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if len(th) == n && slices.IsSortedFunc(th, func(a, b Thread) int { return a.ID - b.ID }) {
			break
		}
		if try == 50 {
			t.Fatalf("Threads() has %d, NumThreads() %d", len(th), n)
		}
	}
	u, err := self.UIDs()
	if err != nil || u.Real != os.Getuid() || u.Effective != os.Geteuid() {
		t.Errorf("UIDs = %+v, %v", u, err)
	}
	g, err := self.GIDs()
	if err != nil || g.Real != os.Getgid() {
		t.Errorf("GIDs = %+v, %v", g, err)
	}
	if pg, err := self.Pgid(); err != nil || pg != syscall.Getpgrp() {
		t.Errorf("Pgid = %d, %v", pg, err)
	}
	if _, err := self.NumCtxSwitches(); err != nil {
		t.Error(err)
	}
	if pct, err := self.CPUPercent(context.Background(), 50*time.Millisecond); err != nil || pct < 0 {
		t.Errorf("CPUPercent = %v, %v", pct, err)
	}
	pids, err := Pids()
	if err != nil || !slices.IsSorted(pids) || !slices.Contains(pids, os.Getpid()) {
		t.Fatalf("Pids: %v", err)
	}
	found := false
	for p := range Processes() {
		if p.PID == os.Getpid() {
			found = true
			break
		}
	}
	if !found {
		t.Error("Processes did not yield this process")
	}
	all, err := AllProcesses()
	if err != nil || !slices.ContainsFunc(all, func(p *Process) bool { return p.PID == os.Getpid() }) {
		t.Errorf("AllProcesses: %v", err)
	}
	snap, err := Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(snap, func(p ProcInfo) bool { return p.PID == os.Getpid() })
	if i < 0 || snap[i].PPID != os.Getppid() || snap[i].RSS == 0 {
		t.Errorf("Snapshot lacks this process or has it wrong: %d", i)
	}
}

// Checklist 25: an unprivileged user may not read pid 1's exe link.
func TestAccessDeniedLive(t *testing.T) {
	if os.Getuid() != 0 {
		p, err := NewProcess(1)
		if err != nil {
			t.Skipf("no pid 1 visible: %v", err)
		}
		u, _ := p.UIDs()
		if u.Real == os.Getuid() {
			t.Skip("pid 1 belongs to this user")
		}
		_, err = p.Exe()
		if !errors.Is(err, errs.ErrAccessDenied) {
			t.Fatalf("Exe of pid 1 = %v, want ErrAccessDenied", err)
		}
		return
	}
	// As root: re-execute the test binary as nobody. The go tool's build
	// directory is private, so copy the binary somewhere nobody can run it.
	dir, err := os.MkdirTemp("", "res-helper")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "res.test")
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CUP_RES_HELPER=exe1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "denied /proc/1/exe") {
		t.Fatalf("helper as nobody: %v: %s", err, out)
	}
}
