//go:build interop && linux

// The live interoperability test against Baidu's own CUP: a Python CUP
// IMessageCenter and a Center exchange plain and need-ack messages in both
// directions on loopback. CUP's source is not part of this repository, so
// the test is built only with -tags interop and needs a CUP checkout:
//
//	CUP_SRC=/path/to/CUP CUP_PYTHON=python2.7 \
//	    go test -tags interop -run TestInteropCUP -count=1 -v ./netasync
//
// or scripts/interop-cup.sh. CUP_SRC is a checkout of
// github.com/baidu/CUP at tag 3.2.7 (the version the codec follows), or
// any directory holding its cup package; CUP_PYTHON is a Python 2.7
// interpreter (CUP 3.2.7's code base). CUP imports netifaces, pytz and
// pexpect at package level without using them here; the test puts empty
// stand-ins for them on the peer's path. Once built with the tag, a missing
// CUP_SRC or interpreter fails the test: it never skips.

package netasync

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cupgo/cup/internal/cupinterop"
	"github.com/cupgo/cup/util/generator"
)

// cupPeer is the Python side: a CUP IMessageCenter that answers every
// plain message with "py re: " + body (same type and uniq_id), acks every
// need-ack message with a CAckMsg, and, from a second thread, sends n plain
// messages and one CNeedAckMsg to the Go center. It prints one JSON object
// per event on stdout and exits when it has seen everything or after 30 s
// (finish: CUP's stop leaves threads running).
const cupPeer = `
import json, os, sys, threading, time
from cup.net.asyn import msgcenter, msg as amsg

ip = '127.0.0.1'
pyport, goport, n, base = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6], 16)
FLAG = amsg.MSG_FLAG2NUM
lock = threading.Lock()
replies, acks = [], []

def emit(**kw):
    with lock:
        print(json.dumps(kw))
        sys.stdout.flush()

def build(cls, to, typ, uid, body, *args):
    m = cls(*args)
    m.set_from_addr((ip, pyport), (0, 0))
    m.set_to_addr(to[0], to[1])
    m.set_msg_type(typ)
    m.set_uniq_id(uid)
    m.set_body(body)
    return m

class Peer(msgcenter.IMessageCenter):
    def handle(self, m):
        flag, body = m.get_flag(), m.get_body()
        (fip, fport), stub = m.get_from_addr()
        emit(ev='got', type=m.get_msg_type(), flag=flag, frm='%s:%d' % (fip, fport),
             stub=[int(stub[0]), int(stub[1])], id='%x' % m.get_uniq_id(), body=body)
        if flag & FLAG['FLAG_ACK']:
            return  # CUP matches it to our CNeedAckMsg itself
        if flag & FLAG['FLAG_NEEDACK']:
            self.post_msg(build(amsg.CAckMsg, m.get_from_addr(), 4, m.get_uniq_id(), 'py ack'))
            return
        if body.startswith('go re: '):
            replies.append(body)
            return
        self.post_msg(build(amsg.CNetMsg, m.get_from_addr(), m.get_msg_type(), m.get_uniq_id(), 'py re: ' + body))

peer = Peer(ip, pyport)
to_go = ((ip, goport), (0, 0))

def on_ack(m, ok):
    acks.append(ok)
    emit(ev='ackcb', id='%x' % m.get_uniq_id(), ok=bool(ok))

def driver():
    time.sleep(0.5)
    for i in range(n):
        peer.post_msg(build(amsg.CNetMsg, to_go, 3, base + i, 'py msg %d' % i))
    peer.post_msg(build(amsg.CNeedAckMsg, to_go, 8, base + 100, 'py needack', 1, 20, on_ack))
    deadline = time.time() + 30
    while (len(replies) < n or not acks) and time.time() < deadline:
        time.sleep(0.05)
        kick(peer)
    for _ in range(20):  # let our last answers to the Go side leave
        time.sleep(0.05)
        kick(peer)
    emit(ev='done', replies=len(replies), acks=len(acks))
    finish(peer)

serve(peer, driver)
`

type peerEvent struct {
	Ev      string `json:"ev"`
	Type    uint32 `json:"type"`
	Flag    uint32 `json:"flag"`
	From    string `json:"frm"`
	Stub    []int  `json:"stub"`
	ID      string `json:"id"`
	Body    string `json:"body"`
	OK      bool   `json:"ok"`
	Replies int    `json:"replies"`
	Acks    int    `json:"acks"`
}

func freePort(t *testing.T) uint16 { return uint16(cupinterop.FreePort(t)) }

func parseID(t *testing.T, s string) UniqID {
	t.Helper()
	id, err := generator.ParseHexID(strings.Repeat("0", max(0, 32-len(s))) + s)
	if err != nil {
		t.Fatalf("peer printed id %q: %v", s, err)
	}
	return id
}

func TestInteropCUP(t *testing.T) {
	env := cupinterop.Setup(t, "cup/net/asyn/msgcenter.py")
	src, stubs, dir, python := env.Src, env.Stubs, env.Dir, env.Python2
	script := env.Script(t, "peer.py", cupPeer)

	const n = 5
	pyBase := UniqID{Hi: 0x1234567890abcdef, Lo: 0x1122334455660000}

	// The Go center: answers plain messages with "go re: " + body and
	// need-ack messages with an ACK_OK carrying FlagAck.
	rec := newRecorder()
	var c *Center
	c, err := NewCenter(Config{IP: loopback, AckCheckInterval: 100 * time.Millisecond,
		Handler: HandlerFunc(func(ctx context.Context, m *Message) {
			switch {
			case m.Flag.Has(FlagNeedAck):
				if err := c.Post(ctx, m.NewAck(TypeAckOK, []byte("go ack"))); err != nil {
					t.Errorf("ack to %v: %v", m.From, err)
				}
			case m.Flag.Has(FlagAck), strings.HasPrefix(string(m.Body), "py re: "):
			default:
				r := NewMessage(c.Addr(), m.From, m.Type, m.ID, append([]byte("go re: "), m.Body...))
				if err := c.Post(ctx, r); err != nil {
					t.Errorf("reply to %v: %v", m.From, err)
				}
			}
			rec.HandleMessage(ctx, m.Clone())
		})})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	pyPort := freePort(t)
	pyAddr := AddrFrom(netip4(pyPort), 0, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, script, src, stubs,
		strconv.Itoa(int(pyPort)), strconv.Itoa(int(c.Addr().Port)), strconv.Itoa(n), pyBase.Hex())
	cmd.Dir = dir
	stdout, stderr := cupinterop.Start(t, cmd)
	peerEvents := make(chan peerEvent, 64)
	go func() {
		defer close(peerEvents)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var e peerEvent
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Errorf("peer printed %q: %v", sc.Text(), err)
				continue
			}
			peerEvents <- e
		}
	}()

	// Go → Python: n plain messages and one need-ack message. The peer's
	// listener may not be up yet: retry the first post.
	ids, err := NewIDGenerator(loopback, c.Addr().Port)
	if err != nil {
		t.Fatal(err)
	}
	goIDs := make(map[UniqID]int)
	for i := range n {
		m := NewMessage(c.Addr(), pyAddr, TypeResourceAcquire, ids.Next(), fmt.Appendf(nil, "go msg %d", i))
		goIDs[m.ID] = i
		for {
			err := c.Post(ctx, m)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("post to the CUP peer: %v; peer stderr:\n%s", err, stderr.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	acked := make(chan bool, 1)
	needAck := NewMessage(c.Addr(), pyAddr, TypeNeedAck, ids.Next(), []byte("go needack"))
	if err := c.PostNeedAck(ctx, needAck, time.Second, 20*time.Second, func(_ *Message, ok bool, err error) {
		if err != nil {
			t.Errorf("need-ack callback: %v", err)
		}
		acked <- ok
	}); err != nil {
		t.Fatal(err)
	}

	// What the Go center receives: n answers, n messages of the peer's own,
	// the peer's need-ack message and its ack of ours.
	var answers, own, peerNeedAck, peerAck int
	for _, m := range rec.wait(t, 2*n+2) {
		if m.From != pyAddr || m.To != c.Addr() {
			t.Errorf("message from %v to %v, want from %v to %v", m.From, m.To, pyAddr, c.Addr())
		}
		switch {
		case m.Flag.Has(FlagAck):
			peerAck++
			if m.ID != needAck.ID || m.Type != TypeAckOK || string(m.Body) != "py ack" {
				t.Errorf("peer's ack: id %v type %d body %q, want id %v type %d", m.ID, m.Type, m.Body, needAck.ID, TypeAckOK)
			}
		case m.Flag.Has(FlagNeedAck):
			peerNeedAck++
			if m.ID != (UniqID{Hi: pyBase.Hi, Lo: pyBase.Lo + 100}) || m.Type != TypeNeedAck || string(m.Body) != "py needack" {
				t.Errorf("peer's need-ack message: %v", m)
			}
		case strings.HasPrefix(string(m.Body), "py re: "):
			answers++
			i, ok := goIDs[m.ID]
			if !ok || m.Type != TypeResourceAcquire || string(m.Body) != fmt.Sprintf("py re: go msg %d", i) || m.Flag != FlagNormal {
				t.Errorf("answer: %v (flag %d) body %q", m, m.Flag, m.Body)
			}
		default:
			own++
			i := int(m.ID.Lo - pyBase.Lo)
			if m.ID.Hi != pyBase.Hi || i < 0 || i >= n || string(m.Body) != fmt.Sprintf("py msg %d", i) || m.Type != TypeResourceRelease || m.Flag != FlagNormal {
				t.Errorf("peer's message: %v (flag %d) body %q", m, m.Flag, m.Body)
			}
		}
	}
	if answers != n || own != n || peerNeedAck != 1 || peerAck != 1 {
		t.Errorf("got %d answers, %d peer messages, %d need-ack, %d acks; want %d, %d, 1, 1", answers, own, peerNeedAck, peerAck, n, n)
	}
	select {
	case ok := <-acked:
		if !ok {
			t.Error("the CUP peer's ack did not complete our need-ack message")
		}
	case <-ctx.Done():
		t.Fatal("no need-ack callback")
	}

	// What the Python side saw.
	var gotGo, gotAnswers, gotAck int
	var ackCB, done bool
	for e := range peerEvents {
		switch e.Ev {
		case "got":
			if e.From != c.Addr().AddrPort().String() || len(e.Stub) != 2 || e.Stub[0] != 0 || e.Stub[1] != 0 {
				t.Errorf("peer got a message from %s stub %v, want %v (0, 0)", e.From, e.Stub, c.Addr().AddrPort())
			}
			id := parseID(t, e.ID)
			switch {
			case e.Flag&uint32(FlagAck) != 0:
				gotAck++
				if id != (UniqID{Hi: pyBase.Hi, Lo: pyBase.Lo + 100}) || e.Body != "go ack" || e.Type != uint32(TypeAckOK) {
					t.Errorf("peer got ack %+v", e)
				}
			case e.Flag&uint32(FlagNeedAck) != 0:
				if id != needAck.ID || e.Body != "go needack" {
					t.Errorf("peer got need-ack %+v", e)
				}
			case strings.HasPrefix(e.Body, "go re: "):
				gotAnswers++
				if i := int(id.Lo - pyBase.Lo); id.Hi != pyBase.Hi || e.Body != fmt.Sprintf("go re: py msg %d", i) || e.Type != uint32(TypeResourceRelease) {
					t.Errorf("peer got answer %+v", e)
				}
			default:
				gotGo++
				if i, ok := goIDs[id]; !ok || e.Body != fmt.Sprintf("go msg %d", i) || e.Type != uint32(TypeResourceAcquire) || e.Flag != uint32(FlagNormal) {
					t.Errorf("peer got %+v", e)
				}
			}
		case "ackcb":
			ackCB = true
			if !e.OK || parseID(t, e.ID) != (UniqID{Hi: pyBase.Hi, Lo: pyBase.Lo + 100}) {
				t.Errorf("peer's need-ack callback: %+v", e)
			}
		case "done":
			done = true
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("CUP peer: %v; stderr:\n%s", err, stderr.String())
	}
	if !done || gotGo != n || gotAnswers != n || gotAck != 1 || !ackCB {
		t.Errorf("peer saw %d Go messages, %d answers, %d acks, callback %v, done %v; want %d, %d, 1, true, true; stderr:\n%s",
			gotGo, gotAnswers, gotAck, ackCB, done, n, n, stderr.String())
	}
}

func netip4(port uint16) netip.AddrPort { return netip.AddrPortFrom(loopback, port) }

// cupBulkPeer echoes every message back to its sender (same flag, type,
// uniq_id and body) until it has echoed argv[4] of them, then, in "both"
// mode, sends argv[4] messages of its own with bodies of every size up to
// 100 KiB to argv[5] and prints "checked K" once K came back intact.
const cupBulkPeer = `
import hashlib, os, sys, threading, time
from cup.net.asyn import msgcenter, msg as amsg

ip, port, n, goport = '127.0.0.1', int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
echoed, back = [0], {}

def body(i):
    size = [0, 1, 7, 64, 1000, 4096, 65535, 100 * 1024][i % 8]
    return (hashlib.md5(str(i)).hexdigest() * (size // 32 + 1))[:size]

class Peer(msgcenter.IMessageCenter):
    def handle(self, m):
        if m.get_msg_type() == 9:  # our own messages, coming back
            back[m.get_uniq_id()] = m.get_body()
            return
        echo(self, m, ip, port)
        echoed[0] += 1

peer = Peer(ip, port)

def drive():
    deadline = time.time() + 40
    while echoed[0] < n and time.time() < deadline:
        time.sleep(0.05)
    for i in range(n):
        m = amsg.CNetMsg(is_postmsg=True)
        m.set_from_addr((ip, port), (0, 0))
        m.set_to_addr((ip, goport), (0, 0))
        m.set_flag(amsg.MSG_FLAG2NUM['FLAG_NORMAL'])
        m.set_msg_type(9)
        m.set_uniq_id(0x5000 + i)
        m.set_body(body(i))
        peer.post_msg(m)
    # After a quiet second, kick (see cupinterop.Prelude) CUP's stalled
    # send queues, counting how often it was needed.
    kicks, quiet = 0, time.time()
    while len(back) < n and time.time() < deadline:
        time.sleep(0.05)
        if time.time() - quiet > 1:
            quiet = time.time()
            kicks += kick(peer)
    ok = sum(1 for i in range(n) if back.get(0x5000 + i) == body(i))
    print('echoed %d checked %d' % (echoed[0], ok))
    print('kicks %d' % kicks, file=sys.stderr)
    if ok < n:
        print('missing or wrong: %s' % [i for i in range(n) if back.get(0x5000 + i) != body(i)], file=sys.stderr)
    sys.stdout.flush()
    finish(peer)

serve(peer, drive)
`

// TestInteropCUPBulk: 400 messages each way between CUP 3.2.7 and a
// Center, bodies from 0 bytes to 100 KiB (so frames span many reads and
// writes on both sides), every one echoed back intact: the Go side checks
// CUP's echoes of its messages, the CUP side its own messages echoed by
// the Center.
func TestInteropCUPBulk(t *testing.T) {
	env := cupinterop.Setup(t, "cup/net/asyn/msgcenter.py")
	script := env.Script(t, "bulk.py", cupBulkPeer)
	const n = 400

	rec := newRecorder()
	var c *Center
	var fromCUP sync.Map // ids of CUP's own messages received
	c, err := NewCenter(Config{IP: loopback, OnDrop: func(m *Message, reason error) {
		t.Errorf("dropped %v: %v", m.ID, reason)
	}, Handler: HandlerFunc(func(ctx context.Context, m *Message) {
		if m.Type == 9 { // CUP's own messages: echo them
			fromCUP.Store(m.ID.Lo, true)
			if err := c.Post(ctx, NewMessage(c.Addr(), m.From, m.Type, m.ID, m.Body)); err != nil {
				t.Errorf("echo: %v", err)
			}
			return
		}
		rec.HandleMessage(ctx, m.Clone())
	})})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	pyPort := freePort(t)
	cmd := env.Command(env.Python2, script, strconv.Itoa(int(pyPort)), strconv.Itoa(n), strconv.Itoa(int(c.Addr().Port)))
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()

	body := func(i int) []byte {
		sizes := []int{0, 1, 7, 64, 1000, 4096, 65535, 100 << 10}
		b := make([]byte, sizes[i%len(sizes)])
		for j := range b {
			b[j] = byte(i*31 + j)
		}
		return b
	}
	py := AddrFrom(netip4(pyPort), 0, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	for i := range n {
		m := NewMessage(c.Addr(), py, TypeResourceAcquire, UniqID{Hi: 7, Lo: uint64(i)}, body(i))
		for {
			err := c.Post(ctx, m)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("post %d: %v; CUP: %s", i, err, stderr.String())
			}
			time.Sleep(50 * time.Millisecond) // the CUP peer is still starting
		}
	}
	got := map[uint64]bool{}
	for _, m := range rec.wait(t, n) {
		if m.ID.Hi != 7 || m.ID.Lo >= n || m.Type != TypeResourceAcquire || string(m.Body) != string(body(int(m.ID.Lo))) {
			t.Fatalf("echo of id %v: type %d, %d bytes", m.ID, m.Type, len(m.Body))
		}
		got[m.ID.Lo] = true
	}
	if len(got) != n {
		t.Errorf("%d distinct echoes of %d", len(got), n)
	}
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("CUP peer: %v\n%s", err, stderr.String())
		}
	case <-ctx.Done():
		var missing []uint64
		for i := range uint64(n) {
			if _, ok := fromCUP.Load(0x5000 + i); !ok {
				missing = append(missing, i)
			}
		}
		t.Fatalf("CUP peer did not finish; CUP messages never received here: %v; stats %+v\n%s\n%s", missing, c.Stats(), stdout.String(), lastLines(stderr.String(), 5))
	}
	if k := lastLines(stderr.String(), 1); k != "kicks 0" {
		t.Logf("CUP's own writer stalled (its lost wake-up, see the script): %s", k)
	}
	if want := fmt.Sprintf("echoed %d checked %d", n, n); strings.TrimSpace(stdout.String()) != want {
		var missing []uint64
		for i := range uint64(n) {
			if _, ok := fromCUP.Load(0x5000 + i); !ok {
				missing = append(missing, i)
			}
		}
		t.Errorf("CUP peer: %q, want %q; CUP messages never received here: %v; stats %+v; stderr:\n%s",
			stdout.String(), want, missing, c.Stats(), lastLines(stderr.String(), 5))
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
