package procfs

import "bytes"

// Mapping is one mapping of /proc/PID/smaps with its amounts in bytes.
type Mapping struct {
	Addr         string // "start-end", hexadecimal
	Perms        string // "r-xp"
	Path         string // "" for an anonymous mapping
	Size         uint64
	RSS          uint64
	PSS          uint64
	SharedClean  uint64
	SharedDirty  uint64
	PrivateClean uint64
	PrivateDirty uint64
	Referenced   uint64
	Anonymous    uint64
	Swap         uint64
}

// ParseSmaps parses /proc/PID/smaps: a header line per mapping
// ("addr perms offset dev inode [path]") followed by "Key: N kB" lines.
// Amount keys cup does not keep and "VmFlags:" are skipped; any other
// line is an error naming it.
func ParseSmaps(data []byte) ([]Mapping, error) {
	var out []Mapping
	l := lines{data: data}
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		if len(line) == 0 {
			continue
		}
		key, rest := field(line)
		if len(key) > 1 && key[len(key)-1] == ':' {
			if len(out) == 0 {
				return nil, parseErr(l.n, line, "amount before the first mapping header")
			}
			k := key[:len(key)-1]
			if string(k) == "VmFlags" || string(k) == "THPeligible" || string(k) == "ProtectionKey" {
				continue
			}
			num, rest := field(rest)
			unit, rest := field(rest)
			v, ok := atou(num)
			if extra, _ := field(rest); !ok || string(unit) != "kB" || len(extra) != 0 || v > (1<<64-1)/1024 {
				return nil, parseErr(l.n, line, `want "Key: N kB"`)
			}
			v *= 1024
			m := &out[len(out)-1]
			switch string(k) {
			case "Size":
				m.Size = v
			case "Rss":
				m.RSS = v
			case "Pss":
				m.PSS = v
			case "Shared_Clean":
				m.SharedClean = v
			case "Shared_Dirty":
				m.SharedDirty = v
			case "Private_Clean":
				m.PrivateClean = v
			case "Private_Dirty":
				m.PrivateDirty = v
			case "Referenced":
				m.Referenced = v
			case "Anonymous":
				m.Anonymous = v
			case "Swap":
				m.Swap = v
			}
			continue
		}
		m, err := parseMapHeader(l.n, line)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func parseMapHeader(n int, line []byte) (Mapping, error) {
	addr, rest := field(line)
	perms, rest := field(rest)
	off, rest := field(rest)
	dev, rest := field(rest)
	inode, rest := field(rest)
	dash := bytes.IndexByte(addr, '-')
	if dash <= 0 || dash == len(addr)-1 || !isHex(addr[:dash]) || !isHex(addr[dash+1:]) ||
		len(perms) != 4 || !isHex(off) || bytes.IndexByte(dev, ':') < 0 {
		return Mapping{}, parseErr(n, line, `want "addr perms offset dev inode [path]"`)
	}
	if _, ok := atou(inode); !ok {
		return Mapping{}, parseErr(n, line, "bad inode %q", inode)
	}
	// The path is the rest after the padding; it may contain spaces.
	path := bytes.TrimLeft(rest, " \t")
	return Mapping{Addr: string(addr), Perms: string(perms), Path: string(path)}, nil
}

func isHex(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Smaps reads and parses /proc/PID/smaps.
func (f FS) Smaps(pid int) ([]Mapping, error) {
	var out []Mapping
	err := f.withPidFile(pid, "smaps", func(b []byte) error {
		var err error
		out, err = ParseSmaps(b)
		return err
	})
	return out, err
}
