package procfs

import "bytes"

// ProcStatus holds the /proc/PID/status lines cup uses. Has reports which
// of them the file had.
type ProcStatus struct {
	Name                     string // "Name:", escaped by the kernel (\n, \\)
	State                    byte   // first letter of "State:"
	PPID                     int
	UIDs                     [4]int // real, effective, saved, filesystem
	GIDs                     [4]int
	Threads                  int
	VoluntaryCtxtSwitches    int64
	NonvoluntaryCtxtSwitches int64
	VmRSS                    uint64 // bytes
	VmSize                   uint64 // bytes

	present uint16
}

// Keys of ProcStatus.Has.
const (
	statusName = 1 << iota
	statusState
	statusPPid
	statusUid
	statusGid
	statusThreads
	statusVol
	statusNonvol
	statusVmRSS
	statusVmSize
)

var statusKeys = map[string]uint16{
	"Name": statusName, "State": statusState, "PPid": statusPPid, "Uid": statusUid, "Gid": statusGid,
	"Threads": statusThreads, "voluntary_ctxt_switches": statusVol, "nonvoluntary_ctxt_switches": statusNonvol,
	"VmRSS": statusVmRSS, "VmSize": statusVmSize,
}

// Has reports whether the file had the line key ("PPid",
// "voluntary_ctxt_switches", ...); keys ProcStatus does not keep report false.
func (s ProcStatus) Has(key string) bool {
	b, ok := statusKeys[key]
	return ok && s.present&b != 0
}

// ParseStatus parses the content of /proc/PID/status. Lines it does not
// keep are skipped; the ones it keeps must be well formed.
func ParseStatus(data []byte) (ProcStatus, error) {
	var s ProcStatus
	l := lines{data: data}
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			return ProcStatus{}, parseErr(l.n, line, `want "Key:\tvalue"`)
		}
		key, val := line[:colon], line[colon+1:]
		var bit uint16
		switch string(key) {
		case "Name":
			bit = statusName
			s.Name = string(bytes.TrimLeft(val, " \t"))
		case "State":
			bit = statusState
			f, _ := field(val)
			if len(f) != 1 {
				return ProcStatus{}, parseErr(l.n, line, "bad state")
			}
			s.State = f[0]
		case "PPid", "Threads":
			f, rest := field(val)
			v, ok := atoi(f)
			if x, _ := field(rest); !ok || len(x) != 0 || v < 0 {
				return ProcStatus{}, parseErr(l.n, line, "want one number")
			}
			if key[0] == 'P' {
				bit, s.PPID = statusPPid, int(v)
			} else {
				bit, s.Threads = statusThreads, int(v)
			}
		case "Uid", "Gid":
			dst := &s.UIDs
			bit = statusUid
			if key[0] == 'G' {
				dst, bit = &s.GIDs, statusGid
			}
			rest := val
			for i := range 4 {
				var f []byte
				f, rest = field(rest)
				v, ok := atoi(f)
				if !ok {
					return ProcStatus{}, parseErr(l.n, line, "want 4 ids")
				}
				dst[i] = int(v)
			}
		case "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches":
			f, _ := field(val)
			v, ok := atoi(f)
			if !ok {
				return ProcStatus{}, parseErr(l.n, line, "want one number")
			}
			if key[0] == 'v' {
				bit, s.VoluntaryCtxtSwitches = statusVol, v
			} else {
				bit, s.NonvoluntaryCtxtSwitches = statusNonvol, v
			}
		case "VmRSS", "VmSize":
			num, rest := field(val)
			unit, _ := field(rest)
			v, ok := atou(num)
			if !ok || string(unit) != "kB" || v > (1<<64-1)/1024 {
				return ProcStatus{}, parseErr(l.n, line, `want "N kB"`)
			}
			if key[2] == 'R' {
				bit, s.VmRSS = statusVmRSS, v*1024
			} else {
				bit, s.VmSize = statusVmSize, v*1024
			}
		default:
			continue
		}
		s.present |= bit
	}
	return s, nil
}

// Status reads and parses /proc/PID/status.
func (f FS) Status(pid int) (ProcStatus, error) {
	var s ProcStatus
	err := f.withPidFile(pid, "status", func(b []byte) error {
		var err error
		s, err = ParseStatus(b)
		return err
	})
	return s, err
}

// ProcIO is /proc/PID/io. Has tells which keys were present.
type ProcIO struct {
	RChar, WChar          uint64
	SyscR, SyscW          uint64
	ReadBytes, WriteBytes uint64
	CancelledWriteBytes   uint64
	present               uint8
}

var ioKeys = [...]string{"rchar", "wchar", "syscr", "syscw", "read_bytes", "write_bytes", "cancelled_write_bytes"}

// Has reports whether the file had key ("syscr", "read_bytes", ...).
func (p ProcIO) Has(key string) bool {
	for i, k := range ioKeys {
		if k == key {
			return p.present&(1<<i) != 0
		}
	}
	return false
}

// ParseIO parses /proc/PID/io ("key: value" lines).
func ParseIO(data []byte) (ProcIO, error) {
	var p ProcIO
	dst := [...]*uint64{&p.RChar, &p.WChar, &p.SyscR, &p.SyscW, &p.ReadBytes, &p.WriteBytes, &p.CancelledWriteBytes}
	l := lines{data: data}
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return ProcIO{}, parseErr(l.n, line, `want "key: value"`)
		}
		for i, k := range ioKeys {
			if string(line[:colon]) == k {
				v, err := oneNumber(l.n, line, line[colon+1:])
				if err != nil {
					return ProcIO{}, err
				}
				*dst[i] = v
				p.present |= 1 << i
			}
		}
	}
	return p, nil
}

// IO reads and parses /proc/PID/io (readable only by the owner or root).
func (f FS) IO(pid int) (ProcIO, error) {
	var p ProcIO
	err := f.withPidFile(pid, "io", func(b []byte) error {
		var err error
		p, err = ParseIO(b)
		return err
	})
	return p, err
}

// Statm is /proc/PID/statm, in pages.
type Statm struct {
	Size, Resident, Shared, Text, Lib, Data, Dirty uint64
}

// ParseStatm parses /proc/PID/statm (seven numbers on one line).
func ParseStatm(data []byte) (Statm, error) {
	var s Statm
	line := bytes.TrimRight(data, "\n")
	dst := [...]*uint64{&s.Size, &s.Resident, &s.Shared, &s.Text, &s.Lib, &s.Data, &s.Dirty}
	rest := line
	for i := range dst {
		var f []byte
		f, rest = field(rest)
		v, ok := atou(f)
		if !ok {
			return Statm{}, parseErr(1, line, "field %d: want an unsigned number, got %q", i+1, f)
		}
		*dst[i] = v
	}
	if f, _ := field(rest); len(f) != 0 || bytes.IndexByte(line, '\n') >= 0 {
		return Statm{}, parseErr(1, line, "want 7 fields, got more")
	}
	return s, nil
}

// Statm reads and parses /proc/PID/statm.
func (f FS) Statm(pid int) (Statm, error) {
	var s Statm
	err := f.withPidFile(pid, "statm", func(b []byte) error {
		var err error
		s, err = ParseStatm(b)
		return err
	})
	return s, err
}
