package serializer

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Record modes (CUP LOG_MOD_*; there is no 2).
const (
	ModeAdd uint16 = 0
	ModeSet uint16 = 1
	ModeDel uint16 = 3
)

const (
	headerSize = 24 // LEN(4) + LOGID(16) + TYPE(2) + MODE(2)
	lenBase    = 20 // LEN counts the bytes after itself
	// MaxPayload is the largest payload a record can hold (LEN is 32 bits).
	MaxPayload = math.MaxUint32 - lenBase
)

// Record is one log record (CUP LogRecord). CUP ids are 128-bit on disk;
// ids of 2^64 and above are reported as corruption.
type Record struct {
	ID      uint64
	Type    uint16
	Mode    uint16
	Payload []byte
}

// Size returns the record's size on disk.
func (r Record) Size() int64 { return headerSize + int64(len(r.Payload)) }

// appendRecord appends the on-disk form of a record to dst.
func appendRecord(dst []byte, id uint64, typ, mode uint16, payload []byte) []byte {
	var h [headerSize]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(lenBase+len(payload)))
	binary.LittleEndian.PutUint64(h[4:], id) // high 64 bits of LOGID stay 0
	binary.LittleEndian.PutUint16(h[20:], typ)
	binary.LittleEndian.PutUint16(h[22:], mode)
	dst = append(dst, h[:]...)
	return append(dst, payload...)
}

// header is a decoded record header.
type header struct {
	n    uint32 // LEN
	id   uint64
	typ  uint16
	mode uint16
}

// decodeHeader decodes h (headerSize bytes). It reports a LEN below 20 or
// an id of 2^64 or more as an error.
func decodeHeader(h []byte) (header, error) {
	var hd header
	hd.n = binary.LittleEndian.Uint32(h[0:])
	if hd.n < lenBase {
		return hd, fmt.Errorf("record length %d < %d", hd.n, lenBase)
	}
	if binary.LittleEndian.Uint64(h[12:]) != 0 {
		return hd, fmt.Errorf("record id does not fit in 64 bits")
	}
	hd.id = binary.LittleEndian.Uint64(h[4:])
	hd.typ = binary.LittleEndian.Uint16(h[20:])
	hd.mode = binary.LittleEndian.Uint16(h[22:])
	return hd, nil
}

// readState says how reading a record at an offset ended.
type readState int

const (
	readOK    readState = iota
	readEOF             // no byte at the offset: a clean end
	readShort           // some bytes, but not a whole record
	readBad             // an invalid header
)

// readRecord reads the record at off from r. size is the file size.
func readRecord(r io.ReaderAt, off, size int64, withPayload bool) (Record, int64, readState, error) {
	if off >= size {
		return Record{}, 0, readEOF, nil
	}
	if size-off < headerSize {
		return Record{}, 0, readShort, nil
	}
	var h [headerSize]byte
	if _, err := r.ReadAt(h[:], off); err != nil {
		return Record{}, 0, readBad, err
	}
	hd, err := decodeHeader(h[:])
	if err != nil {
		return Record{}, 0, readBad, err
	}
	total := 4 + int64(hd.n)
	if size-off < total {
		return Record{}, 0, readShort, nil
	}
	rec := Record{ID: hd.id, Type: hd.typ, Mode: hd.mode}
	if withPayload {
		rec.Payload = make([]byte, total-headerSize)
		if _, err := r.ReadAt(rec.Payload, off+headerSize); err != nil {
			return Record{}, 0, readBad, err
		}
	}
	return rec, total, readOK, nil
}
