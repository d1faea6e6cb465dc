package procfs

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
)

// InetSocket is one row of /proc/net/tcp, tcp6, udp or udp6.
type InetSocket struct {
	Local  netip.AddrPort
	Remote netip.AddrPort
	State  uint8 // TCP state number (0x0A = LISTEN); UDP uses 0x07
	Inode  uint64
}

// ParseInetSockets parses /proc/net/{tcp,tcp6,udp,udp6}: a header line,
// then "sl local rem st tx:rx tr:tm retrnsmt uid timeout inode ..." rows.
// Addresses are the kernel's 32-bit words in host byte order, printed in
// hex; this decodes them for a little-endian host.
func ParseInetSockets(data []byte) ([]InetSocket, error) {
	var out []InetSocket
	l := lines{data: data}
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		if l.n == 1 || len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var f [10][]byte
		rest := line
		for i := range f {
			f[i], rest = field(rest)
		}
		if len(f[9]) == 0 {
			return nil, parseErr(l.n, line, "want at least 10 columns")
		}
		local, ok1 := parseHexAddrPort(f[1])
		remote, ok2 := parseHexAddrPort(f[2])
		st, ok3 := parseHexByte(f[3])
		inode, ok4 := atou(f[9])
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, parseErr(l.n, line, "bad address, state or inode")
		}
		out = append(out, InetSocket{Local: local, Remote: remote, State: st, Inode: inode})
	}
	return out, nil
}

func parseHexByte(b []byte) (uint8, bool) {
	if len(b) != 2 {
		return 0, false
	}
	var v [1]byte
	if _, err := hex.Decode(v[:], b); err != nil {
		return 0, false
	}
	return v[0], true
}

func parseHexAddrPort(b []byte) (netip.AddrPort, bool) {
	colon := bytes.IndexByte(b, ':')
	if colon < 0 || len(b)-colon-1 != 4 {
		return netip.AddrPort{}, false
	}
	var pb [2]byte
	if _, err := hex.Decode(pb[:], b[colon+1:]); err != nil {
		return netip.AddrPort{}, false
	}
	port := binary.BigEndian.Uint16(pb[:])
	h := b[:colon]
	var raw [16]byte
	switch len(h) {
	case 8, 32:
	default:
		return netip.AddrPort{}, false
	}
	n, err := hex.Decode(raw[:], h)
	if err != nil {
		return netip.AddrPort{}, false
	}
	// each 32-bit word was printed in host (little-endian) order: reverse it.
	for i := 0; i < n; i += 4 {
		raw[i], raw[i+1], raw[i+2], raw[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	var a netip.Addr
	if n == 4 {
		a = netip.AddrFrom4([4]byte(raw[:4]))
	} else {
		a = netip.AddrFrom16(raw)
	}
	return netip.AddrPortFrom(a, port), true
}

// UnixSocket is one row of /proc/net/unix.
type UnixSocket struct {
	Type  int // 1 stream, 2 datagram, 5 seqpacket
	State int
	Inode uint64
	Path  string // "" for an unnamed socket; "@name" for the abstract namespace
}

// ParseUnixSockets parses /proc/net/unix: "Num RefCount Protocol Flags
// Type St Inode [Path]" rows after a header line.
func ParseUnixSockets(data []byte) ([]UnixSocket, error) {
	var out []UnixSocket
	l := lines{data: data}
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		if l.n == 1 || len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var f [7][]byte
		rest := line
		for i := range f {
			f[i], rest = field(rest)
		}
		if len(f[6]) == 0 || !bytes.HasSuffix(f[0], []byte(":")) {
			return nil, parseErr(l.n, line, "want at least 7 columns")
		}
		typ, ok1 := parseHexUint(f[4])
		st, ok2 := parseHexUint(f[5])
		inode, ok3 := atou(f[6])
		if !ok1 || !ok2 || !ok3 {
			return nil, parseErr(l.n, line, "bad type, state or inode")
		}
		out = append(out, UnixSocket{Type: int(typ), State: int(st), Inode: inode,
			Path: string(bytes.TrimLeft(rest, " \t"))})
	}
	return out, nil
}

func parseHexUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 16 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	return v, true
}

// InetSockets reads /proc/PID/net/NAME (tcp, tcp6, udp, udp6): the table
// of the network namespace pid lives in. A missing file (no IPv6) gives
// an empty list; a missing pid an error matching errs.ErrNoSuchProcess.
func (f FS) InetSockets(pid int, name string) ([]InetSocket, error) {
	var out []InetSocket
	err := f.withPidFile(pid, "net/"+name, func(b []byte) error {
		var err error
		out, err = ParseInetSockets(b)
		return err
	})
	if err != nil && f.missingFile(pid, err) {
		return nil, nil
	}
	return out, err
}

// UnixSockets reads /proc/PID/net/unix.
func (f FS) UnixSockets(pid int) ([]UnixSocket, error) {
	var out []UnixSocket
	err := f.withPidFile(pid, "net/unix", func(b []byte) error {
		var err error
		out, err = ParseUnixSockets(b)
		return err
	})
	if err != nil && f.missingFile(pid, err) {
		return nil, nil
	}
	return out, err
}
