package heartbeat

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

// Checklist 25: CUP's key names, round trip, garbage rejected.
func TestHostInfoJSON(t *testing.T) {
	h := HostInfo{Iface: "eth0", IPAddr: "10.0.0.7", Port: 51100, Hostname: "agent-1",
		CPUIdle: 97.5, MemInUse: 1 << 30, MemTotal: 8 << 30, NetIn: 1200.5, NetOut: 300}
	b, err := h.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"iface", "ipaddr", "port", "hostname", "cpu_idle", "mem_inuse", "mem_total", "net_in", "net_out"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("key %q missing from %s", k, b)
		}
	}
	if len(keys) != 9 {
		t.Errorf("%d keys in %s, want CUP's 9", len(keys), b)
	}
	back, err := UnmarshalHostInfo(b)
	if err != nil || back != h {
		t.Errorf("round trip = %+v, %v; want %+v", back, err, h)
	}
	if h.IPPort() != "10.0.0.7:51100" {
		t.Errorf("IPPort = %q", h.IPPort())
	}
	// A partial CUP dict with an unknown key: CUP defaults for the rest.
	got, err := UnmarshalHostInfo([]byte(`{"hostname":"x","cpu_idle":12,"extra":[1]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := HostInfo{IPAddr: "0.0.0.0", Hostname: "x", CPUIdle: 12, MemInUse: -1, MemTotal: -1, NetIn: -1, NetOut: -1}
	if got != want {
		t.Errorf("partial = %+v, want %+v", got, want)
	}
	for _, bad := range []string{"", "(dp0\nS'iface'\n", `[1,2]`, `{"port":"x"}`, `{"cpu_idle":`} {
		if _, err := UnmarshalHostInfo([]byte(bad)); !errors.Is(err, errs.ErrParse) {
			t.Errorf("UnmarshalHostInfo(%q) error = %v, want ErrParse", bad, err)
		}
	}
	d := &Device{Name: "k"}
	if b, _ := d.Marshal(); string(b) != "null" {
		t.Errorf("bare device marshals to %s", b)
	}
}

func TestNewHostInfoDefaults(t *testing.T) {
	h := NewHostInfo("eth0", 51100)
	if h.Port != 51100 || h.IPAddr != "0.0.0.0" || h.CPUIdle != -1 || h.MemTotal != -1 || h.NetIn != -1 || h.NetOut != -1 || h.MemInUse != -1 {
		t.Errorf("NewHostInfo = %+v", h)
	}
}

func TestCollectLocalLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		_, err := CollectLocal(context.Background(), "lo", 1)
		if !errors.Is(err, errs.ErrNotSupported) {
			t.Fatalf("off Linux: %v", err)
		}
		return
	}
	start := time.Now()
	h, err := CollectLocal(context.Background(), "lo", 7)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("CollectLocal(lo): %v (info %+v)", err, h)
	}
	if h.Iface != "lo" || h.Port != 7 || h.IPAddr != "127.0.0.1" {
		t.Errorf("identity %+v", h)
	}
	if h.CPUIdle < 0 || h.CPUIdle > 100 {
		t.Errorf("cpu_idle %v", h.CPUIdle)
	}
	if h.MemTotal <= 0 || h.MemInUse <= 0 || h.MemInUse > h.MemTotal {
		t.Errorf("memory %d / %d", h.MemInUse, h.MemTotal)
	}
	if h.NetIn < 0 || h.NetOut < 0 {
		t.Errorf("net %v / %v", h.NetIn, h.NetOut)
	}
	// CPU and network are sampled concurrently: about 1 s, not 2.
	if took > 1900*time.Millisecond {
		t.Logf("CollectLocal took %v (loaded machine?)", took)
	}

	// An unknown interface: the rest is still sampled, the error names it.
	h, err = CollectLocal(context.Background(), "nosuch0", 0)
	if err == nil {
		t.Fatal("unknown interface: no error")
	}
	if h.MemTotal <= 0 || h.CPUIdle < 0 || h.NetIn != -1 {
		t.Errorf("partial info %+v", h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CollectLocal(ctx, "lo", 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// FuzzUnmarshalHostInfo: whatever decodes re-encodes and decodes to the
// same record; nothing panics.
func FuzzUnmarshalHostInfo(f *testing.F) {
	b, _ := NewHostInfo("eth0", 1).Marshal()
	f.Add(b)
	f.Add([]byte(`{"cpu_idle":1e308,"port":-1,"name":"x","seq":3}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, in []byte) {
		h, err := UnmarshalHostInfo(in)
		if err != nil {
			return
		}
		out, err := h.Marshal()
		if err != nil {
			return // NaN/Inf cannot come from JSON, but do not insist
		}
		back, err := UnmarshalHostInfo(out)
		if err != nil || back != h {
			t.Fatalf("%s -> %+v -> %s -> %+v, %v", in, h, out, back, err)
		}
	})
}
