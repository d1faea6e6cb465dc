package procfs

import "bytes"

// Meminfo holds the /proc/meminfo values cup uses, converted from kB to
// bytes. Has reports which keys the file had: a key can be absent on old
// kernels (MemAvailable appeared in 3.14).
type Meminfo struct {
	MemTotal     uint64
	MemFree      uint64
	MemAvailable uint64
	Buffers      uint64
	Cached       uint64
	SwapCached   uint64
	Active       uint64
	Inactive     uint64
	SwapTotal    uint64
	SwapFree     uint64
	Shmem        uint64
	SReclaimable uint64

	present uint32
}

// meminfoKeys lists the keys Meminfo keeps, in the order of its fields.
var meminfoKeys = [...]string{"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached",
	"Active", "Inactive", "SwapTotal", "SwapFree", "Shmem", "SReclaimable"}

func (m *Meminfo) slot(i int) *uint64 {
	switch i {
	case 0:
		return &m.MemTotal
	case 1:
		return &m.MemFree
	case 2:
		return &m.MemAvailable
	case 3:
		return &m.Buffers
	case 4:
		return &m.Cached
	case 5:
		return &m.SwapCached
	case 6:
		return &m.Active
	case 7:
		return &m.Inactive
	case 8:
		return &m.SwapTotal
	case 9:
		return &m.SwapFree
	case 10:
		return &m.Shmem
	}
	return &m.SReclaimable
}

// Has reports whether the file had key (spelled as in the file, e.g.
// "MemAvailable"). Keys Meminfo does not keep report false.
func (m Meminfo) Has(key string) bool {
	for i, k := range meminfoKeys {
		if k == key {
			return m.present&(1<<i) != 0
		}
	}
	return false
}

// ParseMeminfo parses the content of /proc/meminfo. Every line must be
// "Key: number [kB]"; keys are matched exactly ("SwapCached" is not
// "Cached", "Active(anon)" is not "Active").
func ParseMeminfo(data []byte) (Meminfo, error) {
	var m Meminfo
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
		if colon <= 0 {
			return Meminfo{}, parseErr(l.n, line, `want "Key: value [kB]"`)
		}
		key := line[:colon]
		num, rest := field(line[colon+1:])
		unit, rest := field(rest)
		if extra, _ := field(rest); len(extra) != 0 || (len(unit) != 0 && string(unit) != "kB") {
			return Meminfo{}, parseErr(l.n, line, `want "Key: value [kB]"`)
		}
		v, ok := atou(num)
		if !ok {
			return Meminfo{}, parseErr(l.n, line, "%q is not an unsigned number", num)
		}
		for i, k := range meminfoKeys {
			if string(key) == k {
				if len(unit) != 0 {
					if v > (1<<64-1)/1024 {
						return Meminfo{}, parseErr(l.n, line, "value overflows bytes")
					}
					v *= 1024
				}
				*m.slot(i) = v
				m.present |= 1 << i
				break
			}
		}
	}
	return m, nil
}

// Meminfo reads and parses /proc/meminfo.
func (f FS) Meminfo() (Meminfo, error) {
	var m Meminfo
	err := withFile(f.file("meminfo"), func(b []byte) error {
		var err error
		m, err = ParseMeminfo(b)
		return err
	})
	return m, err
}

// Swap is one swap area of /proc/swaps; sizes in bytes.
type Swap struct {
	Filename string
	Type     string // "partition" or "file"
	Size     uint64
	Used     uint64
	Priority int
}

// ParseSwaps parses /proc/swaps: a header line, then one line per area.
// The file name is everything before the last four fields, so names with
// spaces (escaped by the kernel as \040) survive either way.
func ParseSwaps(data []byte) ([]Swap, error) {
	l := lines{data: data}
	var out []Swap
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		if l.n == 1 {
			if !bytes.HasPrefix(line, []byte("Filename")) {
				return nil, parseErr(l.n, line, `want the header "Filename Type Size Used Priority"`)
			}
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		f := bytes.Fields(line)
		if len(f) < 5 {
			return nil, parseErr(l.n, line, "want 5 fields, got %d", len(f))
		}
		k := len(f) - 4
		size, ok1 := atou(f[k+1])
		used, ok2 := atou(f[k+2])
		prio, ok3 := atoi(f[k+3])
		if !ok1 || !ok2 || !ok3 || size > (1<<64-1)/1024 || used > (1<<64-1)/1024 {
			return nil, parseErr(l.n, line, "bad Size, Used or Priority")
		}
		out = append(out, Swap{Filename: string(bytes.Join(f[:k], []byte(" "))), Type: string(f[k]),
			Size: size * 1024, Used: used * 1024, Priority: int(prio)})
	}
	return out, nil
}

// Swaps reads and parses /proc/swaps. No swap configured gives an empty
// list and no error.
func (f FS) Swaps() ([]Swap, error) {
	var s []Swap
	err := withFile(f.file("swaps"), func(b []byte) error {
		var err error
		s, err = ParseSwaps(b)
		return err
	})
	return s, err
}

// VMStat holds the /proc/vmstat counters cup uses (pages, not bytes).
type VMStat struct {
	PswpIn     uint64
	PswpOut    uint64
	HasPswp    bool // both pswpin and pswpout were present
	PgFault    uint64
	PgMajFault uint64
}

// ParseVMStat parses /proc/vmstat ("key value" lines).
func ParseVMStat(data []byte) (VMStat, error) {
	var v VMStat
	l := lines{data: data}
	var in, out bool
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		if len(line) > 0 && line[0] != ' ' && line[0] != '\t' && !vmstatWanted(line) {
			// the key is the line's start, and not one cup reads:
			// skip the line without splitting it.
			continue
		}
		key, rest := field(line)
		if len(key) == 0 {
			continue
		}
		var dst *uint64
		switch string(key) {
		case "pswpin":
			dst, in = &v.PswpIn, true
		case "pswpout":
			dst, out = &v.PswpOut, true
		case "pgfault":
			dst = &v.PgFault
		case "pgmajfault":
			dst = &v.PgMajFault
		default:
			continue
		}
		n, err := oneNumber(l.n, line, rest)
		if err != nil {
			return VMStat{}, err
		}
		*dst = n
	}
	v.HasPswp = in && out
	return v, nil
}

// vmstatWanted reports whether line starts like one of the keys
// ParseVMStat reads (pswpin, pswpout, pgfault, pgmajfault).
func vmstatWanted(line []byte) bool {
	return bytes.HasPrefix(line, []byte("pswp")) || bytes.HasPrefix(line, []byte("pgfault")) ||
		bytes.HasPrefix(line, []byte("pgmajfault"))
}

// VMStat reads and parses /proc/vmstat.
func (f FS) VMStat() (VMStat, error) {
	var v VMStat
	err := withFile(f.file("vmstat"), func(b []byte) error {
		var err error
		v, err = ParseVMStat(b)
		return err
	})
	return v, err
}
