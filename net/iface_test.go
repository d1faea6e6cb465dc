package net

import (
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

func TestInterfacesFixture(t *testing.T) {
	got, err := FS{SysRoot: "testdata/sys"}.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	// lo is left out, wlo1 is not (CUP 3.2.7 compared the exact name).
	if want := []string{"eth0", "ifb0", "wlo1"}; !slices.Equal(got, want) {
		t.Errorf("Interfaces() = %v, want %v", got, want)
	}
}

func TestInterfacesMissingDir(t *testing.T) {
	_, err := FS{SysRoot: t.TempDir()}.Interfaces()
	if !errors.Is(err, errs.ErrNotSupported) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want ErrNotSupported wrapping ErrNotExist", err)
	}
}

func TestInterfacesLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	got, err := Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir("/sys/class/net")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range ents {
		if e.Name() != "lo" {
			want = append(want, e.Name())
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) || !slices.IsSorted(got) || slices.Contains(got, "lo") {
		t.Errorf("Interfaces() = %v, /sys/class/net without lo = %v", got, want)
	}
	// Every interface of /sys/class/net is known to AllInterfaces too.
	all, err := AllInterfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range got {
		if !slices.ContainsFunc(all, func(i Interface) bool { return i.Name == name }) {
			t.Errorf("%s is in /sys/class/net but not in AllInterfaces", name)
		}
	}
}

// ipAddrShow returns the IPv4 addresses "ip -4 -o addr show dev X" lists,
// the primary first.
func ipAddrShow(t *testing.T, dev string) []netip.Prefix {
	t.Helper()
	ipBin, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("ip (iproute2) not installed: cannot cross-check")
	}
	out, err := exec.Command(ipBin, "-4", "-o", "addr", "show", "dev", dev).Output()
	if err != nil {
		t.Fatal(err)
	}
	var addrs []netip.Prefix
	f := strings.Fields(string(out))
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "inet" {
			addrs = append(addrs, netip.MustParsePrefix(f[i+1]))
		}
	}
	return addrs
}

func TestInterfaceIPv4Live(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	a, err := InterfaceIPv4("lo")
	if err != nil || a != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("InterfaceIPv4(lo) = %v, %v", a, err)
	}
	all, err := AllInterfaces()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, i := range all {
		if len(i.IPv4()) == 0 {
			continue
		}
		addrs := ipAddrShow(t, i.Name)
		if len(addrs) == 0 {
			continue
		}
		got, err := InterfaceIPv4(i.Name)
		if err != nil || got != addrs[0].Addr() {
			t.Errorf("InterfaceIPv4(%s) = %v, %v; ip addr shows primary %v", i.Name, got, err, addrs[0])
		}
		ii, err := InterfaceByName(i.Name)
		if err != nil || !slices.Contains(ii.Addrs, addrs[0]) {
			t.Errorf("InterfaceByName(%s) = %+v, %v; want it to list %v", i.Name, ii, err, addrs[0])
		}
		checked++
	}
	if checked == 0 {
		t.Error("no interface with IPv4 was cross-checked")
	}
}

// TestInterfaceIPv4AliasLabel adds an address labelled lo:cup to lo and
// checks that the label resolves to it (SIOCGIFADDR), which
// net.InterfaceByName cannot do. It needs root and iproute2.
func TestInterfaceIPv4AliasLabel(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs Linux and root to add an address")
	}
	ipBin, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("ip (iproute2) not installed")
	}
	const addr, label = "127.0.99.77/32", "lo:cup"
	if out, err := exec.Command(ipBin, "addr", "add", addr, "dev", "lo", "label", label).CombinedOutput(); err != nil {
		t.Skipf("cannot add %s to lo: %v %s", addr, err, out)
	}
	t.Cleanup(func() { exec.Command(ipBin, "addr", "del", addr, "dev", "lo").Run() })
	got, err := InterfaceIPv4(label)
	if err != nil || got != netip.MustParseAddr("127.0.99.77") {
		t.Errorf("InterfaceIPv4(%s) = %v, %v; want 127.0.99.77", label, got, err)
	}
	if got, _ := InterfaceIPv4("lo"); got != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("InterfaceIPv4(lo) = %v after adding an alias; want the primary 127.0.0.1", got)
	}
}

func TestInterfaceIPv4Errors(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	tests := []struct {
		name string
		want error
	}{
		{"nope", errs.ErrNoSuchInterface},
		{"", errs.ErrInvalidInterfaceName},
		{"abcdefghijklmnop", errs.ErrInvalidInterfaceName},             // 16 bytes
		{"lo" + strings.Repeat("x", 18), errs.ErrInvalidInterfaceName}, // 20 bytes, not cut to anything
	}
	for _, tt := range tests {
		_, err := InterfaceIPv4(tt.name)
		if !errors.Is(err, tt.want) {
			t.Errorf("InterfaceIPv4(%q) err = %v, want %v", tt.name, err, tt.want)
		}
		if _, err := InterfaceByName(tt.name); !errors.Is(err, tt.want) {
			t.Errorf("InterfaceByName(%q) err = %v, want %v", tt.name, err, tt.want)
		}
	}
	// An interface that exists but has no IPv4 address.
	all, err := AllInterfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range all {
		if len(i.IPv4()) == 0 && len(i.Name) < ifNameSize {
			_, err := InterfaceIPv4(i.Name)
			if !errors.Is(err, errs.ErrNoIPv4Address) {
				t.Errorf("InterfaceIPv4(%s) (no IPv4) err = %v, want ErrNoIPv4Address", i.Name, err)
			}
			return
		}
	}
	t.Log("no interface without IPv4 here; ErrNoIPv4Address not exercised")
}

func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func TestInterfaceIPv4NoFDLeak(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	before := openFDs(t)
	for i := 0; i < 10000; i++ {
		if _, err := InterfaceIPv4("lo"); err != nil {
			t.Fatal(err)
		}
		if _, err := InterfaceIPv4("nope"); err == nil {
			t.Fatal("nope resolved")
		}
	}
	if after := openFDs(t); after != before {
		t.Errorf("open descriptors %d -> %d after 20 000 calls", before, after)
	}
}

func TestFirstIPv4SkipsLoopbackByFlag(t *testing.T) {
	p := netip.MustParsePrefix
	all := []Interface{
		{Name: "lo", Up: true, Loopback: true, Addrs: []netip.Prefix{p("127.0.0.1/8")}},
		{Name: "eth9", Up: false, Addrs: []netip.Prefix{p("10.9.9.9/24")}},
		{Name: "eth1", Up: true, Addrs: []netip.Prefix{p("fe80::1/64")}},
		{Name: "wlo1", Up: true, Addrs: []netip.Prefix{p("fe80::2/64"), p("192.168.7.7/24")}},
		{Name: "eth2", Up: true, Addrs: []netip.Prefix{p("10.2.2.2/24")}},
	}
	got, err := firstIPv4(all)
	if err != nil || got != netip.MustParseAddr("192.168.7.7") {
		t.Errorf("firstIPv4 = %v, %v; want wlo1's 192.168.7.7", got, err)
	}
	if _, err := firstIPv4(all[:3]); !errors.Is(err, errs.ErrNoIPv4Address) {
		t.Errorf("no candidate: %v", err)
	}
}

func TestFirstInterfaceIPv4Live(t *testing.T) {
	all, err := AllInterfaces()
	if err != nil {
		t.Fatal(err)
	}
	got, err := FirstInterfaceIPv4()
	want, wantErr := firstIPv4(all)
	if got != want || (err == nil) != (wantErr == nil) {
		t.Errorf("FirstInterfaceIPv4() = %v, %v; want %v, %v", got, err, want, wantErr)
	}
	if err == nil && got.IsLoopback() {
		t.Errorf("FirstInterfaceIPv4() = loopback %v", got)
	}
}
