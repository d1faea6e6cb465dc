package procfs

import (
	"errors"
	"os"
	"slices"
	"strconv"

	"github.com/cupgo/cup/errs"
)

// FD is one open file descriptor of a process and the target of its
// /proc/PID/fd link ("/path", "socket:[123]", "pipe:[456]", ...).
type FD struct {
	Num    int
	Target string
}

// FDNums lists the open descriptors of pid, ascending.
func (f FS) FDNums(pid int) ([]int, error) {
	names, err := f.listPidDir(pid, "fd")
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(names))
	for _, n := range names {
		if v, err := strconv.Atoi(n); err == nil {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out, nil
}

// FDs lists the open descriptors of pid with their link targets,
// ascending. Descriptors closed while the list is read are left out.
func (f FS) FDs(pid int) ([]FD, error) {
	nums, err := f.FDNums(pid)
	if err != nil {
		return nil, err
	}
	dir := f.pidFile(pid, "fd") + "/"
	out := make([]FD, 0, len(nums))
	for _, n := range nums {
		t, err := os.Readlink(dir + strconv.Itoa(n))
		if err != nil {
			continue // closed meanwhile, or not ours to read
		}
		out = append(out, FD{Num: n, Target: t})
	}
	return out, nil
}

// TaskIDs lists the thread ids of pid (the entries of /proc/PID/task),
// ascending.
func (f FS) TaskIDs(pid int) ([]int, error) {
	names, err := f.listPidDir(pid, "task")
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(names))
	for _, n := range names {
		if v, err := strconv.Atoi(n); err == nil {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out, nil
}

// TaskStat reads /proc/PID/task/TID/stat.
func (f FS) TaskStat(pid, tid int) (ProcStat, error) {
	var st ProcStat
	err := f.withPidFile(pid, "task/"+strconv.Itoa(tid)+"/stat", func(b []byte) error {
		var err error
		st, err = ParseStat(b)
		return err
	})
	return st, err
}

func (f FS) listPidDir(pid int, name string) ([]string, error) {
	p := f.pidFile(pid, name)
	d, err := os.Open(p)
	if err != nil {
		return nil, pidError(pid, p, err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, pidError(pid, p, err)
	}
	return names, nil
}

// Exists reports whether /proc/PID exists.
func (f FS) Exists(pid int) bool {
	_, err := os.Stat(f.pidFile(pid, ""))
	return err == nil
}

// missingFile reports whether err says a file of pid is absent while the
// process itself still exists (pidError reports both as "no such process").
func (f FS) missingFile(pid int, err error) bool {
	return errors.Is(err, errs.ErrNoSuchProcess) && f.Exists(pid)
}
