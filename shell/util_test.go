//go:build linux

package shell

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/internal/procfs"
)

// tracked is a helper process recorded from its pid file.
type tracked struct {
	name  string
	pid   int
	start uint64
}

// readPIDs waits (generously) for the pid files of names in dir and
// records each process with its start time.
func readPIDs(t *testing.T, dir string, names ...string) []tracked {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var out []tracked
	for _, n := range names {
		for {
			b, err := os.ReadFile(filepath.Join(dir, n))
			if err == nil {
				pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
				if err != nil {
					t.Fatalf("pid file %s: %v", n, err)
				}
				st, err := procfs.NewFS("").Stat(pid)
				if err != nil {
					t.Fatalf("helper %s (pid %d) already gone: %v", n, pid, err)
				}
				out = append(out, tracked{n, pid, st.StartTime})
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("pid file %s never appeared in %s", n, dir)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return out
}

// dead reports whether p no longer runs: gone, replaced (pid reused), or
// a zombie that is not ours (an orphan waiting for init, which on some
// machines never reaps).
func dead(p tracked) bool {
	st, err := procfs.NewFS("").Stat(p.pid)
	if err != nil || st.StartTime != p.start {
		return true
	}
	return (st.State == 'Z' || st.State == 'X') && st.PPID != os.Getpid()
}

// waitDead fails unless every process is dead within a generous deadline.
func waitDead(t *testing.T, procs []tracked) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, p := range procs {
		for !dead(p) {
			if time.Now().After(deadline) {
				st, _ := procfs.NewFS("").Stat(p.pid)
				t.Errorf("%s (pid %d) still alive: state %c ppid %d pgrp %d", p.name, p.pid, st.State, st.PPID, st.PGRP)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// assertReaped fails if pid is still a child (zombie or not) of the test.
func assertReaped(t *testing.T, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("bad pid %d", pid)
	}
	st, err := procfs.NewFS("").Stat(pid)
	if err == nil && st.PPID == os.Getpid() {
		t.Errorf("shell pid %d is still a child of the test (state %c): not reaped", pid, st.State)
	}
}

// killTracked cleans up processes a test expected to survive.
func killTracked(procs []tracked) {
	for _, p := range procs {
		if !dead(p) {
			syscallKill(p.pid)
		}
	}
}

// countEntries returns the names in dir.
func countEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func procfsStat(pid int) (procfs.ProcStat, error) { return procfs.NewFS("").Stat(pid) }
