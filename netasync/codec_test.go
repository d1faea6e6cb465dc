package netasync

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	s = strings.Join(strings.Fields(s), "")
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dumpHex strips the "0000:" offsets and the ASCII column of a hexdump.
func dumpHex(t testing.TB, dump string) []byte {
	t.Helper()
	var sb strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(dump), "\n") {
		_, rest, _ := strings.Cut(line, ":")
		if i := strings.Index(rest, "  "); i >= 0 {
			rest = rest[:i]
		}
		sb.WriteString(rest)
	}
	return unhex(t, sb.String())
}

var ip = netip.MustParseAddr

// §1.2, verified against CUP 3.2.7.
var (
	helloMsg = Message{
		Flag: FlagNormal,
		From: Addr{IP: ip("10.1.2.3"), Port: 51100, Stub: 1, Future: 2},
		To:   Addr{IP: ip("127.0.0.1"), Port: 8080, Stub: 0x1234, Future: 0xABCD},
		Type: 1,
		ID:   UniqID{Hi: 0x0102030405060708, Lo: 0x090A0B0C0D0E0F10},
		Body: []byte("hello"),
	}
	helloFirst = `
0000: 43 55 50 30 31 32 2d 33 02 00 00 00 4d 00 00 00  CUP012-3....M...
0010: 00 00 00 00 02 00 00 00 01 00 9c c7 03 02 01 0a  ................
0020: 00 00 00 00 cd ab 00 00 34 12 90 1f 01 00 00 7f  ........4.......
0030: 00 00 00 00 01 00 00 00 10 0f 0e 0d 0c 0b 0a 09  ................
0040: 08 07 06 05 04 03 02 01 68 65 6c 6c 6f           ........hello`
	helloLater = `
0000: 02 00 00 00 45 00 00 00 00 00 00 00 02 00 00 00
0010: 01 00 9c c7 03 02 01 0a 00 00 00 00 cd ab 00 00
0020: 34 12 90 1f 01 00 00 7f 00 00 00 00 01 00 00 00
0030: 10 0f 0e 0d 0c 0b 0a 09 08 07 06 05 04 03 02 01
0040: 68 65 6c 6c 6f`
	hbMsg = Message{
		Flag: FlagUrgent,
		From: Addr{IP: ip("192.168.1.20"), Port: 51200, Stub: 1, Future: 1},
		To:   Addr{IP: ip("192.168.1.10"), Port: 51100, Stub: 1, Future: 1},
		Type: TypeHeartBeat,
		ID:   UniqID{Lo: 1},
		Body: []byte("HB"),
	}
	hbFrame = `4355503031322d33 01000000 4a00000000000000
01000000 010000c8 1401a8c0 00000000 01000000 01009cc7 0a01a8c0 00000000
01000000 01000000000000000000000000000000 4842`
	hbAckFrame = `4355503031322d33 01000000 5600000000000000 01000000 01009cc7 0a01a8c0 00000000
01000000 010000c8 1401a8c0 00000000 06000000 02000000000000000000000000000000
41434b5f48454152545f42454154`
)

func hbAck() Message {
	m := hbMsg
	a := m.NewAck(TypeAckHeartBeat, []byte("ACK_HEART_BEAT"))
	a.Flag = m.Flag // the master copies the heartbeat's flag
	a.ID = UniqID{Lo: 2}
	return *a
}

func goldens(t testing.TB) []struct {
	name  string
	msg   Message
	magic bool
	wire  []byte
} {
	return []struct {
		name  string
		msg   Message
		magic bool
		wire  []byte
	}{
		{"first", helloMsg, true, dumpHex(t, helloFirst)},
		{"later", helloMsg, false, dumpHex(t, helloLater)},
		{"heartbeat", hbMsg, true, unhex(t, hbFrame)},
		{"heartbeat-answer", hbAck(), true, unhex(t, hbAckFrame)},
	}
}

func TestAppendFrameGolden(t *testing.T) {
	for _, g := range goldens(t) {
		t.Run(g.name, func(t *testing.T) {
			got, err := AppendFrame([]byte("prefix"), &g.msg, g.magic)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got[6:], g.wire) || string(got[:6]) != "prefix" {
				t.Fatalf("frame\n%x\nwant\n%x", got[6:], g.wire)
			}
			if len(g.wire) != g.msg.FrameLen(g.magic) {
				t.Errorf("FrameLen = %d, want %d", g.msg.FrameLen(g.magic), len(g.wire))
			}
		})
	}
}

func sameMsg(a, b *Message) bool {
	return a.Flag == b.Flag && a.Type == b.Type && a.From == b.From && a.To == b.To && a.ID == b.ID && bytes.Equal(a.Body, b.Body)
}

// collect feeds chunks to a fresh decoder and returns copies of the messages.
func collect(d *Decoder, chunks ...[]byte) ([]Message, error) {
	var out []Message
	for _, c := range chunks {
		err := d.Feed(c, func(m *Message) error {
			cp := *m
			cp.Body = bytes.Clone(m.Body)
			out = append(out, cp)
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func TestDecoderGolden(t *testing.T) {
	for _, g := range goldens(t) {
		if !g.magic {
			continue
		}
		t.Run(g.name, func(t *testing.T) {
			got, err := collect(NewDecoder(0), g.wire)
			if err != nil || len(got) != 1 || !sameMsg(&got[0], &g.msg) {
				t.Fatalf("got %+v, %v; want %+v", got, err, g.msg)
			}
		})
	}
	// first + later on one connection, whole, one byte at a time, and in
	// random splits.
	stream := append(dumpHex(t, helloFirst), dumpHex(t, helloLater)...)
	splits := map[string][][]byte{"whole": {stream}}
	var bytewise [][]byte
	for i := range stream {
		bytewise = append(bytewise, stream[i:i+1])
	}
	splits["one-byte"] = bytewise
	r := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 50; k++ {
		var chunks [][]byte
		for rest := stream; len(rest) > 0; {
			n := min(1+r.IntN(40), len(rest))
			chunks = append(chunks, rest[:n])
			rest = rest[n:]
		}
		splits["random"+string(rune('a'+k%26))+string(rune('0'+k/26))] = chunks
	}
	for name, chunks := range splits {
		got, err := collect(NewDecoder(0), chunks...)
		if err != nil || len(got) != 2 || !sameMsg(&got[0], &helloMsg) || !sameMsg(&got[1], &helloMsg) {
			t.Fatalf("%s: got %d messages, %v", name, len(got), err)
		}
	}
}

func frames(t testing.TB, n int, body func(i int) []byte) []byte {
	var b []byte
	for i := 0; i < n; i++ {
		m := helloMsg
		m.ID = UniqID{Lo: uint64(i)}
		m.Body = body(i)
		var err error
		if b, err = AppendFrame(b, &m, i == 0); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestDecoderEdgeCases(t *testing.T) {
	first := dumpHex(t, helloFirst)
	later := dumpHex(t, helloLater)
	withLen := func(frame []byte, off int, l uint64) []byte {
		b := bytes.Clone(frame)
		le.PutUint64(b[off:], l)
		return b
	}
	big := append([]byte(nil), first...)
	tests := []struct {
		name    string
		chunks  [][]byte
		maxBody int
		n       int
		err     error
	}{
		{"two frames one read", [][]byte{append(bytes.Clone(first), later...)}, 0, 2, nil},
		{"garbage magic", [][]byte{[]byte("GARBAGE!"), first[8:]}, 0, 0, errs.ErrBadMagic},
		{"partial garbage waits", [][]byte{[]byte("XXXX")}, 0, 0, nil},
		{"missing magic", [][]byte{later}, 0, 0, errs.ErrBadMagic},
		{"second magic", [][]byte{first, first}, 0, 1, errs.ErrFrameTooLarge},
		{"len short first", [][]byte{withLen(first, 12, 10)}, 0, 0, errs.ErrFrameTooShort},
		{"len 71 first", [][]byte{withLen(first, 12, 71)}, 0, 0, errs.ErrFrameTooShort},
		{"len short later", [][]byte{first, withLen(later, 4, 63)}, 0, 1, errs.ErrFrameTooShort},
		{"len above limit", [][]byte{withLen(first, 12, 72+1025)}, 1024, 0, errs.ErrFrameTooLarge},
		{"len 2^63", [][]byte{withLen(first, 12, 1<<63)[:20]}, 0, 0, errs.ErrFrameTooLarge},
		{"len at limit", [][]byte{frames(t, 1, func(int) []byte { return make([]byte, 1024) })}, 1024, 1, nil},
		{"empty body", [][]byte{withLen(first, 12, 72)[:72]}, 0, 1, nil},
		{"bad from reserved", [][]byte{func() []byte { b := bytes.Clone(first); b[20+12] = 1; return b }()}, 0, 0, errs.ErrBadAddress},
		{"bad to reserved", [][]byte{func() []byte { b := bytes.Clone(first); b[36+15] = 1; return b }()}, 0, 0, errs.ErrBadAddress},
		{"from bytes 2-3 ignored", [][]byte{func() []byte { b := bytes.Clone(first); b[22], b[23] = 0xff, 0xff; return b }()}, 0, 1, nil},
		{"mid-frame", [][]byte{big[:40]}, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(tt.maxBody)
			got, err := collect(d, tt.chunks...)
			if len(got) != tt.n || !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("got %d messages, err %v; want %d, %v", len(got), err, tt.n, tt.err)
			}
			if tt.err != nil {
				if _, err2 := collect(d, later); !errors.Is(err2, tt.err) {
					t.Errorf("error not sticky: %v", err2)
				}
			}
		})
	}
	// Decoded addresses write bytes 2-3 back as zero.
	b := bytes.Clone(first)
	b[22], b[23] = 0xff, 0xff
	got, _ := collect(NewDecoder(0), b)
	out, _ := AppendFrame(nil, &got[0], true)
	if !bytes.Equal(out, first) {
		t.Errorf("re-encoded %x", out)
	}
	d := NewDecoder(0)
	collect(d, first[:30])
	if !d.MidFrame() {
		t.Error("MidFrame false after 30 bytes")
	}
	collect(d, first[30:])
	if d.MidFrame() {
		t.Error("MidFrame true after a whole frame")
	}
}

func TestDecoderBurst(t *testing.T) {
	const n = 5000
	stream := frames(t, n, func(int) []byte { return nil })
	d := NewDecoder(0)
	i := 0
	err := d.Feed(stream, func(m *Message) error {
		if m.ID.Lo != uint64(i) || len(m.Body) != 0 {
			t.Fatalf("message %d has id %d", i, m.ID.Lo)
		}
		i++
		return nil
	})
	if err != nil || i != n {
		t.Fatalf("%d of %d, %v", i, n, err)
	}
}

func TestAcceptMissingMagic(t *testing.T) {
	urgent := helloMsg
	urgent.Flag = FlagUrgent
	urgent.Body = []byte("u")
	// The CUP race: the urgent frame went out headerless, the magic-bearing
	// first frame after it.
	stream, _ := AppendFrame(nil, &urgent, false)
	stream, _ = AppendFrame(stream, &helloMsg, true)
	stream, _ = AppendFrame(stream, &helloMsg, false)
	d := &Decoder{}
	d.Reset(0, true)
	got, err := collect(d, stream)
	if err != nil || len(got) != 3 || !sameMsg(&got[0], &urgent) || !sameMsg(&got[1], &helloMsg) || !sameMsg(&got[2], &helloMsg) {
		t.Fatalf("lenient: %d messages, %v", len(got), err)
	}
	// byte by byte
	d.Reset(0, true)
	var chunks [][]byte
	for i := range stream {
		chunks = append(chunks, stream[i:i+1])
	}
	if got, err := collect(d, chunks...); err != nil || len(got) != 3 {
		t.Fatalf("lenient bytewise: %d messages, %v", len(got), err)
	}
	if _, err := collect(NewDecoder(0), stream); !errors.Is(err, errs.ErrBadMagic) {
		t.Fatalf("strict: %v", err)
	}
	d.Reset(0, true)
	if _, err := collect(d, []byte("GARBAGE!GARBAGE!")); !errors.Is(err, errs.ErrBadMagic) {
		t.Fatalf("lenient garbage: %v", err)
	}
}

func TestEncodeValidation(t *testing.T) {
	for _, m := range []Message{
		{From: Addr{IP: ip("::1")}, To: helloMsg.To},
		{From: helloMsg.From, To: Addr{}},
	} {
		out, err := AppendFrame([]byte("x"), &m, true)
		if !errors.Is(err, errs.ErrInvalidMessage) || string(out) != "x" {
			t.Errorf("%v: %q, %v", m, out, err)
		}
	}
	if _, err := ParseAddr("[::1]:80"); !errors.Is(err, errs.ErrInvalidMessage) {
		t.Error(err)
	}
	if _, err := ParseAddr("1.2.3.4:70000"); !errors.Is(err, errs.ErrInvalidMessage) {
		t.Error(err)
	}
	mapped := helloMsg
	mapped.To.IP = netip.AddrFrom16(ip("127.0.0.1").As16())
	out, err := AppendFrame(nil, &mapped, true)
	if err != nil || !bytes.Equal(out, dumpHex(t, helloFirst)) {
		t.Errorf("IPv4-mapped: %v", err)
	}
}

func TestCodecAllocs(t *testing.T) {
	buf := make([]byte, 0, 4096)
	stream := frames(t, 10, func(int) []byte { return []byte("0123456789") })
	d := NewDecoder(0)
	n := testing.AllocsPerRun(100, func() {
		buf, _ = AppendFrame(buf[:0], &helloMsg, false)
		d.Reset(0, false)
		_ = d.Feed(stream, func(*Message) error { return nil })
	})
	if n != 0 {
		t.Errorf("%v allocations per encode+decode", n)
	}
}

func TestIDGeneratorLayout(t *testing.T) {
	g, err := NewIDGenerator(ip("10.1.2.3"), 8080)
	if err != nil {
		t.Fatal(err)
	}
	id := g.Next()
	if id.Hi != 0x0a01020300001f90 {
		t.Errorf("id %s", id.Hex0x())
	}
	m := helloMsg
	m.ID = UniqID{Hi: 0x0a01020300001f90, Lo: 0x6b07b106}
	out, _ := AppendFrame(nil, &m, false)
	if want := unhex(t, "06b1076b00000000 901f0000 0302010a"); !bytes.Equal(out[48:64], want) {
		t.Errorf("id on the wire %x", out[48:64])
	}
}

func FuzzDecoder(f *testing.F) {
	f.Add(dumpHex(f, helloFirst), 7)
	f.Add(append(dumpHex(f, helloFirst), dumpHex(f, helloLater)...), 1)
	f.Add(unhex(f, hbFrame), 3)
	f.Add([]byte("GARBAGE!"), 2)
	f.Fuzz(func(t *testing.T, data []byte, split int) {
		whole, err1 := collect(NewDecoder(1<<16), data)
		if split <= 0 {
			split = 1
		}
		var chunks [][]byte
		for rest := data; len(rest) > 0; {
			n := min(split, len(rest))
			chunks = append(chunks, rest[:n])
			rest = rest[n:]
		}
		parts, err2 := collect(NewDecoder(1<<16), chunks...)
		if len(whole) != len(parts) || (err1 == nil) != (err2 == nil) {
			t.Fatalf("whole %d/%v, split %d/%v", len(whole), err1, len(parts), err2)
		}
		// Re-encoding what was decoded reproduces the input prefix.
		var re []byte
		for i := range whole {
			if !sameMsg(&whole[i], &parts[i]) {
				t.Fatalf("message %d differs", i)
			}
			re = appendFrame(re, &whole[i], i == 0)
		}
		if len(re) > len(data) {
			t.Fatalf("re-encoded %d bytes from %d", len(re), len(data))
		}
	})
}
