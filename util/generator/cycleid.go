package generator

import (
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
)

// ID is a 128-bit id: Hi holds bits 64-127, Lo bits 0-63.
type ID struct{ Hi, Lo uint64 }

// Hex returns the id in lowercase hex without prefix or leading zeros (the
// newest CUP's id2_hexstring). The zero id is "0".
func (id ID) Hex() string {
	var buf [32]byte
	return string(id.AppendHex(buf[:0]))
}

// AppendHex appends Hex() to b and returns the extended slice.
func (id ID) AppendHex(b []byte) []byte {
	const digits = "0123456789abcdef"
	var buf [32]byte
	for i := 0; i < 16; i++ {
		buf[15-i] = digits[(id.Hi>>(4*i))&0xf]
		buf[31-i] = digits[(id.Lo>>(4*i))&0xf]
	}
	start := 0
	for start < 31 && buf[start] == '0' {
		start++
	}
	return append(b, buf[start:]...)
}

// Hex0x returns "0x" + Hex() (CUP 3.2.7's id2_hexstring).
func (id ID) Hex0x() string {
	var buf [34]byte
	return string(id.AppendHex(append(buf[:0], "0x"...)))
}

// String returns Hex0x.
func (id ID) String() string { return id.Hex0x() }

// ParseHexID parses up to 32 hex digits, with an optional 0x or 0X prefix
// (and a Python 2 "L" suffix). Anything else is an error wrapping
// errs.ErrInvalidArgument.
func ParseHexID(s string) (ID, error) {
	h := strings.TrimSuffix(s, "L")
	if len(h) >= 2 && h[0] == '0' && (h[1] == 'x' || h[1] == 'X') {
		h = h[2:]
	}
	if h == "" || len(h) > 32 {
		return ID{}, errs.New(errs.ErrInvalidArgument, "generator: %q is not a 128-bit hex id", s)
	}
	var id ID
	split := max(len(h)-16, 0)
	if split > 0 {
		hi, err := strconv.ParseUint(h[:split], 16, 64)
		if err != nil {
			return ID{}, errs.New(errs.ErrInvalidArgument, "generator: %q is not a 128-bit hex id", s)
		}
		id.Hi = hi
	}
	lo, err := strconv.ParseUint(h[split:], 16, 64)
	if err != nil {
		return ID{}, errs.New(errs.ErrInvalidArgument, "generator: %q is not a 128-bit hex id", s)
	}
	id.Lo = lo
	return id, nil
}

// IPPort decodes the address and port of an id in the CUP 3.2.7 layout.
func (id ID) IPPort() (netip.Addr, uint16) {
	ip, port, _ := Layout327.Decode(id)
	return ip, port
}

// Layout is a way of packing an IPv4 address, a port and a counter into an
// ID.
type Layout int

const (
	// Layout327 is CUP 3.2.7's layout: Hi = ip<<32 | port, Lo = counter,
	// counter at most 1<<63.
	Layout327 Layout = iota
	// LayoutNewest is the newest CUP's layout: Hi = ip<<32 | port<<16 |
	// counter>>64, Lo = counter & (1<<64-1), counter at most 1<<79.
	LayoutNewest
)

// MaxCounter returns the largest counter value of the layout, as an ID
// (Hi holds the bits above 64). Counters wrap to 0 after issuing it.
func (l Layout) MaxCounter() ID {
	if l == LayoutNewest {
		return ID{Hi: 1 << 15}
	}
	return ID{Lo: 1 << 63}
}

func ip4(ip netip.Addr) (uint64, error) {
	if !ip.Is4() {
		return 0, errs.New(errs.ErrInvalidArgument, "generator: %v is not an IPv4 address", ip)
	}
	b := ip.As4()
	return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3]), nil
}

// Make packs ip, port and counter into an ID. ip must be IPv4 and counter
// at most MaxCounter, else the error wraps errs.ErrInvalidArgument.
func (l Layout) Make(ip netip.Addr, port uint16, counter ID) (ID, error) {
	v, err := ip4(ip)
	if err != nil {
		return ID{}, err
	}
	if m := l.MaxCounter(); counter.Hi > m.Hi || (counter.Hi == m.Hi && counter.Lo > m.Lo) {
		return ID{}, errs.New(errs.ErrInvalidArgument, "generator: counter %s above the layout maximum %s", counter.Hex0x(), m.Hex0x())
	}
	return l.make(v<<32, port, counter), nil
}

func (l Layout) make(ipHi uint64, port uint16, counter ID) ID {
	if l == LayoutNewest {
		return ID{Hi: ipHi | uint64(port)<<16 | counter.Hi, Lo: counter.Lo}
	}
	return ID{Hi: ipHi | uint64(port), Lo: counter.Lo}
}

// Decode unpacks an ID made with this layout.
func (l Layout) Decode(id ID) (ip netip.Addr, port uint16, counter ID) {
	v := uint32(id.Hi >> 32)
	ip = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	if l == LayoutNewest {
		return ip, uint16(id.Hi >> 16), ID{Hi: id.Hi & 0xffff, Lo: id.Lo}
	}
	return ip, uint16(id.Hi), ID{Lo: id.Lo}
}

// CycleOption configures NewCycleID.
type CycleOption func(*cycleConfig)

type cycleConfig struct {
	start    uint64
	hasStart bool
	layout   Layout
}

// WithStart sets the first counter value (default: the current Unix time in
// seconds, as CUP).
func WithStart(n uint64) CycleOption {
	return func(c *cycleConfig) { c.start, c.hasStart = n, true }
}

// WithNewestLayout selects LayoutNewest instead of Layout327.
func WithNewestLayout() CycleOption {
	return func(c *cycleConfig) { c.layout = LayoutNewest }
}

// CycleID issues ids of one address and port with an incrementing counter
// that wraps to 0 after the layout's maximum (CUP CycleIDGenerator). It is
// safe for concurrent use.
type CycleID struct {
	layout Layout
	ipHi   uint64
	port   uint16
	max    ID

	mu   sync.Mutex
	next ID // the next counter value
}

// NewCycleID returns a CycleID for ip (IPv4 only) and port. Any other
// address is an error wrapping errs.ErrInvalidArgument.
func NewCycleID(ip netip.Addr, port uint16, opts ...CycleOption) (*CycleID, error) {
	var cfg cycleConfig
	for _, o := range opts {
		o(&cfg)
	}
	v, err := ip4(ip.Unmap())
	if err != nil {
		return nil, err
	}
	if !cfg.hasStart {
		cfg.start = uint64(time.Now().Unix())
	}
	c := &CycleID{layout: cfg.layout, ipHi: v << 32, port: port, max: cfg.layout.MaxCounter()}
	if !c.Reset(cfg.start) {
		return nil, errs.New(errs.ErrInvalidArgument, "generator: start %d above the layout maximum", cfg.start)
	}
	return c, nil
}

// Layout returns the layout the ids are made with.
func (c *CycleID) Layout() Layout { return c.layout }

// Next returns the next id.
func (c *CycleID) Next() ID {
	c.mu.Lock()
	cur := c.next
	if cur == c.max {
		c.next = ID{}
	} else if c.next.Lo++; c.next.Lo == 0 {
		c.next.Hi++
	}
	c.mu.Unlock()
	return c.layout.make(c.ipHi, c.port, cur)
}

// Reset makes next the counter of the next id. It reports false, changing
// nothing, when next is above the layout's maximum (1<<63 for Layout327).
func (c *CycleID) Reset(next uint64) bool {
	if c.max.Hi == 0 && next > c.max.Lo {
		return false
	}
	c.mu.Lock()
	c.next = ID{Lo: next}
	c.mu.Unlock()
	return true
}
