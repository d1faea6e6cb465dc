package heartbeat

import (
	"encoding/binary"
	"io"

	"github.com/cupgo/cup/errs"
)

// Frame layout of the built-in TCP transport (all integers big-endian):
//
//	0   4  n = length of the rest of the frame (15 + len(from) + len(body) − 4)
//	4   1  version (1)
//	5   1  type
//	6   8  id
//	14  1  len(from)
//	15  .. from, then body
//
// The body is opaque (heartbeats use JSON).
const (
	frameVersion = 1
	frameHeader  = 15
	// DefaultMaxFrame is the largest frame the TCP transport accepts or
	// sends unless configured otherwise.
	DefaultMaxFrame = 1 << 20
)

// appendFrame appends m's frame to dst. A from longer than 255 bytes or
// a frame over maxFrame is an error matching errs.ErrInvalidArgument.
func appendFrame(dst []byte, m *Message, maxFrame int) ([]byte, error) {
	if len(m.From) > 255 {
		return dst, errs.New(errs.ErrInvalidArgument, "heartbeat: from address %.32q... longer than 255 bytes", m.From)
	}
	n := frameHeader + len(m.From) + len(m.Body)
	if n > maxFrame {
		return dst, errs.New(errs.ErrInvalidArgument, "heartbeat: frame of %d bytes over the limit of %d", n, maxFrame)
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(n-4))
	dst = append(dst, frameVersion, byte(m.Type))
	dst = binary.BigEndian.AppendUint64(dst, m.ID)
	dst = append(dst, byte(len(m.From)))
	dst = append(dst, m.From...)
	return append(dst, m.Body...), nil
}

// readFrame reads one frame from r into buf (grown as needed) and
// returns the message, whose Body aliases buf. A clean end of input
// before a frame is io.EOF; anything else wrong is errs.ErrBadFrame
// (a truncated frame also matches io.ErrUnexpectedEOF).
func readFrame(r io.Reader, buf []byte, maxFrame int) (Message, []byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return Message{}, buf, errs.New(errs.ErrBadFrame, "heartbeat: truncated length: %w", err)
		}
		return Message{}, buf, err
	}
	n := int(binary.BigEndian.Uint32(hdr[:]))
	if n < frameHeader-4 || n > maxFrame-4 {
		return Message{}, buf, errs.New(errs.ErrBadFrame, "heartbeat: frame length %d outside [%d, %d]", n+4, frameHeader, maxFrame)
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return Message{}, buf, errs.New(errs.ErrBadFrame, "heartbeat: truncated frame of %d bytes: %w", n+4, err)
	}
	m, err := parseFrame(buf)
	return m, buf, err
}

// parseFrame decodes a frame without its length prefix.
func parseFrame(b []byte) (Message, error) {
	if len(b) < frameHeader-4 {
		return Message{}, errs.New(errs.ErrBadFrame, "heartbeat: frame of %d bytes shorter than its header", len(b)+4)
	}
	if b[0] != frameVersion {
		return Message{}, errs.New(errs.ErrBadFrame, "heartbeat: frame version %d, want %d", b[0], frameVersion)
	}
	fl := int(b[10])
	if len(b) < 11+fl {
		return Message{}, errs.New(errs.ErrBadFrame, "heartbeat: from address of %d bytes past the frame end", fl)
	}
	return Message{
		Type: MsgType(b[1]),
		ID:   binary.BigEndian.Uint64(b[2:10]),
		From: string(b[11 : 11+fl]),
		Body: b[11+fl:],
	}, nil
}
