package procfs

import (
	"bytes"

	"github.com/cupgo/cup/errs"
)

// CPUTimes is one "cpu" or "cpuN" line of /proc/stat, in clock ticks
// (USER_HZ). Columns counts how many numbers the line had: kernels before
// 2.6.33 have no guest_nice, older ones fewer still; absent columns are 0.
type CPUTimes struct {
	Name      string // "cpu" for the aggregate line, "cpuN" for CPU N
	User      uint64
	Nice      uint64
	System    uint64
	Idle      uint64
	IOWait    uint64
	IRQ       uint64
	SoftIRQ   uint64
	Steal     uint64
	Guest     uint64
	GuestNice uint64
	Columns   int
}

// Values returns the ten columns in file order.
func (c CPUTimes) Values() [10]uint64 {
	return [10]uint64{c.User, c.Nice, c.System, c.Idle, c.IOWait, c.IRQ, c.SoftIRQ, c.Steal, c.Guest, c.GuestNice}
}

// Total is the sum of all ten columns (guest and guest_nice included, as
// CUP sums them).
func (c CPUTimes) Total() uint64 {
	var t uint64
	for _, v := range c.Values() {
		t += v
	}
	return t
}

// SystemStat is the content of /proc/stat that cup uses.
type SystemStat struct {
	Total        CPUTimes   // the aggregate "cpu" line
	CPUs         []CPUTimes // the "cpuN" lines in file order
	BootTime     uint64     // "btime", seconds since the epoch; 0 if absent
	HasBootTime  bool
	ContextSw    uint64 // "ctxt"
	Processes    uint64 // "processes": forks since boot
	ProcsRunning uint64
	ProcsBlocked uint64
}

// ParseSystemStat parses the content of /proc/stat. Lines it does not
// know (intr, softirq, ...) are skipped whatever their length.
func ParseSystemStat(data []byte) (SystemStat, error) {
	var st SystemStat
	l := lines{data: data}
	haveTotal := false
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		key, rest := field(line)
		switch {
		case bytes.HasPrefix(key, []byte("cpu")):
			c, err := parseCPULine(l.n, line, key, rest)
			if err != nil {
				return SystemStat{}, err
			}
			if len(key) == 3 {
				st.Total, haveTotal = c, true
			} else {
				st.CPUs = append(st.CPUs, c)
			}
		case string(key) == "btime":
			v, err := oneNumber(l.n, line, rest)
			if err != nil {
				return SystemStat{}, err
			}
			st.BootTime, st.HasBootTime = v, true
		case string(key) == "ctxt", string(key) == "processes", string(key) == "procs_running", string(key) == "procs_blocked":
			v, err := oneNumber(l.n, line, rest)
			if err != nil {
				return SystemStat{}, err
			}
			switch string(key) {
			case "ctxt":
				st.ContextSw = v
			case "processes":
				st.Processes = v
			case "procs_running":
				st.ProcsRunning = v
			default:
				st.ProcsBlocked = v
			}
		}
	}
	if !haveTotal {
		return SystemStat{}, &errs.ParseError{Msg: `no aggregate "cpu" line`, Err: errs.ErrNotSupported}
	}
	return st, nil
}

// FindCPU returns the line of /proc/stat whose first field is exactly
// name ("cpu", "cpu1", ...) without parsing the others; found is false when
// there is none.
func FindCPU(data []byte, name string) (c CPUTimes, found bool, err error) {
	l := lines{data: data}
	for {
		line, ok := l.next()
		if !ok {
			return CPUTimes{}, false, nil
		}
		if len(line) < len(name) || string(line[:len(name)]) != name {
			if !bytes.HasPrefix(line, []byte("cpu")) {
				// cpu lines come first; nothing more to find.
				return CPUTimes{}, false, nil
			}
			continue
		}
		key, rest := field(line)
		if string(key) != name {
			continue
		}
		c, err := parseCPULine(l.n, line, key, rest)
		return c, err == nil, err
	}
}

// FindBootTime returns the btime value of /proc/stat.
func FindBootTime(data []byte) (uint64, bool, error) {
	l := lines{data: data}
	for {
		line, ok := l.next()
		if !ok {
			return 0, false, nil
		}
		if !bytes.HasPrefix(line, []byte("btime")) {
			continue
		}
		key, rest := field(line)
		if string(key) != "btime" {
			continue
		}
		v, err := oneNumber(l.n, line, rest)
		return v, err == nil, err
	}
}

func parseCPULine(n int, line, key, rest []byte) (CPUTimes, error) {
	c := CPUTimes{Name: "cpu"}
	if len(key) != 3 {
		c.Name = string(key)
	}
	if len(key) > 3 {
		if _, ok := atou(key[3:]); !ok {
			return CPUTimes{}, parseErr(n, line, "bad cpu name %q", key)
		}
	}
	dst := [10]*uint64{&c.User, &c.Nice, &c.System, &c.Idle, &c.IOWait, &c.IRQ, &c.SoftIRQ, &c.Steal, &c.Guest, &c.GuestNice}
	for {
		var f []byte
		f, rest = field(rest)
		if len(f) == 0 {
			break
		}
		if c.Columns >= len(dst) {
			// a future kernel's eleventh column: ignore it.
			c.Columns++
			continue
		}
		v, ok := atou(f)
		if !ok {
			return CPUTimes{}, parseErr(n, line, "column %d: %q is not an unsigned number", c.Columns+1, f)
		}
		*dst[c.Columns] = v
		c.Columns++
	}
	if c.Columns < 4 {
		return CPUTimes{}, parseErr(n, line, "want at least 4 columns (user nice system idle), got %d", c.Columns)
	}
	if c.Columns > len(dst) {
		c.Columns = len(dst)
	}
	return c, nil
}

func oneNumber(n int, line, rest []byte) (uint64, error) {
	f, tail := field(rest)
	v, ok := atou(f)
	if !ok {
		return 0, parseErr(n, line, "%q is not an unsigned number", f)
	}
	if f2, _ := field(tail); len(f2) != 0 {
		return 0, parseErr(n, line, "want one number, found more")
	}
	return v, nil
}

// SystemStat reads and parses /proc/stat.
func (f FS) SystemStat() (SystemStat, error) {
	var st SystemStat
	err := withFile(f.file("stat"), func(b []byte) error {
		var err error
		st, err = ParseSystemStat(b)
		return err
	})
	return st, err
}

// CPU reads the line of /proc/stat named name ("cpu" for the aggregate,
// "cpuN" for one CPU). A missing line is an error matching errs.ErrNotFound.
func (f FS) CPU(name string) (CPUTimes, error) {
	var c CPUTimes
	p := f.file("stat")
	err := withFile(p, func(b []byte) error {
		var found bool
		var err error
		c, found, err = FindCPU(b, name)
		if err == nil && !found {
			err = errs.New(errs.ErrNotFound, "%s: no %q line", p, name)
		}
		return err
	})
	return c, err
}

// BootTime returns the btime line of /proc/stat (seconds since the
// epoch). A missing line is an error matching errs.ErrNotSupported.
//
// On the live system (the zero FS or one rooted at /proc) it computes the
// same value from the clocks (clockBootTime: one clock_gettime system
// call, no file to generate and parse) and reads the file only when that
// cannot be exact. An FS rooted elsewhere (fixtures, a container's proc)
// always reads its file.
func (f FS) BootTime() (uint64, error) {
	if f.root == "" || f.root == DefaultMountPoint {
		if v, ok := clockBootTime(); ok {
			return v, nil
		}
	}
	return f.fileBootTime()
}

// fileBootTime reads the btime line of the stat file under the mount
// point.
func (f FS) fileBootTime() (uint64, error) {
	var v uint64
	p := f.file("stat")
	err := withFile(p, func(b []byte) error {
		var found bool
		var err error
		v, found, err = FindBootTime(b)
		if err == nil && !found {
			err = errs.New(errs.ErrNotSupported, "%s: line 'btime' not found", p)
		}
		return err
	})
	return v, err
}
