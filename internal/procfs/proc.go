package procfs

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cupgo/cup/errs"
)

// ProcStat is the parsed content of /proc/PID/stat (see proc(5)). Only the
// fields cup uses are kept; times are in clock ticks (USER_HZ).
type ProcStat struct {
	PID        int
	Comm       string // executable name, without the parentheses
	State      byte   // R, S, D, Z, T, t, X, I, ...
	PPID       int
	PGRP       int
	Session    int
	TTY        int
	Flags      uint64
	MinFlt     uint64
	MajFlt     uint64
	UTime      uint64 // user time, ticks
	STime      uint64 // system time, ticks
	CUTime     int64  // children's user time, ticks
	CSTime     int64  // children's system time, ticks
	Priority   int64
	Nice       int64
	NumThreads int64
	StartTime  uint64 // ticks after boot
	VSize      uint64 // bytes
	RSS        int64  // pages
}

// Stat reads /proc/PID/stat.
func (f FS) Stat(pid int) (ProcStat, error) {
	var st ProcStat
	err := f.withPidFile(pid, "stat", func(b []byte) error {
		var err error
		st, err = ParseStat(b)
		return err
	})
	return st, err
}

// ParseStat parses the content of a /proc/PID/stat file. The command name
// is taken from between the first "(" and the last ")", so names holding
// spaces or parentheses survive.
func ParseStat(data []byte) (ProcStat, error) {
	var st ProcStat
	line := bytes.TrimRight(data, "\n")
	bad := func(msg string) (ProcStat, error) {
		return ProcStat{}, &errs.ParseError{Line: 1, Msg: msg, Text: string(line)}
	}
	l := bytes.IndexByte(line, '(')
	r := bytes.LastIndexByte(line, ')')
	if l < 0 || r < l {
		return bad("want \"PID (COMM) STATE ...\": no parenthesised command name")
	}
	pid, ok := atoi(bytes.TrimSpace(line[:l]))
	if !ok || pid < 0 || pid > 1<<31-1 {
		return bad("bad pid field")
	}
	st.PID = int(pid)
	st.Comm = string(line[l+1 : r])
	// fields[0] is state (field 3 of proc(5)); we need up to rss (field 24).
	var fields [22][]byte
	rest := line[r+1:]
	n := 0
	for n < len(fields) {
		var f []byte
		f, rest = field(rest)
		if len(f) == 0 {
			break
		}
		fields[n] = f
		n++
	}
	if n < len(fields) {
		return bad(fmt.Sprintf("want at least 24 fields, got %d", n+2))
	}
	if len(fields[0]) != 1 {
		return bad("bad state field")
	}
	st.State = fields[0][0]
	p := fieldParser{fields: fields[:]}
	st.PPID = p.int(1)
	st.PGRP = p.int(2)
	st.Session = p.int(3)
	st.TTY = p.int(4)
	st.Flags = p.uint(6)
	st.MinFlt = p.uint(7)
	st.MajFlt = p.uint(9)
	st.UTime = p.uint(11)
	st.STime = p.uint(12)
	st.CUTime = p.int64(13)
	st.CSTime = p.int64(14)
	st.Priority = p.int64(15)
	st.Nice = p.int64(16)
	st.NumThreads = p.int64(17)
	st.StartTime = p.uint(19)
	st.VSize = p.uint(20)
	st.RSS = p.int64(21)
	if p.err != nil {
		return bad(p.err.Error())
	}
	return st, nil
}

// fieldParser converts many fields, keeping the first error.
type fieldParser struct {
	fields [][]byte
	err    error
}

func (p *fieldParser) uint(i int) uint64 {
	if p.err != nil {
		return 0
	}
	v, ok := atou(p.fields[i])
	if !ok {
		p.err = fmt.Errorf("field %d: %q is not an unsigned number", i+3, p.fields[i])
	}
	return v
}

func (p *fieldParser) int64(i int) int64 {
	if p.err != nil {
		return 0
	}
	v, ok := atoi(p.fields[i])
	if !ok {
		p.err = fmt.Errorf("field %d: %q is not a number", i+3, p.fields[i])
	}
	return v
}

func (p *fieldParser) int(i int) int { return int(p.int64(i)) }

// Cmdline reads /proc/PID/cmdline as its NUL-separated arguments, with
// every trailing NUL removed first (programs that rewrite their argv leave
// NUL padding). Kernel threads and zombies have an empty command line: the
// result is then an empty, non-nil slice.
func (f FS) Cmdline(pid int) ([]string, error) {
	b, err := f.readPidFile(pid, "cmdline")
	if err != nil {
		return nil, err
	}
	return ParseCmdline(bytes.TrimRight(b, "\x00")), nil
}

// Comm reads /proc/PID/comm, the (possibly truncated) executable name.
func (f FS) Comm(pid int) (string, error) {
	b, err := f.readPidFile(pid, "comm")
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\n"), nil
}

// Cwd returns the target of /proc/PID/cwd.
func (f FS) Cwd(pid int) (string, error) { return f.readPidLink(pid, "cwd") }

// Exe returns the target of /proc/PID/exe. A deleted executable keeps the
// kernel's " (deleted)" suffix.
func (f FS) Exe(pid int) (string, error) { return f.readPidLink(pid, "exe") }

// Children returns the pids whose parent is pid, found by a walk over every
// process's stat (which, unlike /proc/PID/task/TID/children, also sees
// children of every thread). Processes that vanish during the walk are
// skipped.
func (f FS) Children(pid int) ([]int, error) {
	tree, err := f.ParentMap()
	if err != nil {
		return nil, err
	}
	var out []int
	for child, parent := range tree {
		if parent == pid {
			out = append(out, child)
		}
	}
	return out, nil
}

// ParentMap reads the parent pid of every process, as child → parent.
// Processes that vanish during the walk are left out.
func (f FS) ParentMap() (map[int]int, error) {
	pids, err := f.AllPIDs()
	if err != nil {
		return nil, err
	}
	m := make(map[int]int, len(pids))
	for _, pid := range pids {
		st, err := f.Stat(pid)
		if err != nil {
			continue // vanished or unreadable: not part of anyone's tree now
		}
		m[pid] = st.PPID
	}
	return m, nil
}

// Descendants returns every descendant of pid (children, grandchildren,
// ...), deepest first, so that killing them in order never lets a parent
// respawn a child already counted. It follows parent links, so it finds
// descendants that left pid's process group or session (setsid).
func (f FS) Descendants(pid int) ([]int, error) {
	tree, err := f.ParentMap()
	if err != nil {
		return nil, err
	}
	return DescendantsOf(tree, pid), nil
}

// DescendantsOf computes the descendants of pid in a child → parent map,
// deepest first.
func DescendantsOf(tree map[int]int, pid int) []int {
	kids := make(map[int][]int)
	for c, p := range tree {
		kids[p] = append(kids[p], c)
	}
	// breadth-first, then reverse: deeper levels come last in BFS order.
	var order []int
	queue := []int{pid}
	seen := map[int]bool{pid: true}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range kids[p] {
			if seen[c] {
				continue
			}
			seen[c] = true
			order = append(order, c)
			queue = append(queue, c)
		}
	}
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	return order
}

// ParseCmdline splits the content of /proc/PID/cmdline into arguments.
// Exactly one trailing NUL (the terminator of the last argument) is
// removed, so empty arguments survive; an empty file gives an empty,
// non-nil slice.
func ParseCmdline(data []byte) []string {
	if len(data) == 0 {
		return []string{}
	}
	data = bytes.TrimSuffix(data, []byte{0})
	n := bytes.Count(data, []byte{0}) + 1
	out := make([]string, 0, n)
	for {
		i := bytes.IndexByte(data, 0)
		if i < 0 {
			return append(out, string(data))
		}
		out = append(out, string(data[:i]))
		data = data[i+1:]
	}
}

// Args reads /proc/PID/cmdline exactly (see ParseCmdline). Unlike
// Cmdline it keeps trailing empty arguments.
func (f FS) Args(pid int) ([]string, error) {
	var out []string
	err := f.withPidFile(pid, "cmdline", func(b []byte) error {
		out = ParseCmdline(b)
		return nil
	})
	return out, err
}
