package net

import (
	"bufio"
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

func mustRead(t *testing.T, name string) *RouteTable {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rt, err := RouteParser{File: name}.Parse(f)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return rt
}

// nativeAddr decodes the kernel's %08X as the spec states it: the value's
// bytes in native order.
func nativeAddr(v uint32) netip.Addr {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

func TestParseSample(t *testing.T) {
	// testdata/proc/net/route is a capture of a real host's file, padding
	// included.
	rt, err := FS{ProcRoot: "testdata/proc"}.RouteTable()
	if err != nil {
		t.Fatal(err)
	}
	want := []Route{
		{Iface: "eth0", Destination: netip.MustParseAddr("0.0.0.0"), Gateway: netip.MustParseAddr("192.0.2.1"),
			Mask: netip.MustParseAddr("0.0.0.0"), Flags: 3},
		{Iface: "eth0", Destination: netip.MustParseAddr("192.0.2.0"), Gateway: netip.MustParseAddr("0.0.0.0"),
			Mask: netip.MustParseAddr("255.255.255.0"), Flags: 1},
	}
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" && runtime.GOARCH != "386" {
		t.Skip("the capture is from a little-endian host")
	}
	if !reflect.DeepEqual(rt.Routes, want) || rt.Skipped != 0 {
		t.Fatalf("routes = %+v (skipped %d)\nwant %+v", rt.Routes, rt.Skipped, want)
	}
	if s := rt.Routes[0].String(); s != "default via 192.0.2.1 dev eth0" {
		t.Errorf("String() = %q", s)
	}
	if s := rt.Routes[1].String(); s != "192.0.2.0/24 dev eth0" {
		t.Errorf("String() = %q", s)
	}
	if p := rt.Routes[1].Prefix(); p != netip.MustParsePrefix("192.0.2.0/24") {
		t.Errorf("Prefix() = %v", p)
	}
	if !rt.Routes[0].Up() || !rt.Routes[0].IsGateway() || rt.Routes[1].IsGateway() || !rt.Routes[0].IsDefault() {
		t.Error("flag helpers disagree with Flags 0003/0001")
	}
	wantPy := map[string]string{"Iface": "eth0", "Destination": "192.0.2.0", "Gateway": "0.0.0.0", "Flags": "0001",
		"RefCnt": "0", "Use": "0", "Metric": "0", "Mask": "255.255.255.0", "MTU": "0", "Window": "0", "IRTT": "0"}
	if got := rt.Routes[1].PythonView(); !reflect.DeepEqual(got, wantPy) {
		t.Errorf("PythonView() = %v, want %v", got, wantPy)
	}
}

func TestParseByteOrder(t *testing.T) {
	rt := mustRead(t, "route-byteorder")
	if len(rt.Routes) != 2 {
		t.Fatalf("got %d routes", len(rt.Routes))
	}
	if got, want := rt.Routes[0].Gateway, nativeAddr(0x0102A8C0); got != want {
		t.Errorf("gateway 0102A8C0 = %v, want %v", got, want)
	}
	if got, want := rt.Routes[1].Mask, nativeAddr(0x00FFFFFF); got != want {
		t.Errorf("mask 00FFFFFF = %v, want %v", got, want)
	}
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 { // little-endian host
		if rt.Routes[0].Gateway != netip.MustParseAddr("192.168.2.1") || rt.Routes[1].Mask != netip.MustParseAddr("255.255.255.0") {
			t.Errorf("little-endian decode: gateway %v mask %v", rt.Routes[0].Gateway, rt.Routes[1].Mask)
		}
	}
}

func TestParseMalformedLenient(t *testing.T) {
	rt := mustRead(t, "route-malformed")
	var ifaces []string
	for _, r := range rt.Routes {
		ifaces = append(ifaces, r.Iface)
	}
	// header, blank and blank-with-spaces lines are ignored; the 10-column,
	// 12-column and bad-hex lines are skipped and counted.
	if !slices.Equal(ifaces, []string{"eth0", "eth0"}) || rt.Skipped != 3 {
		t.Fatalf("routes on %v, skipped %d; want [eth0 eth0], 3", ifaces, rt.Skipped)
	}
}

func TestParseStrict(t *testing.T) {
	f, err := os.Open("testdata/route-malformed")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = RouteParser{File: "testdata/route-malformed", Strict: true}.Parse(f)
	var pe *errs.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *errs.ParseError", err)
	}
	if pe.File != "testdata/route-malformed" || pe.Line != 5 || !strings.HasPrefix(pe.Text, "eth1\t") {
		t.Errorf("error at %s:%d %q, want testdata/route-malformed:5 (the 10-column line)", pe.File, pe.Line, pe.Text)
	}
	if !errors.Is(err, errs.ErrBadRouteLine) || !errors.Is(err, errs.ErrParse) {
		t.Errorf("err %v does not match ErrBadRouteLine and ErrParse", err)
	}
	if !strings.Contains(err.Error(), "testdata/route-malformed:5:") {
		t.Errorf("message %q lacks file:line", err)
	}
}

func TestParseLineCases(t *testing.T) {
	good := "eth0\t0000000A\t00000000\t0001\t2\t3\t4\t000000FF\t1500\t5\t6"
	tests := []struct {
		name string
		line string
		ok   bool
	}{
		{"good", good, true},
		{"trailing spaces", good + "      ", true},
		{"lower-case hex", "eth0\t0000000a\t00000000\t0a01\t0\t0\t0\t000000ff\t0\t0\t0", true},
		{"10 fields", "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0", false},
		{"12 fields", good + "\t0", false},
		{"bad gateway", "eth0\t0000000A\t0000000G\t0001\t0\t0\t0\t000000FF\t0\t0\t0", false},
		{"9-digit hex", "eth0\t0000000A0\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0", false},
		{"empty mask", "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t\t0\t0\t0", false},
		{"bad metric", "eth0\t0000000A\t00000000\t0001\t0\t0\tx\t000000FF\t0\t0\t0", false},
		{"empty iface", "\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0", false},
		{"spaces only", "eth0 0000000A 00000000 0001 0 0 0 000000FF 0 0 0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, msg, ok := parseRouteLine([]byte(tt.line), "")
			if ok != tt.ok {
				t.Fatalf("ok = %v (%s), want %v", ok, msg, tt.ok)
			}
			if ok && tt.name == "good" {
				want := Route{Iface: "eth0", Destination: nativeAddr(0x0A), Gateway: nativeAddr(0), Mask: nativeAddr(0xFF),
					Flags: 1, RefCnt: 2, Use: 3, Metric: 4, MTU: 1500, Window: 5, IRTT: 6}
				if r != want {
					t.Errorf("got %+v\nwant %+v", r, want)
				}
			}
		})
	}
}

func TestParseTooLongLine(t *testing.T) {
	in := "Iface\tx\n" + strings.Repeat("a", maxRouteLine+1) + "\n"
	_, err := RouteParser{File: "big"}.Parse(strings.NewReader(in))
	var pe *errs.ParseError
	if !errors.As(err, &pe) || pe.File != "big" || pe.Line != 2 || !errors.Is(err, bufio.ErrTooLong) {
		t.Fatalf("err = %v, want a ParseError at big:2 wrapping bufio.ErrTooLong", err)
	}
}

func TestRouteTableFileErrors(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "net"), 0o755); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(root, "net", "route")
	good := "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n"
	if err := os.WriteFile(name, []byte("Iface\tx\n"+good+strings.Repeat("a", maxRouteLine+1)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := FS{ProcRoot: root}.RouteTable()
	var pe *errs.ParseError
	if !errors.As(err, &pe) || pe.File != name || pe.Line != 3 || !errors.Is(err, bufio.ErrTooLong) {
		t.Fatalf("err = %v, want a ParseError at %s:3 wrapping bufio.ErrTooLong", err, name)
	}
	// A table much larger than the pooled buffer.
	big := "Iface\tx\n" + strings.Repeat(good, 50000)
	if err := os.WriteFile(name, []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		rt, err := FS{ProcRoot: root}.RouteTable()
		if err != nil || len(rt.Routes) != 50000 || rt.Skipped != 0 {
			t.Fatalf("big table: %v, %d routes", err, len(rt.Routes))
		}
	}
}

func TestLookup(t *testing.T) {
	rt := mustRead(t, "route-lookup")
	tests := []struct {
		ip        string
		wantIface string
		wantErr   error
		why       string
	}{
		{"10.0.5.6", "eth2", nil, "a /16 beats both /8s (CUP picked the /8 with metric 100)"},
		{"10.1.2.3", "eth0", nil, "/8 metric 0 beats /8 metric 100"},
		{"10.0.1.9", "eth5", nil, "/24 with the lower metric wins"},
		{"10.0.2.1", "eth2", nil, "a route that is not up is ignored"},
		{"10.0.3.1", "eth2", nil, "a reject route is ignored"},
		{"10.0.4.1", "eth8", nil, "equal routes: the first line wins"},
		{"10.0.5.5", "eth0", nil, "host route /32"},
		{"8.8.8.8", "eth1", nil, "the default route with the lowest metric"},
		{"192.0.2.200", "eth1", nil, "default"},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			ip, err := ParseIPv4(tt.ip)
			if err != nil {
				t.Fatal(err)
			}
			r, err := rt.Lookup(ip)
			if err != nil {
				t.Fatal(err)
			}
			if r.Iface != tt.wantIface {
				t.Errorf("Lookup(%s) = %v; want dev %s: %s", tt.ip, r, tt.wantIface, tt.why)
			}
			iface, err := rt.InterfaceFor(ip)
			if err != nil || iface != tt.wantIface {
				t.Errorf("InterfaceFor(%s) = %q, %v", tt.ip, iface, err)
			}
		})
	}
}

func TestLookupNoRoute(t *testing.T) {
	rt := mustRead(t, "route-lookup")
	var noDefault RouteTable
	for _, r := range rt.Routes {
		if !r.IsDefault() {
			noDefault.Routes = append(noDefault.Routes, r)
		}
	}
	_, err := noDefault.Lookup(netip.MustParseAddr("8.8.8.8"))
	if !errors.Is(err, errs.ErrNoRoute) || !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNoRoute", err)
	}
	if _, err := noDefault.DefaultRoute(); !errors.Is(err, errs.ErrNoRoute) {
		t.Errorf("DefaultRoute() err = %v, want ErrNoRoute", err)
	}
	if _, err := (&RouteTable{}).Lookup(netip.MustParseAddr("1.2.3.4")); !errors.Is(err, errs.ErrNoRoute) {
		t.Errorf("empty table: %v", err)
	}
}

func TestInvalidIP(t *testing.T) {
	rt := mustRead(t, "route-lookup")
	for _, s := range []string{"bad", "1.2.3", "1.2.3.256", "::1", "2001:db8::1", "::ffff:1.2.3.4", "", "1.2.3.4 "} {
		if _, err := ParseIPv4(s); !errors.Is(err, errs.ErrInvalidIP) || !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("ParseIPv4(%q) err = %v, want ErrInvalidIP", s, err)
		}
	}
	for _, a := range []netip.Addr{{}, netip.MustParseAddr("::1"), netip.MustParseAddr("::ffff:10.0.5.6")} {
		if _, err := rt.Lookup(a); !errors.Is(err, errs.ErrInvalidIP) {
			t.Errorf("Lookup(%v) err = %v, want ErrInvalidIP", a, err)
		}
	}
}

func TestTableHelpers(t *testing.T) {
	rt := mustRead(t, "route-lookup")
	want := []string{"eth0", "eth1", "eth2", "eth3", "eth4", "eth5", "eth6", "eth7", "eth8", "eth9"}
	if got := rt.Interfaces(); !slices.Equal(got, want) {
		t.Errorf("Interfaces() = %v", got)
	}
	var got []string
	for _, r := range rt.ByInterface("eth0") {
		got = append(got, r.String())
	}
	if want := []string{"default via 192.0.2.1 dev eth0 metric 100", "10.0.0.0/8 dev eth0", "10.0.5.5/32 dev eth0"}; !slices.Equal(got, want) {
		t.Errorf("ByInterface(eth0) = %q, want %q", got, want)
	}
	if rt.ByInterface("nope") != nil {
		t.Error("ByInterface(nope) not empty")
	}
	def, err := rt.DefaultRoute()
	if err != nil || def.Iface != "eth1" || def.Gateway != netip.MustParseAddr("192.168.1.1") {
		t.Errorf("DefaultRoute() = %v, %v; want via 192.168.1.1 dev eth1 (lowest metric)", def, err)
	}
}

func TestMaskBits(t *testing.T) {
	tests := []struct {
		mask string
		ones int
		cont bool
	}{{"0.0.0.0", 0, true}, {"255.0.0.0", 8, true}, {"255.255.255.255", 32, true}, {"255.0.255.0", 16, false}}
	for _, tt := range tests {
		ones, cont := Route{Mask: netip.MustParseAddr(tt.mask)}.MaskBits()
		if ones != tt.ones || cont != tt.cont {
			t.Errorf("MaskBits(%s) = %d, %v", tt.mask, ones, cont)
		}
	}
}

func TestRouteTableMissing(t *testing.T) {
	_, err := FS{ProcRoot: t.TempDir()}.RouteTable()
	if !errors.Is(err, os.ErrNotExist) || !errors.Is(err, errs.ErrIO) {
		t.Fatalf("err = %v, want ErrIO wrapping ErrNotExist", err)
	}
}

// TestLiveRouteTable cross-checks /proc/net/route with "ip -4 route show
// table main" and "ip route get".
func TestLiveRouteTable(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	rt, err := ReadRouteTable()
	if err != nil {
		t.Fatal(err)
	}
	if rt.Skipped != 0 {
		t.Errorf("live table has %d unparsable lines", rt.Skipped)
	}
	for _, name := range rt.Interfaces() {
		if _, err := os.Stat(filepath.Join("/sys/class/net", name)); err != nil {
			t.Errorf("route interface %s is not in /sys/class/net: %v", name, err)
		}
	}
	ipBin, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("ip (iproute2) not installed: cannot cross-check; apt-get install iproute2")
	}
	out, err := exec.Command(ipBin, "-4", "route", "show", "table", "main").Output()
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		// keep "PREFIX [via GW] dev IF [metric N]", drop proto/scope/src.
		f := strings.Fields(l)
		if len(f) == 0 || f[0] == "unreachable" || f[0] == "prohibit" || f[0] == "blackhole" {
			continue
		}
		s := f[0]
		if !strings.Contains(s, "/") && s != "default" {
			s += "/32"
		}
		for i := 1; i+1 < len(f); i++ {
			switch f[i] {
			case "via", "dev", "metric":
				if f[i] == "metric" && f[i+1] == "0" {
					continue
				}
				s += " " + f[i] + " " + f[i+1]
			}
		}
		want = append(want, s)
	}
	for _, r := range rt.Routes {
		if r.IsReject() {
			continue
		}
		got = append(got, r.String())
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("/proc/net/route gives\n%q\nip route gives\n%q", got, want)
	}
	// The kernel's own choice for a few destinations must be ours.
	for _, dst := range []string{"8.8.8.8", "1.2.3.4", "10.0.5.6"} {
		out, err := exec.Command(ipBin, "-4", "route", "get", dst).Output()
		if err != nil {
			continue // no route: nothing to compare
		}
		f := strings.Fields(string(out))
		dev := ""
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "dev" {
				dev = f[i+1]
			}
		}
		iface, err := rt.InterfaceFor(netip.MustParseAddr(dst))
		if err != nil || iface != dev {
			t.Errorf("InterfaceFor(%s) = %q, %v; ip route get says dev %s", dst, iface, err, dev)
		}
	}
}

func nativeUint(a netip.Addr) uint32 {
	b := a.As4()
	return binary.NativeEndian.Uint32(b[:])
}

// TestRouteTableAllocs keeps reading the table cheap: the table, its
// slice, one string per interface (repeated names share it) and the
// syscall path conversion.
func TestRouteTableAllocs(t *testing.T) {
	if raceEnabled || runtime.GOOS != "linux" {
		t.Skip("allocation counts differ under the race detector")
	}
	fs := FS{ProcRoot: "testdata/proc"}
	if _, err := fs.RouteTable(); err != nil {
		t.Fatal(err)
	}
	n := testing.AllocsPerRun(100, func() {
		if _, err := fs.RouteTable(); err != nil {
			t.Fatal(err)
		}
	})
	if n > 6 {
		t.Errorf("FS.RouteTable allocates %v times per call, want ≤ 6", n)
	}
}

func TestDefaultGatewayLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	ipBin, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("ip (iproute2) not installed: cannot cross-check")
	}
	out, err := exec.Command(ipBin, "-4", "route", "show", "default").Output()
	if err != nil {
		t.Fatal(err)
	}
	gw, iface, err := DefaultGateway()
	f := strings.Fields(string(out))
	if len(f) == 0 {
		if !errors.Is(err, errs.ErrNoRoute) {
			t.Fatalf("no default route, but DefaultGateway() = %v, %s, %v", gw, iface, err)
		}
		return
	}
	var wantGW, wantDev string
	for i := 0; i+1 < len(f); i++ {
		switch f[i] {
		case "via":
			if wantGW == "" {
				wantGW = f[i+1]
			}
		case "dev":
			if wantDev == "" {
				wantDev = f[i+1]
			}
		}
	}
	if err != nil || gw.String() != wantGW || iface != wantDev {
		t.Errorf("DefaultGateway() = %v, %s, %v; ip route show default: %s", gw, iface, err, out)
	}
}
