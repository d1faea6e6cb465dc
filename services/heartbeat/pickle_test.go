package heartbeat

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

// The fixtures in testdata/pickle were written by Python 2.7's
// pickle.dumps (protocols 0, 1 and 2) from the dicts in the .json files:
// LinuxHost records as CUP 3.2.7 agents send them, CUP's initial record,
// and one with every kind of plain value.

// asJSONValue renders v as encoding/json would decode it, so that it can
// be compared with a fixture's expectation.
func asJSONValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDecodePickleFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/pickle/*.pkl")
	if len(files) != 9 {
		t.Fatalf("%d pickle fixtures, want 9", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(strings.SplitN(f, ".", 2)[0] + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var wantV any
		if err := json.Unmarshal(want, &wantV); err != nil {
			t.Fatal(err)
		}
		got, err := decodePickle(data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if g := asJSONValue(t, got); !reflect.DeepEqual(g, wantV) {
			t.Errorf("%s:\n got %v\nwant %v", f, g, wantV)
		}
	}
}

func TestUnmarshalHostInfoPickle(t *testing.T) {
	for _, p := range []string{"p0", "p1", "p2"} {
		data, err := os.ReadFile("testdata/pickle/host." + p + ".pkl")
		if err != nil {
			t.Fatal(err)
		}
		h, err := UnmarshalHostInfo(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		want := HostInfo{Iface: "eth0", IPAddr: "10.0.0.7", Port: 8089, Hostname: "worker-07.example.com",
			CPUIdle: 87.5, MemInUse: 25276063744 - 23951880192, MemTotal: 25276063744, NetIn: 1234.5, NetOut: 0}
		if h != want {
			t.Errorf("%s: %+v, want %+v", p, h, want)
		}
	}
	data, _ := os.ReadFile("testdata/pickle/odd.p0.pkl")
	h, err := UnmarshalHostInfo(data)
	if err != nil || h.Hostname != "café" || h.Port != 1<<40 || h.Iface != "网口" || h.NetOut != 3 {
		t.Errorf("odd record: %+v, %v", h, err)
	}
}

// TestDecodePickleRefuses: nothing that imports, calls or builds objects
// is accepted, nor malformed or truncated data; the error matches
// errs.ErrParse through UnmarshalHostInfo.
func TestDecodePickleRefuses(t *testing.T) {
	for _, c := range []string{
		"cos\nsystem\n(S'echo pwned'\ntR.",                                   // GLOBAL + REDUCE
		"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.", // protocol 2 call
		"(i__main__\nEvil\n(dp0\nb.",                                         // INST + BUILD
		"(dp0\nS'a'\np1\nI1\ns",                                              // no STOP
		"(dp0\nS'a'\np1\nI1\ns.junk",                                         // data after STOP
		"(dp0\nS'a\np1\nI1\ns.",                                              // bad quoting
		"(dp0\nI1\nI2\ns.",                                                   // non-string key
		"(dp0\ng7\n.",                                                        // unknown memo
		"\x80\x05}.",                                                         // protocol 5
		"(S'x'\nl.",                                                          // a list, not a dict (for host info)
		"}X\xff\xff\xff\x7fab.",                                              // string past the end
		"(dp0\nS'a'\nL99999999999999999999999L\ns.",                          // long out of range
		"(dp0\nS'self'\np1\ng0\ns.",                                          // a dict holding itself
		"",
	} {
		if _, err := UnmarshalHostInfo([]byte(c)); !errors.Is(err, errs.ErrParse) {
			t.Errorf("UnmarshalHostInfo(%q) = %v, want ErrParse", c, err)
		}
	}
	if _, err := decodePickle([]byte("cos\nsystem\n.")); !errors.Is(err, errPickle) || !strings.Contains(err.Error(), "refused") {
		t.Errorf("GLOBAL: %v", err)
	}
}

// FuzzDecodePickle: no input panics, hangs or yields anything but plain
// values.
func FuzzDecodePickle(f *testing.F) {
	files, _ := filepath.Glob("testdata/pickle/*.pkl")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("cos\nsystem\n(S'x'\ntR."))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decodePickle(data)
		if err != nil {
			return
		}
		var check func(any)
		check = func(v any) {
			switch x := v.(type) {
			case nil, bool, int64, float64, string:
			case []any:
				for _, e := range x {
					check(e)
				}
			case map[string]any:
				for _, e := range x {
					check(e)
				}
			default:
				t.Fatalf("decoded a %T", v)
			}
		}
		check(v)
		_, _ = UnmarshalHostInfo(data)
	})
}

// TestMasterHearsPickledHeartbeat: a CUP 3.2.7 agent's heartbeat body is
// its pickled LinuxHost dict; the master registers the agent under its
// sender address with that record and acknowledges it.
func TestMasterHearsPickledHeartbeat(t *testing.T) {
	netw := NewMemNetwork()
	mtr, _ := netw.Listen("master")
	m, err := NewMaster(mtr, &MasterConfig{LostAfter: time.Hour, CheckEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	stop := runner(m.Run)
	defer stop()
	agent, _ := netw.Listen("agent-327")
	acks := make(chan Message, 1)
	agentStop := runner(func(ctx context.Context) error {
		return agent.Serve(ctx, func(_ context.Context, msg Message) { acks <- msg })
	})
	defer agentStop()

	body, err := os.ReadFile("testdata/pickle/host.p0.pkl")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := agent.Send(ctx, "master", Message{Type: TypeHeartbeat, ID: 41, Body: body}); err != nil {
		t.Fatal(err)
	}
	select {
	case ack := <-acks:
		if ack.Type != TypeAckHeartbeat || ack.ID != 42 {
			t.Errorf("ack %+v", ack)
		}
	case <-ctx.Done():
		t.Fatal("no ack")
	}
	d, ok := m.Service().Get("agent-327")
	if !ok || d.Info == nil || d.Info.Hostname != "worker-07.example.com" || d.Info.MemTotal != 25276063744 || d.Info.CPUIdle != 87.5 {
		t.Fatalf("device %+v", d)
	}
}

// TestBeatPickle: what LegacyPickle sends decodes to the same record as
// the JSON body, for awkward strings and numbers too.
func TestBeatPickle(t *testing.T) {
	b := beat{HostInfo: HostInfo{Iface: "eth0", IPAddr: "10.0.0.7", Port: 8089, Hostname: `it's a \ "host" é`,
		CPUIdle: 87.5, MemInUse: 1 << 40, MemTotal: -1, NetIn: 1e-300, NetOut: 3}, Name: "agent\t1", Seq: 7}
	p, err := b.pickle()
	if err != nil {
		t.Fatal(err)
	}
	v, err := decodePickle(p)
	if err != nil {
		t.Fatalf("%q: %v", p, err)
	}
	var want any
	raw, _ := json.Marshal(b)
	_ = json.Unmarshal(raw, &want)
	if got := asJSONValue(t, v); !reflect.DeepEqual(got, want) {
		t.Errorf("pickle %q decodes to %v, want %v", p, got, want)
	}
	h, err := UnmarshalHostInfo(p)
	if err != nil || h != b.HostInfo {
		t.Errorf("UnmarshalHostInfo: %+v, %v; want %+v", h, err, b.HostInfo)
	}
}

// TestAgentLegacyPickle: an agent with LegacyPickle is heard by a Master
// (which reads both forms) under its name.
func TestAgentLegacyPickle(t *testing.T) {
	netw := NewMemNetwork()
	mtr, _ := netw.Listen("master")
	m, err := NewMaster(mtr, &MasterConfig{LostAfter: time.Hour, CheckEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer runner(m.Run)()
	tr, _ := netw.Listen("")
	a, err := NewAgent(tr, &AgentConfig{Master: "master", Name: "old-style", Interval: 50 * time.Millisecond,
		SampleEvery: time.Hour, Sample: staticSample("old-style"), LegacyPickle: true})
	if err != nil {
		t.Fatal(err)
	}
	defer runner(a.Run)()
	eventually(t, "registration", func() bool {
		d, ok := m.Service().Get("old-style")
		return ok && d.Info != nil && d.Info.Hostname != ""
	})
	eventually(t, "ack", func() bool { return a.Stats().Acks > 0 })
}
