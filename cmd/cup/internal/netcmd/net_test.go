package netcmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/errs"
	cupnet "github.com/cupgo/cup/net"
)

// fixtureFS is the library's captured /proc (two routes on eth0).
var fixtureFS = cupnet.FS{ProcRoot: "../../../../net/testdata/proc"}

func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.TestIO(nil, &out, &errOut)}
	cmd := NewCmd(f)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	return out.String(), err
}

func TestRoutesTableFixture(t *testing.T) {
	var out bytes.Buffer
	err := runRoutes(&RoutesOptions{IO: cmdutil.TestIO(nil, &out, &out), FS: fixtureFS})
	if err != nil {
		t.Fatal(err)
	}
	want := "" +
		"DESTINATION   GATEWAY    IFACE  METRIC  FLAGS\n" +
		"default       192.0.2.1  eth0   0       UG\n" +
		"192.0.2.0/24  -          eth0   0       U\n"
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRoutesJSONAndGetFixture(t *testing.T) {
	var out bytes.Buffer
	opts := &RoutesOptions{IO: cmdutil.TestIO(nil, &out, &out), FS: fixtureFS, JSON: true, Lookup: "192.0.2.77"}
	if err := runRoutes(opts); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if len(got) != 1 || got[0]["prefix"] != "192.0.2.0/24" || got[0]["iface"] != "eth0" || got[0]["gateway"] != "0.0.0.0" ||
		got[0]["mask"] != "255.255.255.0" || got[0]["up"] != true || got[0]["flags"] != float64(1) {
		t.Errorf("--get 192.0.2.77 --json = %v", got)
	}
}

func TestRoutesFlags(t *testing.T) {
	tests := []struct {
		args     []string
		wantErr  bool
		wantOpts RoutesOptions
	}{
		{nil, false, RoutesOptions{}},
		{[]string{"--json"}, false, RoutesOptions{JSON: true}},
		{[]string{"--get", "10.0.5.6"}, false, RoutesOptions{Lookup: "10.0.5.6"}},
		{[]string{"--get", "1.2.3"}, true, RoutesOptions{}},
		{[]string{"extra"}, true, RoutesOptions{}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			f := &cmdutil.Factory{IO: cmdutil.TestIO(nil, &out, &out)}
			var got *RoutesOptions
			cmd := NewCmdRoutes(f, func(o *RoutesOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&out)
			cmd.SetErr(&out)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr {
				if err == nil || got != nil {
					t.Fatalf("want a usage error before running, got %v (ran: %v)", err, got != nil)
				}
				if strings.HasPrefix(strings.Join(tt.args, " "), "--get") && !cmdutil.IsFlagError(err) {
					t.Errorf("bad --get is not a FlagError: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.JSON != tt.wantOpts.JSON || got.Lookup != tt.wantOpts.Lookup {
				t.Errorf("options %+v, want %+v", got, tt.wantOpts)
			}
		})
	}
}

func TestRoutesLive(t *testing.T) {
	rt, err := cupnet.ReadRouteTable()
	if err != nil {
		t.Skipf("no routing table here: %v", err)
	}
	out, err := execute(t, "routes")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(rt.Routes)+1 || !strings.HasPrefix(lines[0], "DESTINATION") {
		t.Errorf("%d lines for %d routes:\n%s", len(lines), len(rt.Routes), out)
	}
	out, err = execute(t, "routes", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got []cupnet.Route
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != len(rt.Routes) {
		t.Fatalf("--json: %v, %d routes for %d\n%s", err, len(got), len(rt.Routes), out)
	}
}

func TestIPLive(t *testing.T) {
	out, err := execute(t, "ip")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "IFACE") || !strings.Contains(out, "127.0.0.1/8") {
		t.Errorf("cup net ip:\n%s", out)
	}
	all, err := cupnet.AllInterfaces()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "\n"); n != len(all)+1 {
		t.Errorf("%d lines for %d interfaces", n, len(all))
	}

	out, err = execute(t, "ip", "lo", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got []ifaceJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(got) != 1 || got[0].Name != "lo" || !got[0].Loopback || got[0].PrimaryIPv4 != "127.0.0.1" ||
		!slices.Contains(got[0].Addrs, netip.MustParsePrefix("127.0.0.1/8")) {
		t.Errorf("cup net ip lo --json = %+v", got)
	}
}

func TestIPErrors(t *testing.T) {
	if _, err := execute(t, "ip", "nope0"); !errors.Is(err, errs.ErrNoSuchInterface) {
		t.Errorf("unknown interface: %v", err)
	}
	if _, err := execute(t, "ip", strings.Repeat("x", 20)); !errors.Is(err, errs.ErrInvalidInterfaceName) {
		t.Errorf("long name: %v", err)
	}
	if _, err := execute(t, "ip", "a", "b"); err == nil {
		t.Error("two arguments accepted")
	}
}

func TestFlagString(t *testing.T) {
	for f, want := range map[uint32]string{0: "-", 1: "U", 3: "UG", 5: "UH", 0x201: "U!"} {
		if got := flagString(f); got != want {
			t.Errorf("flagString(%#x) = %q, want %q", f, got, want)
		}
	}
}
