package netasync

// The frame codec: pure functions and a state machine, no syscalls, so it
// can be tested and fuzzed on its own.

import (
	"encoding/binary"
	"net/netip"

	"github.com/cupgo/cup/errs"
)

// Offsets inside a header without the magic.
const (
	offFlag = 0
	offLen  = 4
	offFrom = 12
	offTo   = 28
	offType = 44
	offID   = 48
)

var le = binary.LittleEndian

// putAddr packs a into b[:16] (§1.3): future, 0, stub, port, reversed IPv4
// octets, 0.
func putAddr(b []byte, a Addr) {
	ip := a.IP.Unmap().As4()
	le.PutUint16(b[0:], a.Future)
	le.PutUint16(b[2:], 0)
	le.PutUint16(b[4:], a.Stub)
	le.PutUint16(b[6:], a.Port)
	b[8], b[9], b[10], b[11] = ip[3], ip[2], ip[1], ip[0]
	le.PutUint32(b[12:], 0)
}

// getAddr unpacks b[:16]; bytes 2–3 are ignored like CUP does, bytes 12–15
// must be zero.
func getAddr(b []byte) (Addr, bool) {
	if le.Uint32(b[12:]) != 0 {
		return Addr{}, false
	}
	return Addr{
		IP:     netip.AddrFrom4([4]byte{b[11], b[10], b[9], b[8]}),
		Port:   le.Uint16(b[6:]),
		Stub:   le.Uint16(b[4:]),
		Future: le.Uint16(b[0:]),
	}, true
}

// AppendFrame appends the frame of m to dst, with the magic (the first
// frame written on a connection) or without. An address that is not IPv4
// is an error wrapping errs.ErrInvalidMessage and leaves dst unchanged. It
// does not allocate when dst has room.
func AppendFrame(dst []byte, m *Message, withMagic bool) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return dst, err
	}
	return appendFrame(dst, m, withMagic), nil
}

// appendFrame is AppendFrame for a validated message.
func appendFrame(dst []byte, m *Message, withMagic bool) []byte {
	n := m.FrameLen(withMagic)
	start := len(dst)
	dst = grow(dst, n)
	b := dst[start : start+n]
	if withMagic {
		copy(b, Magic)
		b = b[len(Magic):]
	}
	le.PutUint32(b[offFlag:], uint32(m.Flag))
	le.PutUint64(b[offLen:], uint64(n))
	putAddr(b[offFrom:], m.From)
	putAddr(b[offTo:], m.To)
	le.PutUint32(b[offType:], uint32(m.Type))
	le.PutUint64(b[offID:], m.ID.Lo)
	le.PutUint64(b[offID+8:], m.ID.Hi)
	copy(b[HeaderSize:], m.Body)
	return dst
}

func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), 2*cap(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

// magic states of a Decoder.
const (
	magicExpected = iota // the next frame must start with the magic
	magicLenient         // AcceptMissingMagic: the magic may still come
	magicDone            // no more magic on this connection
)

// Decoder is the receive state machine of one connection (§1.5): the
// first frame must carry the magic, every later frame must not. Feed it
// the bytes in any split; it iterates over every frame of a chunk and
// never recurses. A Decoder is not safe for concurrent use. After an
// error it keeps returning that error.
type Decoder struct {
	maxBody int
	magic   int
	lenient bool // AcceptMissingMagic

	hdr     [HeaderSizeFirst]byte
	hdrN    int // bytes of hdr filled
	hdrSize int // 72 or 64 for the frame under construction

	bodyLen int    // body length of the frame under construction, -1 while in the header
	body    []byte // reused body buffer for bodies split over chunks
	bodyN   int

	msg Message
	err error
}

// NewDecoder returns a Decoder that expects the magic on the first frame
// and rejects bodies above maxBody bytes (maxBody ≤ 0 means
// DefaultMaxBody).
func NewDecoder(maxBody int) *Decoder {
	d := &Decoder{}
	d.Reset(maxBody, false)
	return d
}

// Reset makes d ready for a new connection. acceptMissingMagic enables the
// leniency of Config.AcceptMissingMagic.
func (d *Decoder) Reset(maxBody int, acceptMissingMagic bool) {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	*d = Decoder{maxBody: maxBody, lenient: acceptMissingMagic, body: d.body[:0], hdrSize: HeaderSizeFirst, bodyLen: -1}
}

// MidFrame reports whether part of a frame has been fed but not completed.
func (d *Decoder) MidFrame() bool { return d.hdrN > 0 || d.bodyLen >= 0 }

// Err returns the sticky error, if any.
func (d *Decoder) Err() error { return d.err }

// Feed parses p. emit is called once per complete frame, in order, with a
// Message that is only valid during the call: it and its Body are reused
// (Body may alias p). An error from emit stops Feed and is returned; a
// protocol error (errs.ErrBadMagic, ErrFrameTooShort, ErrFrameTooLarge,
// ErrBadAddress) is returned after the frames before it were emitted, and
// the connection must be closed.
func (d *Decoder) Feed(p []byte, emit func(*Message) error) error {
	if d.err != nil {
		return d.err
	}
	for len(p) > 0 {
		if d.bodyLen < 0 {
			// Fast path: a whole header at the start of p.
			if d.hdrN == 0 && d.magic == magicDone && len(p) >= HeaderSize {
				if err := d.header(p[:HeaderSize]); err != nil {
					return d.fail(err)
				}
				p = p[HeaderSize:]
			} else {
				need := d.hdrSize - d.hdrN
				if d.hdrSize == HeaderSizeFirst && d.hdrN < len(Magic) {
					need = len(Magic) - d.hdrN // the header size depends on these bytes
				}
				n := copy(d.hdr[d.hdrN:d.hdrN+min(need, len(p))], p)
				d.hdrN += n
				p = p[n:]
				if err := d.partial(); err != nil {
					return d.fail(err)
				}
				if d.hdrN < d.hdrSize {
					continue
				}
				h := d.hdr[:d.hdrSize]
				if d.hdrSize == HeaderSizeFirst {
					h = h[len(Magic):]
				}
				if err := d.header(h); err != nil {
					return d.fail(err)
				}
				d.hdrN = 0
			}
		}
		// Body.
		switch {
		case d.bodyLen == 0:
			d.msg.Body = nil
		case d.bodyN == 0 && len(p) >= d.bodyLen:
			d.msg.Body = p[:d.bodyLen:d.bodyLen]
			p = p[d.bodyLen:]
		default:
			if d.bodyN == 0 {
				if cap(d.body) < d.bodyLen {
					d.body = make([]byte, d.bodyLen)
				}
				d.body = d.body[:d.bodyLen]
			}
			n := copy(d.body[d.bodyN:], p)
			d.bodyN += n
			p = p[n:]
			if d.bodyN < d.bodyLen {
				continue
			}
			d.msg.Body = d.body
		}
		d.bodyLen, d.bodyN, d.hdrSize = -1, 0, HeaderSize
		if d.magic == magicLenient {
			d.hdrSize = HeaderSizeFirst
		}
		if err := emit(&d.msg); err != nil {
			d.msg.Body = nil
			return err
		}
		d.msg.Body = nil
	}
	return nil
}

func (d *Decoder) fail(err error) error {
	d.err = err
	return err
}

// partial checks the magic and len as soon as they are complete, before
// the rest of the header arrives.
func (d *Decoder) partial() error {
	if d.hdrSize == HeaderSizeFirst && d.hdrN >= len(Magic) && string(d.hdr[:len(Magic)]) != Magic {
		if d.magic == magicExpected && !d.lenient {
			return errs.New(errs.ErrBadMagic, "netasync: frame starts with %q, want %q", d.hdr[:len(Magic)], Magic)
		}
		// Lenient: a headerless frame; the 8 bytes are flag and len.
		d.hdrSize = HeaderSize
		if d.magic == magicExpected {
			l := le.Uint64(d.hdr[offLen:])
			if l < HeaderSize || l-HeaderSize > uint64(d.maxBody) {
				return errs.New(errs.ErrBadMagic, "netasync: frame starts with %q, neither the magic nor a headerless frame", d.hdr[:len(Magic)])
			}
			d.magic = magicLenient
		}
	}
	off := offLen
	if d.hdrSize == HeaderSizeFirst {
		off += len(Magic)
	}
	if d.hdrN >= off+8 {
		return d.checkLen(le.Uint64(d.hdr[off:]))
	}
	return nil
}

func (d *Decoder) checkLen(l uint64) error {
	if l < uint64(d.hdrSize) {
		return errs.New(errs.ErrFrameTooShort, "netasync: frame len %d below the %d-byte header", l, d.hdrSize)
	}
	if l-uint64(d.hdrSize) > uint64(d.maxBody) {
		return errs.New(errs.ErrFrameTooLarge, "netasync: frame len %d: body above the %d-byte limit", l, d.maxBody)
	}
	return nil
}

// header decodes a 64-byte header (magic already stripped).
func (d *Decoder) header(h []byte) error {
	if err := d.checkLen(le.Uint64(h[offLen:])); err != nil {
		return err
	}
	from, ok := getAddr(h[offFrom:])
	if !ok {
		return errs.New(errs.ErrBadAddress, "netasync: from address has non-zero reserved bytes % x", h[offFrom+12:offFrom+16])
	}
	to, ok := getAddr(h[offTo:])
	if !ok {
		return errs.New(errs.ErrBadAddress, "netasync: to address has non-zero reserved bytes % x", h[offTo+12:offTo+16])
	}
	if d.hdrSize == HeaderSizeFirst && d.magic != magicDone {
		d.magic = magicDone
	} else if d.magic == magicExpected {
		d.magic = magicDone
	}
	d.msg = Message{
		Flag: Flag(le.Uint32(h[offFlag:])),
		Type: MsgType(le.Uint32(h[offType:])),
		From: from,
		To:   to,
		ID:   UniqID{Lo: le.Uint64(h[offID:]), Hi: le.Uint64(h[offID+8:])},
	}
	d.bodyLen = int(le.Uint64(h[offLen:])) - d.hdrSize
	return nil
}
