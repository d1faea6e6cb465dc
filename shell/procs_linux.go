package shell

import (
	"github.com/cupgo/cup/internal/procfs"
)

// procTable is one scan of /proc, taken only on the kill path.
type procTable map[int]procfs.ProcStat

// scanProcs reads the stat of every process; processes that vanish
// during the scan are left out.
func scanProcs() procTable {
	fs := procfs.NewFS("")
	pids, err := fs.AllPIDs()
	if err != nil {
		return nil
	}
	t := make(procTable, len(pids))
	for _, pid := range pids {
		if st, err := fs.Stat(pid); err == nil {
			t[pid] = st
		}
	}
	return t
}

// tree returns the live (non-zombie) processes to kill for the shell
// pid: the members of its process group, the recorded victims that still
// run (same start time), and every descendant of the shell and of those
// (found by parent pid, so also the ones that called setsid). The shell
// itself is not included: the caller signals its group.
func (t procTable) tree(shell int, recorded []victim) []victim {
	roots := []int{shell}
	for pid, st := range t {
		if st.PGRP == shell && pid != shell {
			roots = append(roots, pid)
		}
	}
	for _, v := range recorded {
		if st, ok := t[v.pid]; ok && st.StartTime == v.start {
			roots = append(roots, v.pid)
		}
	}
	parents := make(map[int]int, len(t))
	for pid, st := range t {
		parents[pid] = st.PPID
	}
	seen := map[int]bool{shell: true}
	var out []victim
	add := func(pid int) {
		if seen[pid] {
			return
		}
		seen[pid] = true
		if st, ok := t[pid]; ok && st.State != 'Z' && st.State != 'X' {
			out = append(out, victim{pid: pid, start: st.StartTime})
		}
	}
	for _, r := range roots {
		add(r)
		for _, d := range procfs.DescendantsOf(parents, r) {
			add(d)
		}
	}
	return out
}

// cupStatus maps a /proc state letter to CUP's process status string
// (res.md §4.3).
func cupStatus(state byte) string {
	switch state {
	case 'R':
		return "STATUS_RUNNING"
	case 'S':
		return "STATUS_SLEEPING"
	case 'D':
		return "STATUS_DISK_SLEEP"
	case 'T':
		return "STATUS_STOPPED"
	case 't':
		return "STATUS_TRACING_STOP"
	case 'Z':
		return "STATUS_ZOMBIE"
	case 'X', 'x':
		return "STATUS_DEAD"
	case 'K':
		return "STATUS_WAKE_KILL"
	case 'W':
		return "STATUS_WAKING"
	case 'I':
		return "STATUS_IDLE"
	case 'P':
		return "STATUS_PARKED"
	}
	return "?"
}

// procStatus reads the CUP status of pid.
func procStatus(pid int) (string, bool) {
	st, err := procfs.NewFS("").Stat(pid)
	if err != nil {
		return "", false
	}
	return cupStatus(st.State), true
}
