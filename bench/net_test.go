package bench

import (
	stdnet "net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"

	cupnet "github.com/cupgo/cup/net"
)

// BenchmarkRouteLookup answers "which route does 8.8.8.8 take?" from
// scratch: cup reads and parses /proc/net/route and runs its
// longest-prefix match; netlink asks the kernel with RTM_GETROUTE over a
// fresh netlink socket (what "ip route get" does).
func BenchmarkRouteLookup(b *testing.B) {
	dst := netip.MustParseAddr("8.8.8.8")
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rt, err := cupnet.ReadRouteTable()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := rt.Lookup(dst); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("netlink", func(b *testing.B) {
		b.ReportAllocs()
		ip := stdnet.IP(dst.AsSlice())
		for b.Loop() {
			rs, err := netlink.RouteGet(ip)
			if err != nil || len(rs) == 0 {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRouteRead parses /proc/net/route: cup's RouteTable against the
// floor a naive reader reaches with the standard library (os.ReadFile,
// strings.Split, strconv), which is how CUP's RouteInfo parses it.
func BenchmarkRouteRead(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cupnet.ReadRouteTable(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := naiveRoutes("/proc/net/route"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type naiveRoute struct {
	iface                string
	dst, gw, mask, flags uint64
	refcnt, use, metric  int
	mtu, window, irtt    int
}

func naiveRoutes(name string) ([]naiveRoute, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var out []naiveRoute
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 11 || f[0] == "Iface" {
			continue
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		var r naiveRoute
		r.iface = f[0]
		hex := []*uint64{&r.dst, &r.gw, &r.flags}
		for i, p := range hex {
			if *p, err = strconv.ParseUint(f[i+1], 16, 32); err != nil {
				return nil, err
			}
		}
		if r.mask, err = strconv.ParseUint(f[7], 16, 32); err != nil {
			return nil, err
		}
		dec := []*int{&r.refcnt, &r.use, &r.metric}
		for i, p := range dec {
			if *p, err = strconv.Atoi(f[i+4]); err != nil {
				return nil, err
			}
		}
		dec = []*int{&r.mtu, &r.window, &r.irtt}
		for i, p := range dec {
			if *p, err = strconv.Atoi(f[i+8]); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, nil
}
