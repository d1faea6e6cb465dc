//go:build linux

package procfs

import (
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

func TestStatFixture(t *testing.T) {
	fs := NewFS("testdata/proc")
	st, err := fs.Stat(4242)
	if err != nil {
		t.Fatal(err)
	}
	want := ProcStat{PID: 4242, Comm: "my (odd) name", State: 'S', PPID: 1, PGRP: 4242, Session: 4242,
		TTY: 0, Flags: 4194560, MinFlt: 100, UTime: 7, STime: 3, Priority: 20, NumThreads: 1,
		StartTime: 12345, VSize: 1000000, RSS: 250}
	if st != want {
		t.Fatalf("Stat = %+v\nwant   %+v", st, want)
	}
	args, err := fs.Cmdline(4242)
	if err != nil || !slices.Equal(args, []string{"sleep", "100"}) {
		t.Fatalf("Cmdline = %q, %v", args, err)
	}
	if c, err := fs.Comm(4242); err != nil || c != "sleep" {
		t.Fatalf("Comm = %q, %v", c, err)
	}
}

func TestVanishedPID(t *testing.T) {
	fs := NewFS("testdata/proc")
	_, err := fs.Stat(999999)
	var nsp *errs.NoSuchProcessError
	if !errors.As(err, &nsp) || nsp.PID != 999999 || !errors.Is(err, errs.ErrNoSuchProcess) {
		t.Fatalf("want NoSuchProcessError for pid 999999, got %v", err)
	}
}

func TestParseStatErrors(t *testing.T) {
	for _, in := range []string{"", "12 no parens S 1", "x (a) S 1 2 3", "1 (a) S 1 2 3",
		"1 (a) SS 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22",
		"1 (a) S z 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22"} {
		_, err := ParseStat([]byte(in))
		var pe *errs.ParseError
		if !errors.As(err, &pe) || pe.Line != 1 {
			t.Errorf("ParseStat(%q) = %v, want *errs.ParseError at line 1", in, err)
		}
	}
}

func FuzzParseStat(f *testing.F) {
	b, _ := os.ReadFile("testdata/proc/4242/stat")
	f.Add(b)
	f.Add([]byte("1 ((() S 0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseStat(data)
		if err == nil && !strings.Contains(string(data), "("+st.Comm+")") {
			t.Fatalf("comm %q not found between parentheses in %q", st.Comm, data)
		}
	})
}

func TestLiveSelf(t *testing.T) {
	fs := NewFS("")
	pid := os.Getpid()
	st, err := fs.Stat(pid)
	if err != nil {
		t.Fatal(err)
	}
	if st.PID != pid || st.PPID != os.Getppid() {
		t.Fatalf("Stat(self) = %+v, want pid %d ppid %d", st, pid, os.Getppid())
	}
	args, err := fs.Cmdline(pid)
	if err != nil || !slices.Equal(args, os.Args) {
		t.Fatalf("Cmdline(self) = %q, %v; want %q", args, err, os.Args)
	}
	exe, _ := os.Executable()
	if got, err := fs.Exe(pid); err != nil || got != exe {
		t.Fatalf("Exe = %q, %v; want %q", got, err, exe)
	}
	wd, _ := os.Getwd()
	if got, err := fs.Cwd(pid); err != nil || got != wd {
		t.Fatalf("Cwd = %q, %v; want %q", got, err, wd)
	}
	pids, err := fs.AllPIDs()
	if err != nil || !slices.Contains(pids, pid) {
		t.Fatalf("AllPIDs lacks self: %v", err)
	}
}

func TestLiveDescendants(t *testing.T) {
	// sh → (setsid sh → sleep) and sleep: both levels must be found, the
	// deepest first, including the one that left the session.
	cmd := exec.Command("/bin/sh", "-c", "setsid /bin/sh -c 'sleep 30' & sleep 30 & wait")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	fs := NewFS("")
	var desc []int
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var err error
		desc, err = fs.Descendants(cmd.Process.Pid)
		if err != nil {
			t.Fatal(err)
		}
		if len(desc) >= 3 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(desc) < 3 {
		t.Fatalf("Descendants = %v, want at least 3 (setsid sh, its sleep, sleep)", desc)
	}
	defer func() {
		for _, p := range desc {
			_ = syscallKill(p)
		}
	}()
	// the last one listed must be a direct child; the first one a grandchild.
	first, _ := fs.Stat(desc[0])
	last, _ := fs.Stat(desc[len(desc)-1])
	if last.PPID != cmd.Process.Pid || first.PPID == cmd.Process.Pid {
		t.Fatalf("not deepest first: %v (first ppid %d, last ppid %d)", desc, first.PPID, last.PPID)
	}
}

func TestDescendantsOf(t *testing.T) {
	tree := map[int]int{2: 1, 3: 1, 4: 2, 5: 4, 6: 99}
	got := DescendantsOf(tree, 1)
	if len(got) != 4 || got[0] != 5 || got[len(got)-1] == 5 || slices.Contains(got, 6) {
		t.Fatalf("DescendantsOf = %v", got)
	}
}

func TestReadFileCap(t *testing.T) {
	p := t.TempDir() + "/big"
	if err := os.WriteFile(p, make([]byte, 10000), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := ReadFile(p)
	if err != nil || len(b) != 10000 {
		t.Fatalf("ReadFile = %d bytes, %v", len(b), err)
	}
}
