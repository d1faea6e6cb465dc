package net

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"net/netip"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/cupgo/cup/errs"
)

// Route flags of /proc/net/route (linux/route.h).
const (
	RTFUp      = 0x0001 // RTF_UP: the route is usable
	RTFGateway = 0x0002 // RTF_GATEWAY: the destination is reached through a gateway
	RTFHost    = 0x0004 // RTF_HOST: a host route (mask /32)
	RTFReject  = 0x0200 // RTF_REJECT: lookups matching this route fail
)

// Route is one row of the IPv4 main routing table as /proc/net/route
// shows it (CUP RouteInfo's row dict, with typed fields).
type Route struct {
	Iface       string     `json:"iface"`
	Destination netip.Addr `json:"destination"`
	Gateway     netip.Addr `json:"gateway"`
	Mask        netip.Addr `json:"mask"`
	Flags       uint32     `json:"flags"`
	RefCnt      int        `json:"refcnt"`
	Use         int        `json:"use"`
	Metric      int        `json:"metric"`
	MTU         int        `json:"mtu"`
	Window      int        `json:"window"`
	IRTT        int        `json:"irtt"`
}

// MaskBits returns the number of one bits in Mask and whether they are
// contiguous from the top (as every mask the kernel accepts is).
func (r Route) MaskBits() (ones int, contiguous bool) {
	m := addrUint32(r.Mask)
	ones = bits.OnesCount32(m)
	return ones, m == maskOfLen(ones)
}

// Prefix returns Destination/len(Mask), for example 192.0.2.0/24. For a
// non-contiguous mask (which the kernel never reports) the length counts
// the leading one bits only.
func (r Route) Prefix() netip.Prefix {
	n := bits.LeadingZeros32(^addrUint32(r.Mask))
	return netip.PrefixFrom(r.Destination, n)
}

// Up reports whether the route has RTF_UP.
func (r Route) Up() bool { return r.Flags&RTFUp != 0 }

// IsGateway reports whether the route goes through a gateway (RTF_GATEWAY).
func (r Route) IsGateway() bool { return r.Flags&RTFGateway != 0 }

// IsReject reports whether the route is a reject route (RTF_REJECT).
func (r Route) IsReject() bool { return r.Flags&RTFReject != 0 }

// IsDefault reports whether the route is a default route (0.0.0.0/0).
func (r Route) IsDefault() bool {
	return addrUint32(r.Mask) == 0 && addrUint32(r.Destination) == 0
}

// String renders the route the way "ip route" does, for example
// "default via 192.0.2.1 dev eth0" or "192.0.2.0/24 dev eth0 metric 100".
func (r Route) String() string {
	var b []byte
	if r.IsDefault() {
		b = append(b, "default"...)
	} else {
		b = r.Prefix().AppendTo(b)
	}
	if r.IsGateway() {
		b = append(b, " via "...)
		b = r.Gateway.AppendTo(b)
	}
	b = append(b, " dev "...)
	b = append(b, r.Iface...)
	if r.Metric != 0 {
		b = append(b, " metric "...)
		b = strconv.AppendInt(b, int64(r.Metric), 10)
	}
	return string(b)
}

// PythonView renders the route as CUP's RouteInfo.get_routes() does: the
// addresses as dotted quads, Flags as four upper-case hex digits and every
// other number as a decimal string.
func (r Route) PythonView() map[string]string {
	return map[string]string{
		"Iface":       r.Iface,
		"Destination": r.Destination.String(),
		"Gateway":     r.Gateway.String(),
		"Flags":       fmt.Sprintf("%04X", r.Flags),
		"RefCnt":      strconv.Itoa(r.RefCnt),
		"Use":         strconv.Itoa(r.Use),
		"Metric":      strconv.Itoa(r.Metric),
		"Mask":        r.Mask.String(),
		"MTU":         strconv.Itoa(r.MTU),
		"Window":      strconv.Itoa(r.Window),
		"IRTT":        strconv.Itoa(r.IRTT),
	}
}

// RouteTable is a parsed copy of /proc/net/route (CUP RouteInfo). It is a
// snapshot: read it again to see changes. A RouteTable is safe for
// concurrent reads.
type RouteTable struct {
	// Routes in file order.
	Routes []Route
	// Skipped counts lines that were neither the header, blank, nor a
	// valid route (only in lenient mode; strict mode fails on them).
	Skipped int
}

// ParseIPv4 parses a dotted-quad IPv4 address such as "10.0.5.6". Anything
// else ("bad", "1.2.3", "1.2.3.256", an IPv6 address) gives an error
// matching errs.ErrInvalidIP.
func ParseIPv4(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, errs.New(errs.ErrInvalidIP, "invalid IPv4 address %q: want a dotted quad", s)
	}
	return a, nil
}

// Lookup returns the route the kernel would use for ip in this table: among
// the routes that are up, not reject routes and whose Destination equals
// ip&Mask, the one with the longest mask; ties go to the lowest Metric,
// then to the earlier line. (CUP compared the raw little-endian integers
// and preferred the larger metric, so it could pick a /8 over a /16.)
//
// ip must be an IPv4 address (errs.ErrInvalidIP otherwise); if no route
// matches, the error matches errs.ErrNoRoute.
func (t *RouteTable) Lookup(ip netip.Addr) (Route, error) {
	if !ip.Is4() {
		return Route{}, errs.New(errs.ErrInvalidIP, "route lookup of %v: not an IPv4 address", ip)
	}
	i := t.lookup(addrUint32(ip))
	if i < 0 {
		return Route{}, errs.New(errs.ErrNoRoute, "no route to %v among %d routes", ip, len(t.Routes))
	}
	return t.Routes[i], nil
}

// lookup returns the index of the best route for v (a big-endian address),
// or -1.
func (t *RouteTable) lookup(v uint32) int {
	best, bestOnes, bestMetric := -1, -1, 0
	for i := range t.Routes {
		r := &t.Routes[i]
		if r.Flags&RTFUp == 0 || r.Flags&RTFReject != 0 {
			continue
		}
		m := addrUint32(r.Mask)
		if v&m != addrUint32(r.Destination)&m {
			continue
		}
		ones := bits.OnesCount32(m)
		if ones > bestOnes || (ones == bestOnes && r.Metric < bestMetric) {
			best, bestOnes, bestMetric = i, ones, r.Metric
		}
	}
	return best
}

// InterfaceFor returns the interface of the route Lookup picks for ip
// (CUP RouteInfo.get_interface_by_ip). /proc/net/route shows the main
// table only, not the local one, so on most hosts 127.0.0.1 maps to the
// default route's interface rather than to lo (CUP's own test expected lo,
// which holds only where the main table has a 127/8 route).
func (t *RouteTable) InterfaceFor(ip netip.Addr) (string, error) {
	r, err := t.Lookup(ip)
	if err != nil {
		return "", err
	}
	return r.Iface, nil
}

// Interfaces returns the names of the interfaces that appear in the table,
// sorted and without duplicates (CUP RouteInfo.get_interfaces, which gave
// them in no order).
func (t *RouteTable) Interfaces() []string {
	out := make([]string, 0, 4)
	for _, r := range t.Routes {
		out = append(out, r.Iface)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ByInterface returns the routes whose interface is name, in file order.
func (t *RouteTable) ByInterface(name string) []Route {
	var out []Route
	for _, r := range t.Routes {
		if r.Iface == name {
			out = append(out, r)
		}
	}
	return out
}

// DefaultRoute returns the usable default route (0.0.0.0/0, up, not
// reject) with the lowest metric; its Gateway is the default gateway. The
// error matches errs.ErrNoRoute if the table has none.
func (t *RouteTable) DefaultRoute() (Route, error) {
	best := -1
	for i, r := range t.Routes {
		if !r.IsDefault() || !r.Up() || r.IsReject() {
			continue
		}
		if best < 0 || r.Metric < t.Routes[best].Metric {
			best = i
		}
	}
	if best < 0 {
		return Route{}, errs.New(errs.ErrNoRoute, "no default route in %d routes", len(t.Routes))
	}
	return t.Routes[best], nil
}

// FS reads network state below a proc and a sys root, so the same code
// runs on the live system and on fixture trees in tests. The zero value
// reads /proc and /sys.
type FS struct {
	// ProcRoot is the procfs mount point; "" means "/proc".
	ProcRoot string
	// SysRoot is the sysfs mount point; "" means "/sys".
	SysRoot string
}

func (fs FS) proc(elem ...string) string {
	root := fs.ProcRoot
	if root == "" {
		root = "/proc"
	}
	return filepath.Join(append([]string{root}, elem...)...)
}

func (fs FS) sys(elem ...string) string {
	root := fs.SysRoot
	if root == "" {
		root = "/sys"
	}
	return filepath.Join(append([]string{root}, elem...)...)
}

// RouteTable reads and parses ProcRoot/net/route leniently (malformed
// lines are counted in Skipped).
func (fs FS) RouteTable() (*RouteTable, error) {
	name := fs.proc("net", "route")
	bp := routeBufPool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledRouteBuf {
			routeBufPool.Put(bp)
		}
	}()
	data, err := readProcFile(name, (*bp)[:0])
	*bp = data[:0]
	if err != nil {
		return nil, errs.New(errs.ErrIO, "read routes: %w", err)
	}
	return RouteParser{File: name}.parseBytes(data)
}

// Buffers for reading the route file: one read per call, no per-call
// garbage in the common case.
var routeBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

const (
	maxPooledRouteBuf = 1 << 20   // larger buffers are left to the GC
	maxRouteFile      = 256 << 20 // two million routes; more is refused
)

// ReadRouteTable reads /proc/net/route (CUP RouteInfo()). On systems
// without it the error matches errs.ErrNotSupported.
func ReadRouteTable() (*RouteTable, error) {
	if runtime.GOOS != "linux" {
		return nil, errs.New(errs.ErrNotSupported, "routing table: /proc/net/route is Linux-only")
	}
	return FS{}.RouteTable()
}

// ParseRouteTable parses text in the format of /proc/net/route leniently:
// the header, blank lines and malformed lines are skipped, the latter
// counted in Skipped, as CUP did. Only read errors and lines longer than
// 64 KiB fail.
func ParseRouteTable(r io.Reader) (*RouteTable, error) { return RouteParser{}.Parse(r) }

// RouteParser parses /proc/net/route text. The zero value is lenient and
// names no file in its errors.
type RouteParser struct {
	// File names the input in errors ("" for an anonymous reader).
	File string
	// Strict makes a malformed line an error (a *errs.ParseError wrapping
	// errs.ErrBadRouteLine) instead of being skipped.
	Strict bool
}

// maxRouteLine bounds one line of the route file; the kernel writes 128
// bytes per line.
const maxRouteLine = 64 << 10

// Parse reads r to the end and returns its routes. Errors are
// *errs.ParseError values carrying File and the 1-based line number.
func (p RouteParser) Parse(r io.Reader) (*RouteTable, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxRouteLine)
	t := &RouteTable{}
	line := 0
	for sc.Scan() {
		line++
		if err := p.addLine(t, sc.Bytes(), line); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &errs.ParseError{File: p.File, Line: line + 1, Msg: "read routes", Err: err}
	}
	return t, nil
}

// parseBytes parses a whole file held in memory.
func (p RouteParser) parseBytes(data []byte) (*RouteTable, error) {
	t := &RouteTable{Routes: make([]Route, 0, bytes.Count(data, []byte{'\n'}))}
	for line := 1; len(data) > 0; line++ {
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		if len(l) > maxRouteLine {
			return nil, &errs.ParseError{File: p.File, Line: line, Msg: "read routes", Err: bufio.ErrTooLong}
		}
		if err := p.addLine(t, l, line); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// addLine parses one line into t: the header and blank lines are ignored,
// a malformed line is counted or, in strict mode, returned as an error.
func (p RouteParser) addLine(t *RouteTable, b []byte, line int) error {
	if len(bytes.TrimSpace(b)) == 0 || bytes.HasPrefix(b, []byte("Iface\t")) {
		return nil
	}
	prev := ""
	if n := len(t.Routes); n > 0 {
		prev = t.Routes[n-1].Iface
	}
	rt, msg, ok := parseRouteLine(b, prev)
	if !ok {
		if p.Strict {
			return &errs.ParseError{File: p.File, Line: line, Text: string(b), Msg: msg, Err: errs.ErrBadRouteLine}
		}
		t.Skipped++
		return nil
	}
	t.Routes = append(t.Routes, rt)
	return nil
}

// parseRouteLine parses one data line. On failure it says why. If the
// interface name equals prev, prev's string is reused.
func parseRouteLine(b []byte, prev string) (r Route, msg string, ok bool) {
	var f [11][]byte
	n := 0
	for n < len(f) {
		i := bytes.IndexByte(b, '\t')
		if i < 0 {
			f[n] = b
			n++
			b = nil
			break
		}
		f[n] = b[:i]
		n++
		b = b[i+1:]
	}
	if n != len(f) || b != nil {
		return r, "want 11 tab-separated fields", false
	}
	for i := range f {
		f[i] = bytes.TrimSpace(f[i])
	}
	if len(f[0]) == 0 {
		return r, "empty interface name", false
	}
	var err error
	if r.Destination, err = parseHexAddr(f[1]); err != nil {
		return r, "bad Destination", false
	}
	if r.Gateway, err = parseHexAddr(f[2]); err != nil {
		return r, "bad Gateway", false
	}
	flags, err := parseHex32(f[3])
	if err != nil {
		return r, "bad Flags", false
	}
	r.Flags = flags
	if r.Mask, err = parseHexAddr(f[7]); err != nil {
		return r, "bad Mask", false
	}
	ints := [...]struct {
		dst  *int
		name string
		b    []byte
	}{{&r.RefCnt, "RefCnt", f[4]}, {&r.Use, "Use", f[5]}, {&r.Metric, "Metric", f[6]},
		{&r.MTU, "MTU", f[8]}, {&r.Window, "Window", f[9]}, {&r.IRTT, "IRTT", f[10]}}
	for _, x := range ints {
		v, ok := parseDec(x.b)
		if !ok {
			return r, "bad " + x.name, false
		}
		*x.dst = v
	}
	if string(f[0]) == prev {
		r.Iface = prev
	} else {
		r.Iface = string(f[0])
	}
	return r, "", true
}

// parseHex32 parses 1 to 8 hex digits without allocating.
func parseHex32(b []byte) (uint32, error) {
	if len(b) == 0 || len(b) > 8 {
		return 0, errs.ErrBadRouteLine
	}
	var v uint32
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
			return 0, errs.ErrBadRouteLine
		}
		v = v<<4 | uint32(d)
	}
	return v, nil
}

// parseHexAddr decodes the kernel's "%08X" of a __be32: the printed value
// is the address's bytes read as a host-order integer, so the bytes are
// recovered by storing it back in native byte order.
func parseHexAddr(b []byte) (netip.Addr, error) {
	v, err := parseHex32(b)
	if err != nil {
		return netip.Addr{}, err
	}
	var a [4]byte
	binary.NativeEndian.PutUint32(a[:], v)
	return netip.AddrFrom4(a), nil
}

// parseDec parses an optionally negative decimal int of at most 18 digits
// without allocating.
func parseDec(b []byte) (int, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// addrUint32 returns an IPv4 address as a big-endian integer (0 for
// anything else).
func addrUint32(a netip.Addr) uint32 {
	if !a.Is4() {
		return 0
	}
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

// maskOfLen returns the big-endian mask of n leading ones.
func maskOfLen(n int) uint32 {
	if n <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - n)
}

// DefaultGateway returns the gateway and interface of the live default
// route (the one with the lowest metric). The error matches
// errs.ErrNoRoute if there is none.
func DefaultGateway() (gateway netip.Addr, iface string, err error) {
	rt, err := ReadRouteTable()
	if err != nil {
		return netip.Addr{}, "", err
	}
	r, err := rt.DefaultRoute()
	if err != nil {
		return netip.Addr{}, "", err
	}
	return r.Gateway, r.Iface, nil
}
