package bench

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"

	cuplog "github.com/cupgo/cup/log"
	"github.com/cupgo/cup/netasync"
	"github.com/cupgo/cup/services/heartbeat"
)

// BenchmarkHeartbeatDetection measures, on loopback, how long a cluster
// of one observer (the master) and hbAgents members takes to report a
// member lost after it stops without saying goodbye, and how many bytes
// per second each member puts on the wire while everything is healthy.
//
//   - cup: services/heartbeat over netasync (CUP frames), agents beating
//     every 1 s (DefaultAgentConfig), master LostAfter 1.9 s checked every
//     100 ms. A loss is reported between LostAfter and LostAfter+CheckEvery
//     after the victim's last beat, so LostAfter = 2 × interval − CheckEvery
//     is the setting that bounds detection by two heartbeat intervals
//     (about two missed beats). Expected detection: 0.9–2.0 s.
//   - memberlist: hashicorp/memberlist v0.7 with DefaultLANConfig (probe
//     every 1 s, suspicion multiplier 4, Lifeguard on): SWIM probing,
//     indirect probes and suspicion before the observer's NotifyLeave.
//
// Metrics: detection-ms (stop → lost event at the observer),
// detection/interval (detection over the 1-s heartbeat/probe interval;
// goal ≤ 2), bytes/s/agent (payload bytes written by all members in a
// 2-s healthy window, divided by hbAgents; IP/TCP/UDP headers and
// memberlist's 30-s push/pull replies are not counted). One iteration
// takes about 5 s for cup and 10 s for memberlist.
func BenchmarkHeartbeatDetection(b *testing.B) {
	cuplog.SetLevel(cuplog.LevelError)
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			det, bps := cupDetection(b)
			report(b, det, bps)
		}
	})
	b.Run("memberlist", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			det, bps := memberlistDetection(b)
			report(b, det, bps)
		}
	})
}

const (
	hbAgents      = 5
	hbWindow      = 2 * time.Second
	hbInterval    = time.Second
	hbDetectMax   = 20 * time.Second
	hbCUPLost     = 2*hbInterval - hbCUPCheck
	hbCUPCheck    = 100 * time.Millisecond
	hbJoinMaxWait = 20 * time.Second
)

func report(b *testing.B, det time.Duration, bytesPerSec float64) {
	b.ReportMetric(float64(det)/float64(time.Millisecond), "detection-ms")
	b.ReportMetric(float64(det)/float64(hbInterval), "detection/interval")
	b.ReportMetric(bytesPerSec, "bytes/s/agent")
}

func waitUntil(b *testing.B, what string, max time.Duration, cond func() bool) {
	b.Helper()
	deadline := time.Now().Add(max)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("timed out after %v waiting for %s", max, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func cupDetection(b *testing.B) (time.Duration, float64) {
	b.StopTimer()
	lost := make(chan string, hbAgents+1)
	mtr, err := heartbeat.ListenCUP(netasync.Config{})
	if err != nil {
		b.Fatal(err)
	}
	master, err := heartbeat.NewMaster(mtr, &heartbeat.MasterConfig{LostAfter: hbCUPLost, CheckEvery: hbCUPCheck,
		OnEvent: func(e heartbeat.Event) {
			if e.Kind == heartbeat.EventLost {
				lost <- e.Device.Name
			}
		}})
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); wg.Wait() }()
	wg.Add(1)
	go func() { defer wg.Done(); _ = master.Run(ctx) }()

	trs := make([]*heartbeat.CUPTransport, hbAgents)
	stops := make([]context.CancelFunc, hbAgents)
	done := make([]chan struct{}, hbAgents)
	for i := range hbAgents {
		tr, err := heartbeat.ListenCUP(netasync.Config{})
		if err != nil {
			b.Fatal(err)
		}
		trs[i] = tr
		cfg := heartbeat.DefaultAgentConfig()
		cfg.Master = master.Addr()
		cfg.Name = fmt.Sprintf("agent-%d", i)
		cfg.SampleEvery = time.Hour
		cfg.Sample = func(context.Context) (heartbeat.HostInfo, error) {
			h := heartbeat.NewHostInfo("eth0", 51100)
			h.IPAddr, h.Hostname, h.CPUIdle, h.MemInUse, h.MemTotal, h.NetIn, h.NetOut =
				"10.0.0.7", "agent.example", 97.5, 1<<32, 1<<34, 12345.5, 6789.25 // a realistic body size
			return h, nil
		}
		a, err := heartbeat.NewAgent(tr, cfg)
		if err != nil {
			b.Fatal(err)
		}
		actx, acancel := context.WithCancel(ctx)
		stops[i], done[i] = acancel, make(chan struct{})
		wg.Add(1)
		go func() { defer wg.Done(); defer close(done[i]); _ = a.Run(actx) }()
	}
	waitUntil(b, "agents to join", hbJoinMaxWait, func() bool { return len(master.Live()) == hbAgents })
	time.Sleep(hbInterval) // past the joins

	total := func() uint64 {
		n := mtr.Stats().BytesSent
		for _, tr := range trs {
			n += tr.Stats().BytesSent
		}
		return n
	}
	before := total()
	time.Sleep(hbWindow)
	bps := float64(total()-before) / hbWindow.Seconds() / hbAgents

	b.StartTimer()
	start := time.Now()
	stops[0]()
	<-done[0]
	select {
	case name := <-lost:
		if name != "agent-0" {
			b.Fatalf("lost %s, want agent-0", name)
		}
	case <-time.After(hbDetectMax):
		b.Fatalf("agent-0 not reported lost within %v", hbDetectMax)
	}
	det := time.Since(start)
	b.StopTimer()
	return det, bps
}

// countingTransport counts the bytes a memberlist node writes: UDP
// packets and writes on the TCP streams it dials.
type countingTransport struct {
	*memberlist.NetTransport
	n *atomic.Uint64
}

func (t *countingTransport) WriteTo(p []byte, addr string) (time.Time, error) {
	t.n.Add(uint64(len(p)))
	return t.NetTransport.WriteTo(p, addr)
}

func (t *countingTransport) WriteToAddress(p []byte, a memberlist.Address) (time.Time, error) {
	t.n.Add(uint64(len(p)))
	return t.NetTransport.WriteToAddress(p, a)
}

func (t *countingTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	c, err := t.NetTransport.DialTimeout(addr, timeout)
	if err != nil {
		return nil, err
	}
	return countingConn{c, t.n}, nil
}

func (t *countingTransport) DialAddressTimeout(a memberlist.Address, timeout time.Duration) (net.Conn, error) {
	c, err := t.NetTransport.DialAddressTimeout(a, timeout)
	if err != nil {
		return nil, err
	}
	return countingConn{c, t.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Uint64
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.n.Add(uint64(n))
	return n, err
}

// leaveEvents reports NotifyLeave to a channel.
type leaveEvents struct{ left chan string }

func (e leaveEvents) NotifyJoin(*memberlist.Node)   {}
func (e leaveEvents) NotifyUpdate(*memberlist.Node) {}
func (e leaveEvents) NotifyLeave(n *memberlist.Node) {
	select {
	case e.left <- n.Name:
	default:
	}
}

func memberlistDetection(b *testing.B) (time.Duration, float64) {
	b.StopTimer()
	var bytes atomic.Uint64
	left := make(chan string, 16)
	quiet := log.New(io.Discard, "", 0)
	var nodes []*memberlist.Memberlist
	defer func() {
		for _, n := range nodes {
			_ = n.Shutdown()
		}
	}()
	for i := range hbAgents + 1 {
		var nt *memberlist.NetTransport
		var err error
		for range 10 { // port 0 binds TCP first, then the same UDP port: may race
			nt, err = memberlist.NewNetTransport(&memberlist.NetTransportConfig{BindAddrs: []string{"127.0.0.1"}, BindPort: 0, Logger: quiet})
			if err == nil {
				break
			}
		}
		if err != nil {
			b.Fatal(err)
		}
		cfg := memberlist.DefaultLANConfig()
		cfg.Name = fmt.Sprintf("node-%d", i)
		cfg.Transport = &countingTransport{NetTransport: nt, n: &bytes}
		cfg.Logger = quiet
		if i == 0 {
			cfg.Events = leaveEvents{left: left}
		}
		m, err := memberlist.Create(cfg)
		if err != nil {
			_ = nt.Shutdown()
			b.Fatal(err)
		}
		nodes = append(nodes, m)
		if i > 0 {
			if _, err := m.Join([]string{nodes[0].LocalNode().Address()}); err != nil {
				b.Fatal(err)
			}
		}
	}
	waitUntil(b, "members to converge", hbJoinMaxWait, func() bool {
		for _, n := range nodes {
			if n.NumMembers() != hbAgents+1 {
				return false
			}
		}
		return true
	})
	time.Sleep(hbInterval) // past the join gossip

	before := bytes.Load()
	time.Sleep(hbWindow)
	bps := float64(bytes.Load()-before) / hbWindow.Seconds() / hbAgents

	victim := nodes[len(nodes)-1]
	name := victim.LocalNode().Name
	b.StartTimer()
	start := time.Now()
	_ = victim.Shutdown() // dies without Leave
	nodes = nodes[:len(nodes)-1]
	for {
		select {
		case n := <-left:
			if n != name {
				b.Fatalf("lost %s, want %s", n, name)
			}
			det := time.Since(start)
			b.StopTimer()
			return det, bps
		case <-time.After(hbDetectMax):
			b.Fatalf("%s not reported dead within %v", name, hbDetectMax)
		}
	}
}
