package heartbeat

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

func TestFrameRoundTrip(t *testing.T) {
	msgs := []Message{
		{Type: TypeHeartbeat, From: "127.0.0.1:51100", ID: 1, Body: []byte(`{"cpu_idle":99}`)},
		{Type: TypeAckHeartbeat, ID: 1<<64 - 1, Body: []byte("ACK_HEART_BEAT")},
		{Type: 200, From: strings.Repeat("x", 255)},
	}
	var stream []byte
	for i := range msgs {
		var err error
		if stream, err = appendFrame(stream, &msgs[i], DefaultMaxFrame); err != nil {
			t.Fatal(err)
		}
	}
	r := bytes.NewReader(stream)
	var buf []byte
	for _, want := range msgs {
		got, b, err := readFrame(r, buf, DefaultMaxFrame)
		buf = b
		if err != nil {
			t.Fatal(err)
		}
		if got.Type != want.Type || got.From != want.From || got.ID != want.ID || !bytes.Equal(got.Body, want.Body) {
			t.Errorf("read %+v, want %+v", got, want)
		}
	}
	if _, _, err := readFrame(r, buf, DefaultMaxFrame); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
}

func TestFrameErrors(t *testing.T) {
	good, _ := appendFrame(nil, &Message{Type: 1, From: "a:1", Body: []byte("body")}, DefaultMaxFrame)
	tests := []struct {
		name  string
		in    []byte
		max   int
		isEOF bool
	}{
		{"short length", good[:2], DefaultMaxFrame, true},
		{"truncated body", good[:len(good)-1], DefaultMaxFrame, true},
		{"length below header", []byte{0, 0, 0, 3, 1, 1, 0}, DefaultMaxFrame, false},
		{"length over max", good, 20, false},
		{"bad version", append([]byte{0, 0, 0, 11, 9}, make([]byte, 10)...), DefaultMaxFrame, false},
		{"from past end", []byte{0, 0, 0, 11, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5}, DefaultMaxFrame, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readFrame(bytes.NewReader(tt.in), nil, tt.max)
			if !errors.Is(err, errs.ErrBadFrame) {
				t.Fatalf("error %v, want ErrBadFrame", err)
			}
			if got := errors.Is(err, io.ErrUnexpectedEOF); got != tt.isEOF {
				t.Errorf("Is(ErrUnexpectedEOF) = %v, want %v (%v)", got, tt.isEOF, err)
			}
		})
	}
	if _, err := appendFrame(nil, &Message{From: strings.Repeat("x", 256)}, DefaultMaxFrame); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("256-byte from: %v", err)
	}
	if _, err := appendFrame(nil, &Message{Body: make([]byte, 100)}, 64); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("oversized frame: %v", err)
	}
}

// FuzzReadFrame: whatever decodes re-encodes to the same bytes, and
// nothing panics or reads past the length.
func FuzzReadFrame(f *testing.F) {
	seed, _ := appendFrame(nil, &Message{Type: 1, From: "127.0.0.1:1", ID: 7, Body: []byte(`{"a":1}`)}, DefaultMaxFrame)
	f.Add(seed)
	f.Add([]byte{0, 0, 0, 11, 1, 6, 0, 0, 0, 0, 0, 0, 0, 1, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, in []byte) {
		m, _, err := readFrame(bytes.NewReader(in), nil, 4096)
		if err != nil {
			return
		}
		out, err := appendFrame(nil, &m, 4096)
		if err != nil {
			t.Fatalf("decoded %+v does not encode: %v", m, err)
		}
		if !bytes.Equal(out, in[:len(out)]) {
			t.Fatalf("re-encoded %x, input %x", out, in)
		}
	})
}
