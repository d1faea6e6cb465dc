package conf

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

type limits struct {
	MaxConn int           `conf:"max_conn"`
	Read    time.Duration `conf:"read"`
}

type listener struct {
	Proto string `conf:"proto"`
	Port  uint16 `conf:"port"`
}

type Common struct {
	Name string `conf:"name"`
}

type service struct {
	Common
	Path       string            `conf:"path"`
	Peers      []string          `conf:"peer"`
	Ports      []int             `conf:"ports"`
	Debug      bool              `conf:"debug"`
	Ratio      float64           `conf:"ratio"`
	Addr       netip.Addr        `conf:"addr"`
	Timeout    *time.Duration    `conf:"timeout"`
	Limits     limits            `conf:"limits"`
	LimitsPtr  *limits           `conf:"limits"`
	Listeners  []listener        `conf:"listener"`
	ListPtrs   []*listener       `conf:"listener"`
	Raw        *Section          `conf:"limits"`
	Labels     map[string]string `conf:"labels"`
	Retries    int8              // untagged: matched case-insensitively ("retries")
	Skipped    string            `conf:"-"`
	unexported string            //lint:ignore U1000 present to prove Decode skips unexported fields
}

const serviceConf = `name: demo
path: "/opt/demo # not a comment"
@peer: 10.0.0.1
@peer: 10.0.0.2
@ports: 80
@ports: 0x1bb
debug: yes
ratio: 1.5
addr: 192.0.2.7
timeout: 1m30s
retries: 3
Skipped: no
[limits]
    max_conn: 1_000
    read: 5s
[@listener]
    proto: tcp
    port: 8080
[@listener]
    proto: udp
[labels]
    env: prod
    team: "ops"
`

func TestDecode(t *testing.T) {
	var got service
	got.Skipped = "keep"
	if err := Unmarshal([]byte(serviceConf), &got); err != nil {
		t.Fatal(err)
	}
	d := 90 * time.Second
	want := service{
		Common: Common{Name: "demo"}, Path: "/opt/demo # not a comment",
		Peers: []string{"10.0.0.1", "10.0.0.2"}, Ports: []int{80, 443}, Debug: true, Ratio: 1.5,
		Addr: netip.MustParseAddr("192.0.2.7"), Timeout: &d,
		Limits:    limits{MaxConn: 1000, Read: 5 * time.Second},
		LimitsPtr: &limits{MaxConn: 1000, Read: 5 * time.Second},
		Listeners: []listener{{"tcp", 8080}, {"udp", 0}},
		ListPtrs:  []*listener{{"tcp", 8080}, {"udp", 0}},
		Labels:    map[string]string{"env": "prod", "team": "ops"},
		Retries:   3, Skipped: "keep",
	}
	raw := got.Raw
	got.Raw = nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if raw == nil || raw.Len() != 2 {
		t.Fatal("*Section field not set")
	}
}

func TestDecodeErrors(t *testing.T) {
	type inner struct {
		N int `conf:"n"`
	}
	type target struct {
		Port   int               `conf:"port"`
		Small  int8              `conf:"small"`
		On     bool              `conf:"on"`
		Wait   time.Duration     `conf:"wait"`
		List   []int             `conf:"list"`
		Sub    inner             `conf:"sub"`
		Subs   []inner           `conf:"subs"`
		Need   string            `conf:"need,required"`
		Str    string            `conf:"str"`
		Chan   chan int          `conf:"chan"`
		Labels map[string]string `conf:"labels"`
	}
	for _, tc := range []struct {
		in, path string
		line     int
	}{
		{"need: x\nport: 80x\n", "port", 2},
		{"need: x\nsmall: 300\n", "small", 2},
		{"need: x\non: maybe\n", "on", 2},
		{"need: x\nwait: 5\n", "wait", 2},
		{"need: x\n@list: 1\n@list: two\n", "list[1]", 2},
		{"need: x\n[sub]\n\nn: x\n", "sub.n", 4},
		{"need: x\n[@subs]\nn: 1\n[@subs]\nn: y\n", "subs[1].n", 5},
		{"port: 1\n", "need", 0},
		{"need: x\n@str: a\n", "str", 2},
		{"need: x\nport: 1\n[list]\n", "list", 3},
		{"need: x\nchan: 1\n", "chan", 2},
		{"need: x\n[labels]\n[.deep]\n", "labels.deep", 3},
	} {
		var v target
		err := Unmarshal([]byte(tc.in), &v, WithName("t.conf"))
		var pe *errs.ParseError
		if !errors.Is(err, ErrDecode) || !errors.Is(err, errs.ErrParse) || !errors.As(err, &pe) {
			t.Errorf("%q: got %v", tc.in, err)
			continue
		}
		if pe.Line != tc.line || pe.File != "t.conf" || !strings.Contains(pe.Msg, "key "+tc.path+":") {
			t.Errorf("%q: got line %d file %q msg %q, want line %d path %s", tc.in, pe.Line, pe.File, pe.Msg, tc.line, tc.path)
		}
	}
	var v struct{}
	if err := Unmarshal([]byte("k: v\n"), v); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("non-pointer: %v", err)
	}
	if err := Unmarshal([]byte("bad\n"), &v); !errors.Is(err, ErrLineFormat) {
		t.Errorf("parse error: %v", err)
	}
}
