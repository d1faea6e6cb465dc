package netasync

import (
	"fmt"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/util/generator"
)

// Magic is the 8-byte head of the first frame written in each direction
// of a connection (CUP MSG_HEAD "CUP012-3").
const Magic = "CUP012-3"

// Header sizes and the default body limit.
const (
	HeaderSizeFirst = 72       // header of the first frame, magic included
	HeaderSize      = 64       // header of every later frame
	DefaultMaxBody  = 64 << 20 // default Config.MaxBodySize and NewDecoder limit
)

// Flag is the uint32 flag bit set of a message (CUP FLAG_*). On receive,
// any value is accepted.
type Flag uint32

// Flag bits.
const (
	FlagUrgent  Flag = 0x1 // sent before queued non-urgent messages
	FlagNormal  Flag = 0x2 // default for every message built for sending
	FlagNeedAck Flag = 0x4 // the sender waits for an acknowledgement
	FlagAck     Flag = 0x8 // the message acknowledges a need-ack message
)

// Has reports whether every bit of x is set in f.
func (f Flag) Has(x Flag) bool { return f&x == x }

// MsgType is a message type (CUP MSG_TYPE2NUM). Users use values up to
// 65535; larger ones are reserved for the system. The center never looks
// at types.
type MsgType uint32

// Built-in types of CUP's registry.
const (
	TypeHeartBeat       MsgType = 1
	TypeResourceAcquire MsgType = 2
	TypeResourceRelease MsgType = 3
	TypeAckOK           MsgType = 4
	TypeAckFailure      MsgType = 5
	TypeAckHeartBeat    MsgType = 6
	TypeAckCreate       MsgType = 7
	TypeNeedAck         MsgType = 8
	TypeSysAck          MsgType = 65536
)

// UniqID is the 128-bit message id; on the wire Lo comes first, then Hi,
// both little-endian. It is generator.ID, so CUP's CycleIDGenerator layout
// (generator.Layout327) builds and decodes it.
type UniqID = generator.ID

// NewIDGenerator returns a generator of ids in CUP 3.2.7's
// CycleIDGenerator layout for ip:port, the counter starting at the current
// Unix time. ip must be IPv4.
func NewIDGenerator(ip netip.Addr, port uint16) (*generator.CycleID, error) {
	return generator.NewCycleID(ip, port)
}

// Addr is a packed message address: an IPv4 listening address plus two
// free 16-bit application values (CUP's ((ip, port), (stub, future))).
type Addr struct {
	IP     netip.Addr // must be IPv4 (an IPv4-mapped IPv6 address is unmapped)
	Port   uint16
	Stub   uint16
	Future uint16
}

// AddrFrom returns the Addr of ap with stub and future.
func AddrFrom(ap netip.AddrPort, stub, future uint16) Addr {
	return Addr{IP: ap.Addr().Unmap(), Port: ap.Port(), Stub: stub, Future: future}
}

// ParseAddr parses "IP:PORT" (IPv4 only) with stub and future 0.
func ParseAddr(s string) (Addr, error) {
	ap, err := netip.ParseAddrPort(s)
	if err != nil || !ap.Addr().Unmap().Is4() {
		return Addr{}, errs.New(errs.ErrInvalidMessage, "netasync: address %q is not IPv4:PORT", s)
	}
	return AddrFrom(ap, 0, 0), nil
}

// AddrPort returns the IP and port.
func (a Addr) AddrPort() netip.AddrPort { return netip.AddrPortFrom(a.IP.Unmap(), a.Port) }

// String returns "ip:port(stub,future)".
func (a Addr) String() string {
	return a.AddrPort().String() + "(" + strconv.Itoa(int(a.Stub)) + "," + strconv.Itoa(int(a.Future)) + ")"
}

func (a Addr) valid() bool { return a.IP.Unmap().Is4() }

// Message is one CUP network message (CUP CNetMsg). A Message handed to
// Post must not be changed until it is written or dropped (OnDrop). A
// received Message belongs to the Handler; the center does not touch it
// after delivery.
type Message struct {
	Flag Flag
	Type MsgType
	From Addr
	To   Addr
	ID   UniqID
	Body []byte

	// Receive-side metadata, zero when sending.
	Peer     netip.AddrPort // remote TCP endpoint of the connection it arrived on
	Received time.Time

	conn *conn   // connection it arrived on (receive side)
	pool msgPool // whether the center recycles m, and when
}

// msgPool says which pool, if any, a Message belongs to.
type msgPool uint8

const (
	poolNone msgPool = iota
	poolRecv         // a received message under Config.RecycleMessages: recycled after its handler returns
	poolSend         // a copy made by Center.Reply: recycled once written or dropped
)

// messages recycles received messages (Config.RecycleMessages) and the
// copies queued by Center.Reply, bodies included.
var messages = sync.Pool{New: func() any { return new(Message) }}

// getMessage returns a pooled message holding a copy of src and its body.
func getMessage(src *Message, pool msgPool) *Message {
	m := messages.Get().(*Message)
	body := m.Body[:0]
	*m = *src
	m.Body = nil
	if len(src.Body) > 0 {
		m.Body = append(body, src.Body...) // an empty body stays nil, as decoded
	}
	m.pool = pool
	return m
}

// putMessage recycles a message from getMessage, keeping its body buffer
// unless it is large.
func putMessage(m *Message) {
	body := m.Body[:0]
	if cap(body) > 64<<10 {
		body = nil
	}
	*m = Message{Body: body}
	messages.Put(m)
}

// Clone returns a deep copy of m (its Body included) that the center
// does not recycle: what a handler under Config.RecycleMessages keeps. A
// clone of a received message can still be answered with PostReply.
func (m *Message) Clone() *Message {
	c := *m
	c.pool = poolNone
	if m.Body != nil {
		c.Body = append([]byte(nil), m.Body...)
	}
	return &c
}

// NewMessage returns a message for sending with Flag FlagNormal.
func NewMessage(from, to Addr, t MsgType, id UniqID, body []byte) *Message {
	return &Message{Flag: FlagNormal, Type: t, From: from, To: to, ID: id, Body: body}
}

// NewAck returns the acknowledgement of m (CUP CAckMsg): From = m.To,
// To = m.From, the same ID, Flag FlagNormal|FlagAck.
func (m *Message) NewAck(t MsgType, body []byte) *Message {
	return &Message{Flag: FlagNormal | FlagAck, Type: t, From: m.To, To: m.From, ID: m.ID, Body: body}
}

// Validate reports whether m can be encoded: both addresses IPv4. Errors
// wrap errs.ErrInvalidMessage.
func (m *Message) Validate() error {
	if m == nil {
		return errs.New(errs.ErrInvalidMessage, "netasync: nil message")
	}
	if !m.From.valid() {
		return errs.New(errs.ErrInvalidMessage, "netasync: from address %v is not IPv4", m.From.IP)
	}
	if !m.To.valid() {
		return errs.New(errs.ErrInvalidMessage, "netasync: to address %v is not IPv4", m.To.IP)
	}
	return nil
}

// FrameLen returns the length of m's frame, with or without the magic.
func (m *Message) FrameLen(withMagic bool) int {
	if withMagic {
		return HeaderSizeFirst + len(m.Body)
	}
	return HeaderSize + len(m.Body)
}

// String describes m in one line, like CUP netmsg_tostring.
func (m *Message) String() string {
	return fmt.Sprintf("netmsg, from %v to %v, uniqid %s, msg_type %d, flag %d, body_len %d",
		m.From, m.To, m.ID.Hex0x(), m.Type, m.Flag, len(m.Body))
}

// TypeRegistry maps type names to numbers (CUP CMsgType), owned by the
// application instead of being a process-wide singleton. The zero value
// is empty; NewTypeRegistry holds CUP's built-in names. It is safe for
// concurrent use.
type TypeRegistry struct {
	mu     sync.RWMutex
	byName map[string]MsgType
	byType map[MsgType]string
}

// NewTypeRegistry returns a registry with CUP's built-in types
// (HEART_BEAT 1 ... NEED_ACK 8, ACK 65536).
func NewTypeRegistry() *TypeRegistry {
	r := &TypeRegistry{}
	for name, t := range map[string]MsgType{
		"HEART_BEAT": TypeHeartBeat, "RESOURCE_ACQUIRE": TypeResourceAcquire, "RESOURCE_RELEASE": TypeResourceRelease,
		"ACK_OK": TypeAckOK, "ACK_FAILURE": TypeAckFailure, "ACK_HEART_BEAT": TypeAckHeartBeat,
		"ACK_CREATE": TypeAckCreate, "NEED_ACK": TypeNeedAck, "ACK": TypeSysAck,
	} {
		_ = r.Register(name, t)
	}
	return r
}

// Register adds name ↔ t. A name or number already registered to
// something else is an error wrapping errs.ErrInvalidArgument.
func (r *TypeRegistry) Register(name string, t MsgType) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byName == nil {
		r.byName, r.byType = map[string]MsgType{}, map[MsgType]string{}
	}
	if old, ok := r.byName[name]; ok && old != t {
		return errs.New(errs.ErrInvalidArgument, "netasync: type name %q already registered as %d", name, old)
	}
	if old, ok := r.byType[t]; ok && old != name {
		return errs.New(errs.ErrInvalidArgument, "netasync: type %d already registered as %q", t, old)
	}
	r.byName[name], r.byType[t] = t, name
	return nil
}

// Lookup returns the number of name (CUP getnumber_bytype).
func (r *TypeRegistry) Lookup(name string) (MsgType, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.byName[name]
	return t, ok
}

// Name returns the name of t (CUP gettype_bynumber).
func (r *TypeRegistry) Name(t MsgType) (string, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	n, ok := r.byType[t]
	return n, ok
}
