package heartbeat

import (
	"encoding/json"
	"net"
	"testing"
	"time"

	"github.com/cupgo/cup/netasync"
)

// An agent over CUPTransport writes CUP frames: magic first, type
// HEART_BEAT, flag URGENT, stub/future (1, 1), a JSON body with CUP's
// LinuxHost keys.
func TestCUPTransportWireFormat(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	tr, err := ListenCUP(netasync.Config{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAgent(tr, &AgentConfig{Master: ln.Addr().String(), Name: "wire", Interval: 50 * time.Millisecond,
		SampleEvery: time.Hour, Sample: staticSample("wire")})
	if err != nil {
		t.Fatal(err)
	}
	stop := runner(a.Run)
	defer stop()

	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	first := make([]byte, 8)
	if _, err := c.Read(first); err != nil {
		t.Fatal(err)
	}
	if string(first) != netasync.Magic {
		t.Fatalf("first bytes %q, want the CUP magic", first)
	}
	dec := netasync.NewDecoder(netasync.DefaultMaxBody)
	var msgs []*netasync.Message
	emit := func(m *netasync.Message) error { // m is only valid during the call
		c := *m
		c.Body = append([]byte(nil), m.Body...)
		msgs = append(msgs, &c)
		return nil
	}
	if err := dec.Feed(first, emit); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	for len(msgs) < 2 {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		if err := dec.Feed(buf[:n], emit); err != nil {
			t.Fatal(err)
		}
	}
	m := msgs[1]
	if m.Type != netasync.TypeHeartBeat || m.Flag != netasync.FlagUrgent || m.From.Stub != 1 || m.From.Future != 1 ||
		m.To.Stub != 1 || m.From.AddrPort().String() != tr.Addr() || m.ID.Lo != 2 || m.ID.Hi != 0 {
		t.Errorf("heartbeat frame %v", m)
	}
	info, err := UnmarshalHostInfo(m.Body)
	if err != nil || info.Hostname != "wire" || info.CPUIdle != 50 {
		t.Errorf("body %s: %+v, %v", m.Body, info, err)
	}
	var keys map[string]any
	_ = json.Unmarshal(m.Body, &keys)
	if keys["name"] != "wire" {
		t.Errorf("body %s has no name", m.Body)
	}
}

// Master and agents over netasync: joins, acks (ACK_HEART_BEAT over a
// connection the master opens to the agent), and a loss.
func TestMasterAgentOverNetasync(t *testing.T) {
	mtr, err := ListenCUP(netasync.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var evs eventLog
	m, err := NewMaster(mtr, &MasterConfig{LostAfter: time.Second, CheckEvery: 50 * time.Millisecond, OnEvent: evs.add})
	if err != nil {
		t.Fatal(err)
	}
	stopMaster := runner(m.Run)
	defer stopMaster()
	var stops []func() error
	var agents []*Agent
	for i := range 3 {
		tr, err := ListenCUP(netasync.Config{})
		if err != nil {
			t.Fatal(err)
		}
		a, err := NewAgent(tr, &AgentConfig{Master: m.Addr(), Interval: 100 * time.Millisecond,
			SampleEvery: time.Hour, Sample: staticSample("n" + string(rune('0'+i)))})
		if err != nil {
			t.Fatal(err)
		}
		agents = append(agents, a)
		stops = append(stops, runner(a.Run))
	}
	defer func() {
		for _, s := range stops {
			_ = s()
		}
	}()
	eventually(t, "3 joins", func() bool { return len(m.Live()) == 3 })
	for _, a := range agents {
		eventually(t, "acks", func() bool { return a.Stats().Acks > 0 })
	}
	// Agents without a name are keyed "ip:port" like CUP's master does.
	if _, ok := m.Service().Get(agents[1].Addr()); !ok {
		t.Errorf("agent not keyed by its address %s: %v", agents[1].Addr(), m.Live())
	}
	_ = stops[1]()
	eventually(t, "one loss", func() bool { return len(evs.names(EventLost)) == 1 })
	if _, ok := evs.names(EventLost)[agents[1].Addr()]; !ok {
		t.Errorf("lost %v", evs.names(EventLost))
	}
	if err := stopMaster(); err != nil {
		t.Errorf("master: %v", err)
	}
}
