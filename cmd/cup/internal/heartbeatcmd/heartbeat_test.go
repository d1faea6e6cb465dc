package heartbeatcmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/internal/testutil"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestMasterFlags(t *testing.T) {
	tests := []struct {
		args    string
		want    MasterOptions
		wantErr string
	}{
		{args: "--listen 127.0.0.1:51100", want: MasterOptions{Listen: "127.0.0.1:51100", LostAfter: 5 * time.Second, Transport: "cup"}},
		{args: "--listen :0 --lost-after 2s --check-every 100ms --json --transport tcp", want: MasterOptions{Listen: ":0", LostAfter: 2 * time.Second, CheckEvery: 100 * time.Millisecond, JSON: true, Transport: "tcp"}},
		{args: "--listen :0 --transport udp", wantErr: "--transport"},
		{args: "", wantErr: "--listen is required"},
		{args: "--listen :0 --lost-after 0s", wantErr: "--lost-after"},
		{args: "--listen :0 --check-every -1s", wantErr: "--check-every"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			var got *MasterOptions
			f := &cmdutil.Factory{IO: cmdutil.TestIO(nil, &bytes.Buffer{}, &bytes.Buffer{})}
			cmd := NewCmdMaster(f, func(_ context.Context, o *MasterOptions) error { got = o; return nil })
			args := strings.Fields(tt.args)
			cmd.SetArgs(args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !cmdutil.IsFlagError(err) {
					t.Fatalf("error %v, want a flag error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO = nil
			if *got != tt.want {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestAgentFlags(t *testing.T) {
	tests := []struct {
		args    string
		want    AgentOptions
		wantErr string
	}{
		{args: "--master 127.0.0.1:51100", want: AgentOptions{Master: "127.0.0.1:51100", Interval: time.Second, Transport: "cup"}},
		{args: "--master 10.0.0.1:1 --interval 200ms --name web-1 --iface lo --listen 127.0.0.1:0 --duration 3s --json",
			want: AgentOptions{Master: "10.0.0.1:1", Interval: 200 * time.Millisecond, Name: "web-1", Iface: "lo", Listen: "127.0.0.1:0", Duration: 3 * time.Second, JSON: true, Transport: "cup"}},
		{args: "--master 1.2.3.4:5 --pickle", want: AgentOptions{Master: "1.2.3.4:5", Interval: time.Second, Transport: "cup", Pickle: true}},
		{args: "--master 1.2.3.4:5 --pickle --transport tcp", wantErr: "--pickle"},
		{args: "--master 1.2.3.4:5 --transport x", wantErr: "--transport"},
		{args: "", wantErr: "--master is required"},
		{args: "--master nocolon", wantErr: "want IP:PORT"},
		{args: "--master 1.2.3.4:5 --interval 0s", wantErr: "--interval"},
		{args: "--master 1.2.3.4:5 --duration -1s", wantErr: "--duration"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			var got *AgentOptions
			f := &cmdutil.Factory{IO: cmdutil.TestIO(nil, &bytes.Buffer{}, &bytes.Buffer{})}
			cmd := NewCmdAgent(f, func(_ context.Context, o *AgentOptions) error { got = o; return nil })
			args := strings.Fields(tt.args)
			cmd.SetArgs(args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !cmdutil.IsFlagError(err) {
					t.Fatalf("error %v, want a flag error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO = nil
			if *got != tt.want {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}

type syncBuffer = testutil.SyncBuffer

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func jsonLines[T any](t *testing.T, s string) []T {
	t.Helper()
	var out []T
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		out = append(out, v)
	}
	return out
}

// A real master and agent on loopback: the master prints the agent's
// join and, after the agent's --duration ends, its loss.
func TestMasterAndAgentJSON(t *testing.T) {
	for _, tr := range []string{transportCUP, transportTCP} {
		t.Run(tr, func(t *testing.T) { testMasterAndAgentJSON(t, tr) })
	}
}

func testMasterAndAgentJSON(t *testing.T, transport string) {
	mout := &syncBuffer{}
	mopts := &MasterOptions{IO: cmdutil.TestIO(nil, mout, &bytes.Buffer{}), Listen: "127.0.0.1:0",
		LostAfter: 600 * time.Millisecond, JSON: true, Transport: transport}
	ctx, cancel := context.WithCancel(context.Background())
	mdone := make(chan error, 1)
	go func() { mdone <- runMaster(ctx, mopts) }()
	defer func() {
		cancel()
		if err := <-mdone; err != nil {
			t.Errorf("master: %v", err)
		}
	}()
	waitFor(t, "listening line", func() bool { return strings.Contains(mout.String(), "\n") })
	first := jsonLines[masterLine](t, mout.String())[0]
	if first.Event != "listening" || !strings.HasPrefix(first.Addr, "127.0.0.1:") {
		t.Fatalf("first line %+v", first)
	}

	aout := &syncBuffer{}
	aopts := &AgentOptions{IO: cmdutil.TestIO(nil, aout, &bytes.Buffer{}), Master: first.Addr, Listen: "127.0.0.1:0",
		Name: "cmd-agent", Iface: "lo", Interval: 50 * time.Millisecond, Duration: 1500 * time.Millisecond, JSON: true, Transport: transport}
	if err := runAgent(context.Background(), aopts); err != nil {
		t.Fatalf("agent: %v", err)
	}
	alines := jsonLines[agentLine](t, aout.String())
	var events []string
	for _, l := range alines {
		events = append(events, l.Event)
	}
	if len(events) < 3 || events[0] != "started" || events[1] != "answering" || events[len(events)-1] != "stopped" {
		t.Errorf("agent events %v", events)
	}
	if last := alines[len(alines)-1]; last.Sent < 5 || last.Acks == 0 || last.Agent != "cmd-agent" {
		t.Errorf("agent stats %+v", last)
	}

	waitFor(t, "lost line", func() bool { return strings.Contains(mout.String(), `"event":"lost"`) })
	time.Sleep(100 * time.Millisecond)
	mlines := jsonLines[masterLine](t, mout.String())
	// Normally exactly listening, joined, lost; a stall longer than
	// LostAfter on a loaded machine may add a lost/joined pair before.
	if len(mlines) < 3 || len(mlines)%2 == 0 || mlines[1].Event != "joined" || mlines[len(mlines)-1].Event != "lost" {
		t.Fatalf("master lines %+v", mlines)
	}
	j, l := mlines[1], mlines[len(mlines)-1]
	if j.Agent != "cmd-agent" || j.Live != 1 || l.Agent != "cmd-agent" || l.Live != 0 || l.Lost != 1 || l.LastHealthy == nil {
		t.Errorf("joined %+v lost %+v", j, l)
	}
}

// The human output names the agent on join and loss.
func TestMasterHuman(t *testing.T) {
	mout := &syncBuffer{}
	mopts := &MasterOptions{IO: cmdutil.TestIO(nil, mout, &bytes.Buffer{}), Listen: "127.0.0.1:0", LostAfter: 600 * time.Millisecond, Transport: transportTCP}
	ctx, cancel := context.WithCancel(context.Background())
	mdone := make(chan error, 1)
	go func() { mdone <- runMaster(ctx, mopts) }()
	defer func() { cancel(); <-mdone }()
	waitFor(t, "listening line", func() bool { return strings.Contains(mout.String(), "listening on") })
	addr := strings.Fields(strings.SplitN(mout.String(), "listening on ", 2)[1])[0]
	addr = strings.TrimSuffix(addr, ",")
	aout := &syncBuffer{}
	aopts := &AgentOptions{IO: cmdutil.TestIO(nil, aout, &bytes.Buffer{}), Master: addr, Listen: "127.0.0.1:0",
		Name: "human", Interval: 50 * time.Millisecond, Duration: 500 * time.Millisecond, Transport: transportTCP}
	if err := runAgent(context.Background(), aopts); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "lost line", func() bool { return strings.Contains(mout.String(), "lost   human") })
	if !strings.Contains(mout.String(), "joined human") {
		t.Errorf("master output:\n%s", mout.String())
	}
	if !strings.Contains(aout.String(), "reporting to "+addr) || !strings.Contains(aout.String(), "answers") {
		t.Errorf("agent output:\n%s", aout.String())
	}
}
