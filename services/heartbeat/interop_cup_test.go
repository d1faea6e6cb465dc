//go:build interop && linux

// A test against Baidu's own CUP: a CUP 3.2.7 message center (Python 2.7)
// plays an arrow agent, sending HEART_BEAT messages whose body is its
// LinuxHost record as 3.2.7 serialises it (a pickle); a Master over
// CUPTransport must register it with that record and acknowledge each
// beat with ACK_HEART_BEAT. CUP's source is not part of this repository,
// so the test is built only with -tags interop (scripts/interop-cup.sh).
// TestInteropCUPHeartbeatMaster checks the other direction: an Agent with
// LegacyPickle reporting to a master built from CUP's own classes.

package heartbeat

import (
	"bufio"
	"context"
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/internal/cupinterop"
	"github.com/cupgo/cup/netasync"
)

// cupAgent sends three heartbeats to the master (argv[4]) from its center
// on argv[3], printing "ack <type> <body>" for every answer, then "done".
const cupAgent = `
import sys, threading, time
from cup.net.asyn import msgcenter, msg as amsg
from cup.services import heartbeat

ip, port, master = '127.0.0.1', int(sys.argv[3]), int(sys.argv[4])
acks = []

class Agent(msgcenter.IMessageCenter):
    def handle(self, m):
        acks.append(m)
        print('ack %d %s' % (m.get_msg_type(), m.get_body()))
        sys.stdout.flush()

agent = Agent(ip, port)
host = heartbeat.LinuxHost('agent', init_this_host=False)
host.set_linux_res_bydict({'iface': 'eth0', 'ipaddr': ip, 'port': port, 'cpu_idle': 42.5,
                           'mem_inuse': 1024, 'mem_total': 8192, 'net_in': 10.25, 'net_out': 20})

def beat():
    time.sleep(0.5)
    for i in range(3):
        m = amsg.CNetMsg(is_postmsg=True)
        m.set_from_addr((ip, port), (1, 1))
        m.set_to_addr((ip, master), (1, 1))
        m.set_msg_type(1)  # HEART_BEAT
        m.set_flag(amsg.MSG_FLAG2NUM['FLAG_URGENT'])
        m.set_uniq_id(1000 + i)
        m.set_body(host.serilize())
        agent.post_msg(m)
        time.sleep(0.2)
    deadline = time.time() + 20
    while len(acks) < 3 and time.time() < deadline:
        time.sleep(0.05)
        kick(agent)
    print('done'); sys.stdout.flush()
    import os
    finish(agent)

serve(agent, beat)
`

func TestInteropCUPHeartbeat(t *testing.T) {
	env := cupinterop.Setup(t, "cup/services/heartbeat.py", "cup/net/asyn/msgcenter.py")
	script := env.Script(t, "agent.py", cupAgent)

	tr, err := ListenCUP(netasync.Config{IP: netip.MustParseAddr("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMaster(tr, &MasterConfig{LostAfter: time.Hour, CheckEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	stop := runner(m.Run)
	defer stop()

	port := cupinterop.FreePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	master := strings.TrimPrefix(m.Addr(), "127.0.0.1:")
	cmd := env.Command(env.Python2, script, strconv.Itoa(port), master)
	stdout, stderr := cupinterop.Start(t, cmd)
	done := make(chan error, 1)
	go func() { <-ctx.Done(); _ = cmd.Process.Kill() }()
	var lines []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	go func() { done <- cmd.Wait() }()
	if err := <-done; err != nil {
		t.Fatalf("CUP agent: %v\n%s", err, stderr.String())
	}

	acks := 0
	for _, l := range lines {
		if l == "ack 6 ACK_HEART_BEAT" {
			acks++
		}
	}
	if acks != 3 || lines[len(lines)-1] != "done" {
		t.Errorf("CUP agent printed %q, want three ACK_HEART_BEAT answers", lines)
	}
	key := "127.0.0.1:" + strconv.Itoa(port)
	d, ok := m.Service().Get(key)
	if !ok || d.Info == nil {
		t.Fatalf("master has no device %s: live %v", key, m.Live())
	}
	want := HostInfo{Iface: "eth0", IPAddr: "127.0.0.1", Port: port, Hostname: d.Info.Hostname,
		CPUIdle: 42.5, MemInUse: 1024, MemTotal: 8192, NetIn: 10.25, NetOut: 20}
	if *d.Info != want || d.Info.Hostname == "" {
		t.Errorf("device info %+v, want %+v", *d.Info, want)
	}
}

// cupMaster does for each HEART_BEAT what CUP 3.2.7's arrow master does
// (arrow/master/control.py): LinuxHost.deserilize of the body (pickle),
// HeartbeatService.refresh under the sender's ip:port, and an
// ACK_HEART_BEAT with uniq_id + 1; it prints each record as JSON and stops
// after three.
const cupMaster = `
import json, os, sys, threading
from cup.net.asyn import msgcenter, msg as amsg
from cup.services import heartbeat

ip, port = '127.0.0.1', int(sys.argv[3])
service = heartbeat.HeartbeatService(60)
seen = []

class Master(msgcenter.IMessageCenter):
    def handle(self, m):
        if m.get_msg_type() != 1:
            return
        (aip, aport), stub = m.get_from_addr()
        res = heartbeat.LinuxHost(name='%s:%s' % (ip, port))
        ok = res.deserilize(m.get_body())
        service.refresh('%s:%s' % (aip, aport), res)
        print(json.dumps({'ok': ok, 'key': '%s:%s' % (aip, aport), 'info': res.get_dict_resinfo(),
                          'registered': service.is_device_registered('%s:%s' % (aip, aport))}))
        sys.stdout.flush()
        ack = amsg.CNetMsg(is_postmsg=True)
        ack.set_from_addr((ip, port), (1, 1))
        ack.set_to_addr((aip, aport), stub)
        ack.set_flag(m.get_flag())
        ack.set_msg_type(6)
        ack.set_uniq_id(m.get_uniq_id() + 1)
        ack.set_body('ACK_HEART_BEAT')
        self.post_msg(ack)
        seen.append(1)
        if len(seen) == 3:
            threading.Timer(1, os._exit, [0]).start()

Master(ip, port).run()
`

// TestInteropCUPHeartbeatMaster: an Agent with LegacyPickle over
// CUPTransport reports to a CUP 3.2.7 master, which unpickles its record
// with CUP's own LinuxHost.deserilize, registers it and acknowledges it.
func TestInteropCUPHeartbeatMaster(t *testing.T) {
	env := cupinterop.Setup(t, "cup/services/heartbeat.py", "cup/net/asyn/msgcenter.py")
	script := env.Script(t, "master.py", cupMaster)
	port := cupinterop.FreePort(t)
	cmd := env.Command(env.Python2, script, strconv.Itoa(port))
	stdout, stderr := cupinterop.Start(t, cmd)
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	tr, err := ListenCUP(netasync.Config{IP: netip.MustParseAddr("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	want := HostInfo{Iface: "eth0", IPAddr: "127.0.0.1", Port: 7000, Hostname: "go-agent",
		CPUIdle: 55.5, MemInUse: 3 << 30, MemTotal: 8 << 30, NetIn: 100.25, NetOut: 7}
	a, err := NewAgent(tr, &AgentConfig{Master: "127.0.0.1:" + strconv.Itoa(port), Interval: 200 * time.Millisecond,
		SampleEvery: time.Hour, Sample: func(context.Context) (HostInfo, error) { return want, nil }, LegacyPickle: true})
	if err != nil {
		t.Fatal(err)
	}
	defer runner(a.Run)()

	type record struct {
		OK         bool     `json:"ok"`
		Key        string   `json:"key"`
		Info       HostInfo `json:"info"`
		Registered bool     `json:"registered"`
	}
	sc := bufio.NewScanner(stdout)
	for i := range 3 {
		if !sc.Scan() {
			t.Fatalf("CUP master stopped after %d records: %s", i, stderr.String())
		}
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("CUP master printed %q: %v", sc.Text(), err)
		}
		if !r.OK || !r.Registered || r.Key != tr.Addr() || r.Info != want {
			t.Errorf("CUP master record %d: %+v, want ok, registered under %s, %+v", i, r, tr.Addr(), want)
		}
	}
	eventually(t, "the CUP master's acks", func() bool { return a.Stats().Acks >= 2 })
}
