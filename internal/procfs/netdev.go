package procfs

import (
	"bytes"
	"math"
	"strconv"
)

// NetDev is one interface line of /proc/net/dev.
type NetDev struct {
	Name         string
	RxBytes      uint64
	RxPackets    uint64
	RxErrs       uint64
	RxDrop       uint64
	RxFIFO       uint64
	RxFrame      uint64
	RxCompressed uint64
	RxMulticast  uint64
	TxBytes      uint64
	TxPackets    uint64
	TxErrs       uint64
	TxDrop       uint64
	TxFIFO       uint64
	TxColls      uint64
	TxCarrier    uint64
	TxCompressed uint64
}

// ParseNetDev parses /proc/net/dev: two header lines, then
// "name: 16 numbers" per interface. The name is the text before the last
// colon, trimmed (interface names may themselves hold a colon, as alias
// names like "eth0:1" do).
func ParseNetDev(data []byte) ([]NetDev, error) {
	l := lines{data: data}
	var out []NetDev
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		if l.n <= 2 {
			if !bytes.Contains(line, []byte("|")) {
				return nil, parseErr(l.n, line, "want a header line with '|'")
			}
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		d, err := parseNetDevLine(l.n, line, "")
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// FindNetDev returns the line of /proc/net/dev for exactly name.
func FindNetDev(data []byte, name string) (NetDev, bool, error) {
	l := lines{data: data}
	for {
		line, ok := l.next()
		if !ok {
			return NetDev{}, false, nil
		}
		if l.n <= 2 {
			continue
		}
		c := bytes.LastIndexByte(line, ':')
		if c < 0 || string(bytes.TrimSpace(line[:c])) != name {
			continue
		}
		d, err := parseNetDevLine(l.n, line, name)
		return d, err == nil, err
	}
}

func parseNetDevLine(n int, line []byte, name string) (NetDev, error) {
	c := bytes.LastIndexByte(line, ':')
	if c < 0 {
		return NetDev{}, parseErr(n, line, `want "name: counters"`)
	}
	nm := bytes.TrimSpace(line[:c])
	if len(nm) == 0 {
		return NetDev{}, parseErr(n, line, "empty interface name")
	}
	d := NetDev{Name: name}
	if name == "" {
		d.Name = string(nm)
	}
	dst := [16]*uint64{&d.RxBytes, &d.RxPackets, &d.RxErrs, &d.RxDrop, &d.RxFIFO, &d.RxFrame, &d.RxCompressed, &d.RxMulticast,
		&d.TxBytes, &d.TxPackets, &d.TxErrs, &d.TxDrop, &d.TxFIFO, &d.TxColls, &d.TxCarrier, &d.TxCompressed}
	rest := line[c+1:]
	for i := 0; ; i++ {
		var f []byte
		f, rest = field(rest)
		if len(f) == 0 {
			if i != len(dst) {
				return NetDev{}, parseErr(n, line, "want 16 counters, got %d", i)
			}
			return d, nil
		}
		if i == len(dst) {
			return NetDev{}, parseErr(n, line, "want 16 counters, got more")
		}
		v, ok := atou(f)
		if !ok {
			return NetDev{}, parseErr(n, line, "counter %d: %q is not an unsigned number", i+1, f)
		}
		*dst[i] = v
	}
}

// NetDev reads and parses /proc/net/dev.
func (f FS) NetDev() ([]NetDev, error) {
	var out []NetDev
	err := withFile(f.file("net/dev"), func(b []byte) error {
		var err error
		out, err = ParseNetDev(b)
		return err
	})
	return out, err
}

// NetDevByName reads the /proc/net/dev line of one interface; found is
// false when the interface is not listed.
func (f FS) NetDevByName(name string) (d NetDev, found bool, err error) {
	err = withFile(f.file("net/dev"), func(b []byte) error {
		var err error
		d, found, err = FindNetDev(b, name)
		return err
	})
	return d, found, err
}

// LoadAvg is /proc/loadavg.
type LoadAvg struct {
	Load1, Load5, Load15 float64
	Running, Total       int // runnable and total scheduling entities
	LastPID              int
}

// ParseLoadAvg parses /proc/loadavg ("0.00 0.01 0.05 1/123 4567").
func ParseLoadAvg(data []byte) (LoadAvg, error) {
	var a LoadAvg
	line := bytes.TrimRight(data, "\n")
	f := bytes.Fields(line)
	if len(f) != 5 {
		return a, parseErr(1, line, "want 5 fields, got %d", len(f))
	}
	var err error
	for i, dst := range []*float64{&a.Load1, &a.Load5, &a.Load15} {
		if *dst, err = strconv.ParseFloat(string(f[i]), 64); err != nil || !(*dst >= 0) || math.IsInf(*dst, 0) {
			return LoadAvg{}, parseErr(1, line, "field %d: %q is not a load average", i+1, f[i])
		}
	}
	slash := bytes.IndexByte(f[3], '/')
	if slash < 0 {
		return LoadAvg{}, parseErr(1, line, "field 4: want running/total")
	}
	r, ok1 := atoi(f[3][:slash])
	t, ok2 := atoi(f[3][slash+1:])
	p, ok3 := atoi(f[4])
	if !ok1 || !ok2 || !ok3 {
		return LoadAvg{}, parseErr(1, line, "bad running/total or last pid")
	}
	a.Running, a.Total, a.LastPID = int(r), int(t), int(p)
	return a, nil
}

// LoadAvg reads and parses /proc/loadavg.
func (f FS) LoadAvg() (LoadAvg, error) {
	var a LoadAvg
	err := withFile(f.file("loadavg"), func(b []byte) error {
		var err error
		a, err = ParseLoadAvg(b)
		return err
	})
	return a, err
}

// Uptime reads /proc/uptime: seconds since boot and idle seconds summed
// over CPUs.
func (f FS) Uptime() (up, idle float64, err error) {
	err = withFile(f.file("uptime"), func(b []byte) error {
		line := bytes.TrimRight(b, "\n")
		fs := bytes.Fields(line)
		if len(fs) != 2 {
			return parseErr(1, line, "want 2 fields, got %d", len(fs))
		}
		var e1, e2 error
		up, e1 = strconv.ParseFloat(string(fs[0]), 64)
		idle, e2 = strconv.ParseFloat(string(fs[1]), 64)
		if e1 != nil || e2 != nil {
			return parseErr(1, line, "want two decimal numbers")
		}
		return nil
	})
	return up, idle, err
}
