package res

import (
	"context"
	"errors"
	"iter"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/procfs"
)

// Process is one process, identified by its pid and start time (CUP
// Process, a partial psutil). Every method reads /proc afresh; nothing
// but the start time is cached, so a *Process is safe for concurrent use.
//
// A process that exited makes methods return an error matching
// errs.ErrNoSuchProcess; a file the caller may not read one matching
// errs.ErrAccessDenied (an *errs.AccessDeniedError naming the file).
// Methods that read /proc/PID/stat (Name, PPID, Pgid, Nice, CPUTimes,
// CreateTime, Children) also notice a pid reused by a newer process and
// report the original as gone; the others read whatever process holds
// the pid now, so call IsRunning when that matters.
type Process struct {
	// PID is the process id.
	PID int

	fs    *FS
	start uint64 // start ticks after boot, from stat
}

// NewProcess returns the live process pid (CUP Process(pid)).
func NewProcess(pid int) (*Process, error) { return defaultFS.NewProcess(pid) }

// NewProcess returns process pid under the FS's proc root. pid ≤ 0 is an
// error matching errs.ErrInvalidArgument; a missing process one matching
// errs.ErrNoSuchProcess.
func (f *FS) NewProcess(pid int) (*Process, error) {
	if !supported {
		return nil, errNotSupported("NewProcess")
	}
	if pid <= 0 {
		return nil, errs.New(errs.ErrInvalidArgument, "pid %d: want a positive pid", pid)
	}
	st, err := f.proc.Stat(pid)
	if err != nil {
		return nil, err
	}
	return &Process{PID: pid, fs: f, start: st.StartTime}, nil
}

// stat reads /proc/PID/stat and checks the pid still names the same
// process (same start time); a reused pid is reported as gone.
func (p *Process) stat() (procfs.ProcStat, error) {
	st, err := p.fs.proc.Stat(p.PID)
	if err != nil {
		return st, err
	}
	if st.StartTime != p.start {
		return st, &errs.NoSuchProcessError{PID: p.PID, Name: st.Comm}
	}
	return st, nil
}

// IsRunning reports whether the process still exists and is the same one
// (its start time is unchanged, so a reused pid reports false).
func (p *Process) IsRunning() bool {
	_, err := p.stat()
	return err == nil
}

// CreateTime returns when the process started (CUP create_time,
// get_process_create_time).
func (p *Process) CreateTime() (time.Time, error) {
	if _, err := p.stat(); err != nil {
		return time.Time{}, err
	}
	return p.fs.ticksToTime(p.start)
}

// Name returns the process name: the kernel's comm, truncated to 15
// bytes, taken from between the first "(" and the last ")" of stat.
func (p *Process) Name() (string, error) {
	st, err := p.stat()
	return st.Comm, err
}

// Exe returns the path of the executable. A deleted executable's " (deleted)"
// suffix is removed unless a file with that literal name exists. Kernel
// threads have no executable: "" and no error.
func (p *Process) Exe() (string, error) {
	exe, err := p.fs.proc.Exe(p.PID)
	if err != nil {
		if errors.Is(err, errs.ErrNoSuchProcess) && p.IsRunning() {
			return "", nil // kernel thread: the link exists but has no target
		}
		return "", err
	}
	exe = strings.ReplaceAll(exe, "\x00", "")
	if base, ok := strings.CutSuffix(exe, " (deleted)"); ok {
		if _, err := os.Stat(exe); err != nil {
			exe = base
		}
	}
	return exe, nil
}

// Cmdline returns the arguments of the process. Empty arguments are kept;
// kernel threads and zombies give an empty slice.
func (p *Process) Cmdline() ([]string, error) {
	return p.fs.proc.Args(p.PID)
}

// Cwd returns the working directory of the process.
func (p *Process) Cwd() (string, error) {
	cwd, err := p.fs.proc.Cwd(p.PID)
	return strings.ReplaceAll(cwd, "\x00", ""), err
}

// IOCounters returns the I/O counters of /proc/PID/io (readable only by
// the owner or root). A kernel without the file or a key is an error
// matching errs.ErrNotSupported.
func (p *Process) IOCounters() (IOCounters, error) {
	io, err := p.fs.proc.IO(p.PID)
	if err != nil {
		if errors.Is(err, errs.ErrNoSuchProcess) && p.IsRunning() {
			return IOCounters{}, errs.New(errs.ErrNotSupported, "%s: no I/O accounting in this kernel", p.path("io"))
		}
		return IOCounters{}, err
	}
	for _, k := range [...]string{"syscr", "syscw", "read_bytes", "write_bytes"} {
		if !io.Has(k) {
			return IOCounters{}, errs.New(errs.ErrNotSupported, "%s: no %q line", p.path("io"), k)
		}
	}
	return IOCounters{ReadCount: io.SyscR, WriteCount: io.SyscW, ReadBytes: io.ReadBytes, WriteBytes: io.WriteBytes}, nil
}

func (p *Process) path(name string) string { return p.fs.proc.Path(strconv.Itoa(p.PID), name) }

// CPUTimes returns the user and system CPU seconds of the process.
func (p *Process) CPUTimes() (CPUTimes, error) {
	st, err := p.stat()
	if err != nil {
		return CPUTimes{}, err
	}
	hz := float64(clockTicks())
	return CPUTimes{User: float64(st.UTime) / hz, System: float64(st.STime) / hz}, nil
}

// CPUPercent measures the process's CPU use over interval as a percentage
// of one CPU (so it can exceed 100 on several CPUs). Callers that want
// CUP's default use 500 ms.
func (p *Process) CPUPercent(ctx context.Context, interval time.Duration) (float64, error) {
	if err := checkInterval(interval); err != nil {
		return 0, err
	}
	a, err := p.CPUTimes()
	if err != nil {
		return 0, err
	}
	t0 := time.Now()
	if err := sleep(ctx, interval); err != nil {
		return 0, err
	}
	b, err := p.CPUTimes()
	if err != nil {
		return 0, err
	}
	secs := time.Since(t0).Seconds()
	d := (b.User + b.System) - (a.User + a.System)
	if d < 0 {
		d = 0
	}
	return d * 100 / secs, nil
}

// MemoryInfo returns the resident and virtual size (statm × page size).
func (p *Process) MemoryInfo() (MemoryInfo, error) {
	s, err := p.fs.proc.Statm(p.PID)
	if err != nil {
		return MemoryInfo{}, err
	}
	pg := uint64(pageSize())
	return MemoryInfo{RSS: s.Resident * pg, VMS: s.Size * pg}, nil
}

// MemoryInfoEx returns every field of /proc/PID/statm in bytes.
func (p *Process) MemoryInfoEx() (MemoryInfoEx, error) {
	s, err := p.fs.proc.Statm(p.PID)
	if err != nil {
		return MemoryInfoEx{}, err
	}
	pg := uint64(pageSize())
	return MemoryInfoEx{RSS: s.Resident * pg, VMS: s.Size * pg, Shared: s.Shared * pg, Text: s.Text * pg,
		Lib: s.Lib * pg, Data: s.Data * pg, Dirty: s.Dirty * pg}, nil
}

// MemoryMaps returns one entry per mapping of /proc/PID/smaps, in file
// order (not grouped by path). Anonymous mappings have Path "[anon]".
func (p *Process) MemoryMaps() ([]MemoryMap, error) {
	ms, err := p.fs.proc.Smaps(p.PID)
	if err != nil {
		return nil, err
	}
	out := make([]MemoryMap, len(ms))
	for i, m := range ms {
		path := m.Path
		if path == "" {
			path = "[anon]"
		}
		out[i] = MemoryMap{Addr: m.Addr, Perms: m.Perms, Path: path, RSS: m.RSS, Size: m.Size, PSS: m.PSS,
			SharedClean: m.SharedClean, SharedDirty: m.SharedDirty, PrivateClean: m.PrivateClean,
			PrivateDirty: m.PrivateDirty, Referenced: m.Referenced, Anonymous: m.Anonymous, Swap: m.Swap}
	}
	return out, nil
}

// status reads /proc/PID/status and requires key.
func (p *Process) status(keys ...string) (procfs.ProcStatus, error) {
	s, err := p.fs.proc.Status(p.PID)
	if err != nil {
		return s, err
	}
	for _, k := range keys {
		if !s.Has(k) {
			return s, errs.New(errs.ErrNotSupported, "%s: no %q line", p.path("status"), k)
		}
	}
	return s, nil
}

// NumCtxSwitches returns the voluntary and involuntary context switches.
func (p *Process) NumCtxSwitches() (CtxSwitches, error) {
	s, err := p.status("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")
	if err != nil {
		return CtxSwitches{}, err
	}
	return CtxSwitches{Voluntary: s.VoluntaryCtxtSwitches, Involuntary: s.NonvoluntaryCtxtSwitches}, nil
}

// NumThreads returns the number of threads (status "Threads:").
func (p *Process) NumThreads() (int, error) {
	s, err := p.status("Threads")
	return s.Threads, err
}

// Threads returns every thread with its CPU seconds, sorted by id.
// Threads that exit while they are read are left out.
func (p *Process) Threads() ([]Thread, error) {
	tids, err := p.fs.proc.TaskIDs(p.PID)
	if err != nil {
		return nil, err
	}
	hz := float64(clockTicks())
	out := make([]Thread, 0, len(tids))
	for _, tid := range tids {
		st, err := p.fs.proc.TaskStat(p.PID, tid)
		if err != nil {
			if errors.Is(err, errs.ErrNoSuchProcess) {
				continue
			}
			return nil, err
		}
		out = append(out, Thread{ID: tid, User: float64(st.UTime) / hz, System: float64(st.STime) / hz})
	}
	if !p.IsRunning() {
		return nil, &errs.NoSuchProcessError{PID: p.PID}
	}
	return out, nil
}

// Nice returns the nice value (stat field 19).
func (p *Process) Nice() (int, error) {
	st, err := p.stat()
	return int(st.Nice), err
}

// Status returns the state of the process (status "State:").
func (p *Process) Status() (Status, error) {
	s, err := p.status("State")
	if err != nil {
		return "", err
	}
	return StatusOf(s.State), nil
}

// PPID returns the parent's pid.
func (p *Process) PPID() (int, error) {
	st, err := p.stat()
	return st.PPID, err
}

// Pgid returns the process group id.
func (p *Process) Pgid() (int, error) {
	st, err := p.stat()
	return st.PGRP, err
}

// UIDs returns the real, effective and saved user ids.
func (p *Process) UIDs() (IDs, error) {
	s, err := p.status("Uid")
	return IDs{Real: s.UIDs[0], Effective: s.UIDs[1], Saved: s.UIDs[2]}, err
}

// GIDs returns the real, effective and saved group ids.
func (p *Process) GIDs() (IDs, error) {
	s, err := p.status("Gid")
	return IDs{Real: s.GIDs[0], Effective: s.GIDs[1], Saved: s.GIDs[2]}, err
}

// NumFDs returns the number of open file descriptors.
func (p *Process) NumFDs() (int, error) {
	n, err := p.fs.proc.FDNums(p.PID)
	return len(n), err
}

// OpenFiles returns the regular files the process holds open, by fd
// (sockets, pipes, terminals and directories are left out).
func (p *Process) OpenFiles() ([]OpenFile, error) {
	fds, err := p.fs.proc.FDs(p.PID)
	if err != nil {
		return nil, err
	}
	out := []OpenFile{}
	for _, fd := range fds {
		if !strings.HasPrefix(fd.Target, "/") {
			continue
		}
		fi, err := os.Stat(fd.Target)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		out = append(out, OpenFile{Path: fd.Target, FD: fd.Num})
	}
	return out, nil
}

// Children returns the pids of the process's children (CUP children):
// processes whose parent is this one and that started no earlier (which
// rules out a reused pid). With recursive it returns every descendant,
// breadth first. Processes that exit meanwhile are left out.
func (p *Process) Children(recursive bool) ([]int, error) {
	if _, err := p.stat(); err != nil {
		return nil, err
	}
	all, err := p.fs.scan()
	if err != nil {
		return nil, err
	}
	kids := make(map[int][]procEntry)
	for _, e := range all {
		kids[e.ppid] = append(kids[e.ppid], e)
	}
	var out []int
	queue := []procEntry{{pid: p.PID, start: p.start}}
	seen := map[int]bool{p.PID: true}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		for _, c := range kids[parent.pid] {
			if seen[c.pid] || c.start < parent.start {
				continue
			}
			seen[c.pid] = true
			out = append(out, c.pid)
			if recursive {
				queue = append(queue, c)
			}
		}
	}
	return out, nil
}

// procEntry is what a scan keeps of each process.
type procEntry struct {
	pid, ppid int
	start     uint64
}

// scan reads the parent and start time of every process; processes that
// vanish or cannot be read are left out.
func (f *FS) scan() ([]procEntry, error) {
	pids, err := f.proc.AllPIDs()
	if err != nil {
		return nil, err
	}
	out := make([]procEntry, 0, len(pids))
	for _, pid := range pids {
		st, err := f.proc.Stat(pid)
		if err != nil {
			continue
		}
		out = append(out, procEntry{pid: pid, ppid: st.PPID, start: st.StartTime})
	}
	return out, nil
}

// Pids returns the pids of all processes, ascending (CUP pids).
func Pids() ([]int, error) { return defaultFS.Pids() }

// Pids returns the pids under the proc root, ascending.
func (f *FS) Pids() ([]int, error) {
	if !supported {
		return nil, errNotSupported("Pids")
	}
	pids, err := f.proc.AllPIDs()
	if err != nil {
		return nil, errs.New(errs.ErrResource, "list processes: %w", err)
	}
	slices.Sort(pids)
	return pids, nil
}

// Processes yields every live process, ascending by pid (CUP
// process_iter). Processes that exit before they are read are skipped.
// Off Linux, or when /proc cannot be listed, it yields nothing; use
// [AllProcesses] to see the error.
func Processes() iter.Seq[*Process] { return defaultFS.Processes() }

// Processes yields every process under the proc root.
func (f *FS) Processes() iter.Seq[*Process] {
	return func(yield func(*Process) bool) {
		pids, err := f.Pids()
		if err != nil {
			return
		}
		for _, pid := range pids {
			pr, err := f.NewProcess(pid)
			if err != nil {
				continue
			}
			if !yield(pr) {
				return
			}
		}
	}
}

// AllProcesses returns every live process, ascending by pid.
func AllProcesses() ([]*Process, error) { return defaultFS.AllProcesses() }

// AllProcesses returns every process under the proc root.
func (f *FS) AllProcesses() ([]*Process, error) {
	pids, err := f.Pids()
	if err != nil {
		return nil, err
	}
	out := make([]*Process, 0, len(pids))
	for _, pid := range pids {
		if pr, err := f.NewProcess(pid); err == nil {
			out = append(out, pr)
		}
	}
	return out, nil
}

// Snapshot reads every process's stat once and returns a summary of each
// (pid, parent, name, state, memory, threads, nice, CPU times, start
// time), ascending by pid: the fast way to list processes. Processes that
// exit meanwhile are left out.
func Snapshot() ([]ProcInfo, error) { return defaultFS.Snapshot() }

// Snapshot summarises every process under the proc root.
func (f *FS) Snapshot() ([]ProcInfo, error) {
	pids, err := f.Pids()
	if err != nil {
		return nil, err
	}
	boot, err := f.bootTime()
	if err != nil {
		return nil, err
	}
	hz := clockTicks()
	fhz := float64(hz)
	pg := uint64(pageSize())
	out := make([]ProcInfo, 0, len(pids))
	for _, pid := range pids {
		st, err := f.proc.Stat(pid)
		if err != nil {
			continue
		}
		var rss uint64
		if st.RSS > 0 {
			rss = uint64(st.RSS) * pg
		}
		out = append(out, ProcInfo{PID: pid, PPID: st.PPID, Name: st.Comm, Status: StatusOf(st.State), RSS: rss,
			VMS: st.VSize, Threads: int(st.NumThreads), Nice: int(st.Nice),
			CPU:        CPUTimes{User: float64(st.UTime) / fhz, System: float64(st.STime) / fhz},
			CreateTime: time.Unix(int64(boot+st.StartTime/hz), int64((st.StartTime%hz)*uint64(time.Second)/hz))})
	}
	return out, nil
}
