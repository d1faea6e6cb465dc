//go:build interop && linux

// A test against Baidu's own CUP: in a network namespace with a routing
// table made for the purpose (nested prefixes, equal prefixes with other
// metrics, a host route, a default route, a reject route), CUP 3.2.7's
// RouteInfo (under Python 2.7) and RouteTable must list the same routes,
// field for field in CUP's string form, and for every probe address
// RouteTable.InterfaceFor must name the interface the kernel itself picks
// (ip route get); CUP's own pick is logged where it differs (its lookup
// compares byte-swapped integers and prefers the larger metric). Needs
// root and iproute2. CUP's source is not part of this repository, so the
// test is built only with -tags interop:
//
//	CUP_SRC=/path/to/CUP-3.2.7 CUP_PYTHON=python2.7 \
//	    go test -tags interop -run TestInteropCUPRoutes ./net
//
// or scripts/interop-cup.sh. Once built with the tag, a missing CUP_SRC
// fails the test: it never skips.

package net

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/cupgo/cup/internal/cupinterop"
)

// cupRouteOracle prints CUP's get_routes() and, for each address in
// argv[3] (comma-separated), get_interface_by_ip, as one JSON object.
const cupRouteOracle = `
import json, sys
from cup.net import route
ri = route.RouteInfo()
print(json.dumps({'routes': ri.get_routes(),
                  'iface': {ip: ri.get_interface_by_ip(ip) for ip in sys.argv[3].split(',')}}))
`

func TestInteropCUPRoutes(t *testing.T) {
	env := cupinterop.Setup(t, "cup/net/route.py")
	src, stubs, python := env.Src, env.Stubs, env.Python2
	script := env.Script(t, "oracle.py", cupRouteOracle)

	ns := fmt.Sprintf("cupinterop%d", os.Getpid())
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("ip", "netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	in := func(args ...string) string {
		t.Helper()
		return run(append([]string{"ip", "netns", "exec", ns}, args...)...)
	}
	for _, c := range []string{
		// veth pairs: this kernel may have no dummy driver.
		"ip link add d0 type veth peer name d0p", "ip link add d1 type veth peer name d1p",
		"ip link set d0p up", "ip link set d1p up",
		"ip link set d0 up", "ip link set d1 up", "ip link set lo up",
		"ip addr add 10.1.2.1/24 dev d0", "ip addr add 10.9.0.1/16 dev d1",
		"ip route add 10.0.0.0/8 dev d0 metric 5",
		"ip route add 10.1.0.0/16 dev d1 metric 1",
		"ip route add 10.1.2.3/32 dev d1",
		"ip route add 192.168.0.0/16 dev d0 metric 10",
		"ip route add 192.168.0.0/16 dev d1 metric 3",
		"ip route add 192.168.7.0/24 dev d0 metric 7",
		"ip route add 172.20.0.0/16 dev d1 mtu 1400 window 65535 rtt 10",
		"ip route add unreachable 172.16.0.0/12",
		"ip route add default via 10.1.2.254 dev d0",
	} {
		in(strings.Fields(c)...)
	}

	probes := []string{"10.1.2.3", "10.1.2.4", "10.1.9.9", "10.2.3.4", "10.9.0.5", "192.168.7.7",
		"192.168.8.8", "172.20.1.1", "8.8.8.8", "127.0.0.1"}
	out := in(python, script, src, stubs, strings.Join(probes, ","))
	var cup struct {
		Routes []map[string]string `json:"routes"`
		Iface  map[string]*string  `json:"iface"`
	}
	if err := json.Unmarshal([]byte(out), &cup); err != nil {
		t.Fatalf("CUP printed %q: %v", out, err)
	}

	// Read the namespace's table through a process inside it.
	holder := exec.Command("ip", "netns", "exec", ns, "sleep", "60")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = holder.Process.Kill(); _ = holder.Wait() }()
	var table *RouteTable
	for range 100 { // until sleep has replaced ip in the namespace
		tb, err := FS{ProcRoot: fmt.Sprintf("/proc/%d", holder.Process.Pid)}.RouteTable()
		if err == nil && len(tb.Routes) == len(cup.Routes) {
			table = tb
			break
		}
		in("true")
	}
	if table == nil {
		t.Fatal("could not read the namespace's routing table")
	}
	var ours []map[string]string
	for _, r := range table.Routes {
		ours = append(ours, r.PythonView())
	}
	if !reflect.DeepEqual(ours, cup.Routes) {
		o, _ := json.MarshalIndent(ours, "", " ")
		c, _ := json.MarshalIndent(cup.Routes, "", " ")
		t.Errorf("routes differ\ncup-go: %s\nCUP:    %s", o, c)
	}

	for _, p := range probes {
		kernel := ""
		if f := strings.Fields(in("ip", "-o", "route", "get", p)); len(f) > 0 {
			for i := range f[:len(f)-1] {
				if f[i] == "dev" {
					kernel = f[i+1]
				}
			}
		}
		got, err := table.InterfaceFor(netip.MustParseAddr(p))
		if p == "127.0.0.1" {
			// The kernel answers from its local table (lo), which is not
			// in /proc/net/route: both sides fall back on the default
			// route there.
			if c := cup.Iface[p]; err != nil || c == nil || got != *c || got != "d0" {
				t.Errorf("%s: cup-go %q (%v), CUP %v; want the default route's d0 on both", p, got, err, cup.Iface[p])
			}
			continue
		}
		if err != nil || got != kernel {
			t.Errorf("%s: cup-go %q (%v), kernel %q", p, got, err, kernel)
		}
		if c := cup.Iface[p]; c == nil || *c != kernel {
			var cs any = c
			if c != nil {
				cs = *c
			}
			t.Logf("%s: CUP picks %v, the kernel (and cup-go) %s", p, cs, kernel)
		}
	}
}
