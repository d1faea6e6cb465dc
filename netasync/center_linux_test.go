package netasync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cupgo/cup/errs"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// recorder is a Handler that records messages.
type recorder struct {
	mu   sync.Mutex
	msgs []*Message
	ch   chan *Message
}

func newRecorder() *recorder { return &recorder{ch: make(chan *Message, 1<<17)} }

func (r *recorder) HandleMessage(_ context.Context, m *Message) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
	r.ch <- m
}

func (r *recorder) wait(t *testing.T, n int) []*Message {
	t.Helper()
	var got []*Message
	timeout := time.After(30 * time.Second)
	for len(got) < n {
		select {
		case m := <-r.ch:
			got = append(got, m)
		case <-timeout:
			t.Fatalf("received %d of %d messages", len(got), n)
		}
	}
	return got
}

type events struct {
	mu  sync.Mutex
	evs []ConnEvent
	ch  chan ConnEvent
}

func newEvents() *events { return &events{ch: make(chan ConnEvent, 1<<12)} }

func (e *events) on(ev ConnEvent) {
	e.mu.Lock()
	e.evs = append(e.evs, ev)
	e.mu.Unlock()
	select {
	case e.ch <- ev:
	default:
	}
}

// closedWith waits for a close event whose error matches target.
func (e *events) closedWith(t *testing.T, target error) ConnEvent {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-e.ch:
			if !ev.Opened && errors.Is(ev.Err, target) {
				return ev
			}
		case <-timeout:
			t.Fatalf("no close event with %v", target)
		}
	}
}

func start(t *testing.T, cfg Config) *Center {
	t.Helper()
	var c *Center
	startInto(t, cfg, &c)
	return c
}

// startInto sets *p before starting, for handlers that use *p.
func startInto(t *testing.T, cfg Config, p **Center) {
	t.Helper()
	cfg.IP = loopback
	c, err := NewCenter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	*p = c
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
}

func msgTo(from *Center, to Addr, i int, body string) *Message {
	return NewMessage(from.Addr(), to, 3, UniqID{Lo: uint64(i)}, []byte(body))
}

// postRetry posts m, retrying while the queue is full.
func postRetry(t testing.TB, c *Center, m *Message) {
	for {
		err := c.Post(context.Background(), m)
		if err == nil {
			return
		}
		if !errors.Is(err, errs.ErrQueueFull) {
			t.Fatalf("post: %v", err)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func fdCount(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestEchoAndOrder: B answers every message by dialing back A's listening
// address (as CUP does); 10 000 messages keep their order.
func TestEchoAndOrder(t *testing.T) {
	before := fdCount(t)
	ra := newRecorder()
	a := start(t, Config{Handler: ra})
	var b *Center
	startInto(t, Config{Handler: HandlerFunc(func(ctx context.Context, m *Message) {
		r := NewMessage(b.Addr(), m.From, m.Type, m.ID, m.Body)
		r.Flag = m.Flag
		postRetry(t, b, r)
	})}, &b)
	const n = 10000
	for i := 0; i < n; i++ {
		postRetry(t, a, msgTo(a, b.Addr(), i, fmt.Sprint(i)))
	}
	got := ra.wait(t, n)
	for i, m := range got {
		if m.ID.Lo != uint64(i) || string(m.Body) != fmt.Sprint(i) || m.From.AddrPort() != b.Addr().AddrPort() {
			t.Fatalf("answer %d: %v", i, m)
		}
	}
	sa, sb := a.Stats(), b.Stats()
	if sa.ConnsOut != 1 || sa.ConnsIn != 1 || sb.ConnsIn != 1 || sb.ConnsOut != 1 || sa.Sent != n || sb.Received != n || sa.Dropped != 0 {
		t.Errorf("stats a %+v b %+v", sa, sb)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Stop(ctx); err != nil { // twice
		t.Fatal(err)
	}
	b.Close()
	if after := fdCount(t); after != before {
		t.Errorf("%d fds open before, %d after Stop", before, after)
	}
	if err := a.Post(ctx, msgTo(a, b.Addr(), 0, "")); !errors.Is(err, errs.ErrStopped) {
		t.Errorf("Post after Stop: %v", err)
	}
}

// TestManySenders: 100 000 messages from 8 centers over 8 connections, none
// lost or duplicated, per-connection order kept.
func TestManySenders(t *testing.T) {
	rb := newRecorder()
	b := start(t, Config{Handler: rb, Dispatchers: 2})
	const senders, per = 8, 12500
	var wg sync.WaitGroup
	for s := 0; s < senders; s++ {
		a := start(t, Config{Handler: NopHandler{}})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				postRetry(t, a, msgTo(a, b.Addr(), i, "x"))
			}
		}()
	}
	got := rb.wait(t, senders*per)
	wg.Wait()
	next := map[netip.AddrPort]uint64{}
	for _, m := range got {
		if m.ID.Lo != next[m.Peer] {
			t.Fatalf("from %v: id %d, want %d", m.Peer, m.ID.Lo, next[m.Peer])
		}
		next[m.Peer]++
	}
	if len(next) != senders {
		t.Errorf("%d connections", len(next))
	}
	select {
	case m := <-rb.ch:
		t.Errorf("extra message %v", m)
	case <-time.After(100 * time.Millisecond):
	}
}

// rawListener accepts one connection and returns it.
func rawListener(t *testing.T) (net.Listener, Addr) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln, AddrFrom(netip.MustParseAddrPort(ln.Addr().String()), 0, 0)
}

func accept(t *testing.T, ln net.Listener) net.Conn {
	t.Helper()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestMagicOnFirstWrittenFrame: a normal message immediately followed by
// an urgent one to a fresh destination, 100 times: the connection always
// starts with the magic, and the following frames never carry it.
func TestMagicOnFirstWrittenFrame(t *testing.T) {
	a := start(t, Config{Handler: NopHandler{}})
	for run := 0; run < 100; run++ {
		ln, to := rawListener(t)
		n := msgTo(a, to, 1, "normal")
		u := msgTo(a, to, 2, "urgent")
		u.Flag = FlagUrgent
		if err := a.Post(context.Background(), n); err != nil {
			t.Fatal(err)
		}
		if err := a.Post(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		rc := accept(t, ln)
		rc.SetReadDeadline(time.Now().Add(20 * time.Second))
		buf := make([]byte, 72+6+64+6)
		if _, err := io.ReadFull(rc, buf); err != nil {
			t.Fatal(err)
		}
		if string(buf[:8]) != Magic || bytes.Contains(buf[8:], []byte(Magic)) {
			t.Fatalf("run %d: stream %q", run, buf)
		}
		got, err := collect(NewDecoder(0), buf)
		if err != nil || len(got) != 2 {
			t.Fatalf("run %d: %d messages, %v", run, len(got), err)
		}
		rc.Close()
		ln.Close()
		a.CloseConn(to.AddrPort())
	}
}

// rawFrames returns n frames from A to B with empty bodies.
func rawFrames(from, to Addr, n int, body []byte) []byte {
	var b []byte
	for i := 0; i < n; i++ {
		m := NewMessage(from, to, 3, UniqID{Lo: uint64(i)}, body)
		b = appendFrame(b, m, i == 0)
	}
	return b
}

func dialRaw(t *testing.T, c *Center) net.Conn {
	t.Helper()
	rc, err := net.Dial("tcp4", c.Addr().AddrPort().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	return rc
}

// TestReceiveEdgeCases feeds raw byte streams to a center.
func TestReceiveEdgeCases(t *testing.T) {
	from := Addr{IP: loopback, Port: 9, Stub: 1, Future: 1}
	good := rawFrames(from, from, 3, []byte("body"))
	tests := []struct {
		name     string
		stream   []byte
		closeMid bool
		n        int
		err      error
	}{
		{"garbage magic", append([]byte("GARBAGE!"), good[8:]...), false, 0, errs.ErrBadMagic},
		{"len short", func() []byte { b := bytes.Clone(good); le.PutUint64(b[12:], 10); return b }(), false, 0, errs.ErrFrameTooShort},
		{"len too large", func() []byte { b := bytes.Clone(good[:20]); le.PutUint64(b[12:], 72+2048); return b }(), false, 0, errs.ErrFrameTooLarge},
		{"second magic", append(bytes.Clone(good), good[:76]...), false, 3, errs.ErrFrameTooLarge},
		{"bad address", func() []byte { b := bytes.Clone(good); b[36+13] = 1; return b }(), false, 0, errs.ErrBadAddress},
		{"closed mid-frame", append(rawFrames(from, from, 1, make([]byte, 1000)), rawFrames(from, from, 2, make([]byte, 1000))[1072:1072+500]...), true, 1, errs.ErrPeerClosedMidFrame},
		{"burst of 5000", rawFrames(from, from, 5000, nil), true, 5000, io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ev := newRecorder(), newEvents()
			c := start(t, Config{Handler: r, OnConnEvent: ev.on, MaxBodySize: 1024 + 1000, NoLinkedClose: true})
			rc := dialRaw(t, c)
			if _, err := rc.Write(tt.stream); err != nil {
				t.Fatal(err)
			}
			if tt.closeMid {
				rc.Close()
			}
			ev.closedWith(t, tt.err)
			got := r.wait(t, tt.n)
			for i, m := range got {
				if m.ID.Lo != uint64(i) {
					t.Fatalf("message %d has id %d", i, m.ID.Lo)
				}
			}
			if !tt.closeMid {
				rc.SetReadDeadline(time.Now().Add(20 * time.Second))
				if _, err := rc.Read(make([]byte, 1)); err == nil {
					t.Error("connection not closed")
				}
			}
			select {
			case m := <-r.ch:
				t.Errorf("extra message %v", m)
			case <-time.After(50 * time.Millisecond):
			}
		})
	}
}

// TestDropsReported: every accepted Post ends written or in OnDrop, when
// we close the connection and when the peer vanishes.
func TestDropsReported(t *testing.T) {
	for _, peerCloses := range []bool{false, true} {
		t.Run(fmt.Sprintf("peerCloses=%v", peerCloses), func(t *testing.T) { testDrops(t, peerCloses) })
	}
}

func testDrops(t *testing.T, peerCloses bool) {
	var dropped atomic.Int64
	a := start(t, Config{Handler: NopHandler{}, OnDrop: func(m *Message, err error) {
		if !errors.Is(err, errs.ErrConnClosed) {
			t.Errorf("drop reason %v", err)
		}
		dropped.Add(1)
	}})
	ln, to := rawListener(t)
	body := make([]byte, 1<<20)
	// 150 messages of 1 MiB to a peer that never reads.
	for i := 0; i < 150; i++ {
		m := msgTo(a, to, i, "")
		m.Body = body
		if err := a.Post(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	rc := accept(t, ln)
	for a.Stats().Queued == 150 {
		time.Sleep(time.Millisecond)
	}
	if peerCloses {
		rc.(*net.TCPConn).SetLinger(0)
		rc.Close()
	} else if err := a.CloseConn(to.AddrPort()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for a.Stats().Queued != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	s := a.Stats()
	if s.Queued != 0 || s.Sent+uint64(dropped.Load()) != 150 || dropped.Load() < 100 || s.Dropped != uint64(dropped.Load()) {
		t.Fatalf("sent %d + dropped %d != 150 (stats %+v)", s.Sent, dropped.Load(), s)
	}
}

func TestPostErrors(t *testing.T) {
	a := start(t, Config{Handler: NopHandler{}, SendQueueSize: 2, MaxBodySize: 100})
	_, to := rawListener(t) // accepts nothing, reads nothing
	ln2, closedAddr := rawListener(t)
	ln2.Close()
	if err := a.Post(context.Background(), msgTo(a, closedAddr, 0, "")); !errors.Is(err, unix.ECONNREFUSED) || !errors.Is(err, errs.ErrNet) {
		t.Errorf("post to a closed port: %v", err)
	}
	bad := msgTo(a, to, 0, "")
	bad.Body = make([]byte, 101)
	if err := a.Post(context.Background(), bad); !errors.Is(err, errs.ErrInvalidMessage) {
		t.Errorf("body too large: %v", err)
	}
	bad = msgTo(a, Addr{IP: netip.MustParseAddr("::1"), Port: 1}, 0, "")
	if err := a.Post(context.Background(), bad); !errors.Is(err, errs.ErrInvalidMessage) {
		t.Errorf("IPv6: %v", err)
	}
	// A peer that never reads: the queue fills.
	var err error
	big := make([]byte, 100)
	for i := 0; i < 1e6 && err == nil; i++ {
		m := msgTo(a, to, i, "")
		m.Body = big
		err = a.Post(context.Background(), m)
	}
	if !errors.Is(err, errs.ErrQueueFull) {
		t.Errorf("queue never full: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.Stop(ctx); err == nil {
		t.Error("Stop with a cancelled ctx and queued messages returned nil")
	}
	a.Close()
	if err := a.Post(context.Background(), msgTo(a, to, 0, "")); !errors.Is(err, errs.ErrStopped) {
		t.Errorf("after Stop: %v", err)
	}
}

func TestDialTimeout(t *testing.T) {
	a := start(t, Config{Handler: NopHandler{}, DialTimeout: 200 * time.Millisecond})
	// A listener with a full backlog never completes new handshakes.
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	unix.Listen(fd, 0)
	sa, _ := unix.Getsockname(fd)
	to := AddrFrom(addrPort(sa), 0, 0)
	var fill []net.Conn
	defer func() {
		for _, c := range fill {
			c.Close()
		}
	}()
	start := time.Now()
	for time.Since(start) < 10*time.Second {
		d := net.Dialer{Timeout: 100 * time.Millisecond}
		c, err := d.Dial("tcp4", to.AddrPort().String())
		if err != nil {
			break
		}
		fill = append(fill, c)
	}
	t0 := time.Now()
	err = a.Post(context.Background(), msgTo(a, to, 0, ""))
	if !errors.Is(err, errs.ErrTimeout) || time.Since(t0) > 5*time.Second {
		t.Errorf("post to a stalled listener: %v after %v", err, time.Since(t0))
	}
}

func TestNeedAck(t *testing.T) {
	type result struct {
		m     *Message
		acked bool
		err   error
	}
	results := make(chan result, 10)
	cb := func(m *Message, acked bool, err error) { results <- result{m, acked, err} }
	rb := newRecorder()
	b := start(t, Config{Handler: rb, AutoAck: true})
	ra := newRecorder()
	a := start(t, Config{Handler: ra, AckCheckInterval: 20 * time.Millisecond})

	// Acknowledged by B's AutoAck.
	m := msgTo(a, b.Addr(), 77, "need")
	if err := a.PostNeedAck(context.Background(), m, time.Second, 10*time.Second, cb); err != nil {
		t.Fatal(err)
	}
	r := <-results
	if r.m != m || !r.acked || r.err != nil || m.Flag != FlagNormal|FlagNeedAck {
		t.Fatalf("ack result %+v", r)
	}
	ack := ra.wait(t, 1)[0] // the ack also reaches the handler
	if ack.Flag != FlagNormal|FlagAck || ack.ID != m.ID || ack.Type != TypeSysAck || ack.From.AddrPort() != b.Addr().AddrPort() || ack.To.AddrPort() != a.Addr().AddrPort() {
		t.Errorf("auto ack %v", ack)
	}
	// Duplicate ack: ignored.
	a.matchAck(ack)
	// Wrong from-port: no match.
	sil := start(t, Config{Handler: rb}) // never acks
	m2 := msgTo(a, sil.Addr(), 78, "x")
	if err := a.PostNeedAck(context.Background(), m2, 50*time.Millisecond, 600*time.Millisecond, cb); err != nil {
		t.Fatal(err)
	}
	wrong := m2.NewAck(TypeAckOK, nil)
	wrong.From.Port++
	a.matchAck(wrong)
	r = <-results
	if r.m != m2 || r.acked || !errors.Is(r.err, errs.ErrAckTimeout) {
		t.Fatalf("timeout result %+v", r)
	}
	// It was resent: sil's recorder (shared rb) saw several copies.
	copies := 0
	for len(rb.ch) > 0 {
		if x := <-rb.ch; x.ID.Lo == 78 {
			copies++
		}
	}
	if copies < 3 {
		t.Errorf("%d copies of the unacked message", copies)
	}
	// Pending at Stop: ErrStopped, exactly once.
	m3 := msgTo(a, sil.Addr(), 79, "x")
	if err := a.PostNeedAck(context.Background(), m3, time.Hour, time.Hour, cb); err != nil {
		t.Fatal(err)
	}
	a.Close()
	r = <-results
	if r.m != m3 || r.acked || !errors.Is(r.err, errs.ErrStopped) {
		t.Fatalf("stop result %+v", r)
	}
	select {
	case r := <-results:
		t.Fatalf("extra callback %+v", r)
	case <-time.After(100 * time.Millisecond):
	}
}

// TestConnectionModel: reuse of one outbound connection, replies over a
// separate inbound connection, data read on outbound connections, posting
// to ourselves, LinkedClose.
func TestConnectionModel(t *testing.T) {
	ra, eva := newRecorder(), newEvents()
	a := start(t, Config{Handler: ra, OnConnEvent: eva.on})
	// Outbound connection read: a raw peer writes back on it.
	ln, to := rawListener(t)
	if err := a.Post(context.Background(), msgTo(a, to, 1, "hi")); err != nil {
		t.Fatal(err)
	}
	rc := accept(t, ln)
	if _, err := rc.Write(rawFrames(to, a.Addr(), 1, []byte("back"))); err != nil {
		t.Fatal(err)
	}
	if m := ra.wait(t, 1)[0]; string(m.Body) != "back" {
		t.Fatalf("got %v", m)
	}
	// Self post.
	if err := a.Post(context.Background(), msgTo(a, a.Addr(), 2, "self")); err != nil {
		t.Fatal(err)
	}
	if m := ra.wait(t, 1)[0]; string(m.Body) != "self" {
		t.Fatalf("got %v", m)
	}
	// Reuse: 1 000 posts to B over one connection.
	rb, evb := newRecorder(), newEvents()
	b := start(t, Config{Handler: rb, OnConnEvent: evb.on})
	for i := 0; i < 1000; i++ {
		postRetry(t, a, msgTo(a, b.Addr(), i, ""))
	}
	rb.wait(t, 1000)
	if s := b.Stats(); s.ConnsIn != 1 {
		t.Errorf("B has %d inbound connections", s.ConnsIn)
	}
	// B replies by dialing A; then closing A's inbound conn from B also
	// closes A's outbound conn to B (LinkedClose) and the next Post redials.
	if err := b.Post(context.Background(), msgTo(b, a.Addr(), 5, "reply")); err != nil {
		t.Fatal(err)
	}
	in := ra.wait(t, 1)[0]
	outBefore := a.Stats().ConnsOut
	if err := a.CloseConn(in.Peer); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for a.Stats().ConnsOut != outBefore-1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := a.Stats().ConnsOut; got != outBefore-1 {
		t.Fatalf("outbound connections %d, want %d", got, outBefore-1)
	}
	if err := a.Post(context.Background(), msgTo(a, b.Addr(), 9, "again")); err != nil {
		t.Fatal(err)
	}
	if m := rb.wait(t, 1)[0]; m.ID.Lo != 9 {
		t.Fatalf("got %v", m)
	}
	if err := a.CloseConn(netip.MustParseAddrPort("127.0.0.1:1")); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("CloseConn unknown: %v", err)
	}
}

func TestLimitsAndTimeouts(t *testing.T) {
	ev := newEvents()
	c := start(t, Config{Handler: NopHandler{}, MaxConns: 1, IdleTimeout: 300 * time.Millisecond, OnConnEvent: ev.on})
	first := dialRaw(t, c)
	second, err := net.Dial("tcp4", c.Addr().AddrPort().String())
	if err == nil { // else: reset before connect returned, also fine
		defer second.Close()
		second.SetReadDeadline(time.Now().Add(20 * time.Second))
		if _, err := second.Read(make([]byte, 1)); err == nil {
			t.Error("second connection not closed")
		}
	}
	ev.closedWith(t, errs.ErrTooManyConns)
	ev.closedWith(t, errs.ErrIdleTimeout)
	first.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := first.Read(make([]byte, 1)); err == nil {
		t.Error("idle connection not closed")
	}
	if s := c.Stats(); s.RejectedConnections != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestWriteTimeout(t *testing.T) {
	var dropped atomic.Int64
	ev := newEvents()
	a := start(t, Config{Handler: NopHandler{}, WriteTimeout: 300 * time.Millisecond, OnConnEvent: ev.on,
		OnDrop: func(*Message, error) { dropped.Add(1) }})
	ln, to := rawListener(t)
	body := make([]byte, 1<<20)
	for i := 0; i < 50; i++ {
		m := msgTo(a, to, i, "")
		m.Body = body
		if err := a.Post(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	accept(t, ln) // never reads
	ev.closedWith(t, errs.ErrWriteTimeout)
	s := a.Stats()
	if dropped.Load() == 0 || s.Sent+uint64(dropped.Load()) != 50 || s.Queued != 0 {
		t.Errorf("sent %d dropped %d queued %d", s.Sent, dropped.Load(), s.Queued)
	}
}

func TestSocketOptions(t *testing.T) {
	a := start(t, Config{Handler: NopHandler{}})
	b := start(t, Config{Handler: NopHandler{}})
	if err := a.Post(context.Background(), msgTo(a, b.Addr(), 0, "")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for b.Stats().Received == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	check := func(name string, fd int) {
		get := func(level, opt int) int {
			v, err := unix.GetsockoptInt(fd, level, opt)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		l, err := unix.GetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER)
		if err != nil {
			t.Fatal(err)
		}
		if get(unix.SOL_SOCKET, unix.SO_KEEPALIVE) != 1 || get(unix.IPPROTO_TCP, unix.TCP_KEEPIDLE) != 1 ||
			get(unix.IPPROTO_TCP, unix.TCP_KEEPINTVL) != 3 || get(unix.IPPROTO_TCP, unix.TCP_KEEPCNT) != 5 ||
			get(unix.IPPROTO_TCP, unix.TCP_NODELAY) != 1 || get(unix.SOL_SOCKET, unix.SO_REUSEADDR) != 1 ||
			l.Onoff != 1 || l.Linger != 0 {
			t.Errorf("%s fd %d: options not set", name, fd)
		}
	}
	check("listener", b.eng.lfd)
	for _, c := range []*Center{a, b} {
		c.eng.pmu.Lock()
		for _, cn := range c.eng.peers {
			check(fmt.Sprintf("outbound=%v", cn.outbound), cn.fd)
		}
		c.eng.pmu.Unlock()
	}
}

// TestBackPressure: a handler that blocks makes the sender's queue fill
// up instead of the receiver buffering without bound.
func TestBackPressure(t *testing.T) {
	release := make(chan struct{})
	var handled atomic.Int64
	b := start(t, Config{Handler: HandlerFunc(func(ctx context.Context, m *Message) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		handled.Add(1)
	}), RecvQueueSize: 64})
	a := start(t, Config{Handler: NopHandler{}, SendQueueSize: 64})
	body := make([]byte, 1024)
	var err error
	posted := 0
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		m := msgTo(a, b.Addr(), posted, "")
		m.Body = body
		if err = a.Post(context.Background(), m); err != nil {
			if !errors.Is(err, errs.ErrQueueFull) {
				t.Fatal(err)
			}
			if a.Stats().Queued >= 64 {
				time.Sleep(50 * time.Millisecond)
				if a.Stats().Queued >= 64 {
					break // stalled: TCP window closed
				}
			}
			continue
		}
		posted++
	}
	rcv := b.Stats().Received
	// Bounded: the dispatcher queue, one read batch and the socket buffers.
	if rcv > 64+1+readBufSize/1000 || posted-int(rcv) < 100 {
		t.Errorf("receiver took %d of %d messages while its handler blocked", rcv, posted)
	}
	close(release)
	deadline = time.Now().Add(30 * time.Second)
	for handled.Load() < int64(posted) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if handled.Load() != int64(posted) {
		t.Errorf("handled %d of %d", handled.Load(), posted)
	}
}

func TestThousandConnections(t *testing.T) {
	r := newRecorder()
	c := start(t, Config{Handler: r})
	const n = 1000
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, rc := range conns {
			rc.Close()
		}
	}()
	from := Addr{IP: loopback, Port: 9}
	frame := rawFrames(from, c.Addr(), 1, []byte("hi"))
	for i := 0; i < n; i++ {
		rc, err := net.Dial("tcp4", c.Addr().AddrPort().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, rc)
		if _, err := rc.Write(frame); err != nil {
			t.Fatal(err)
		}
	}
	got := r.wait(t, n)
	peers := map[netip.AddrPort]bool{}
	for _, m := range got {
		peers[m.Peer] = true
	}
	if len(peers) != n || c.Stats().ConnsIn != n {
		t.Errorf("%d peers, stats %+v", len(peers), c.Stats())
	}
}

func TestConfigValidation(t *testing.T) {
	for _, cfg := range []Config{
		{IP: netip.MustParseAddr("::1")},
		{SendQueueSize: -1},
		{DialTimeout: -time.Second},
	} {
		if _, err := NewCenter(cfg); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
	before := fdCount(t)
	a := start(t, Config{})
	c, _ := NewCenter(Config{IP: loopback, Port: a.Addr().Port})
	if err := c.Start(); !errors.Is(err, unix.EADDRINUSE) {
		t.Errorf("second bind: %v", err)
	}
	c.Close()
	c.Stop(context.Background())
	a.Close()
	if after := fdCount(t); after != before {
		t.Errorf("fds %d before, %d after a failed start", before, after)
	}
	n, _ := NewCenter(Config{})
	n.Close() // never started
	n.Close()
}

// TestStopFlushes: messages queued when Stop is called are written before
// the connections close.
func TestStopFlushes(t *testing.T) {
	rb := newRecorder()
	b := start(t, Config{Handler: rb})
	var dropped atomic.Int64
	a := start(t, Config{Handler: NopHandler{}, SendQueueSize: 5000, OnDrop: func(*Message, error) { dropped.Add(1) }})
	const n = 3000
	body := make([]byte, 4096)
	for i := 0; i < n; i++ {
		m := msgTo(a, b.Addr(), i, "")
		m.Body = body
		postRetry(t, a, m)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	rb.wait(t, n)
	if s := a.Stats(); s.Sent != n || dropped.Load() != 0 || s.ConnsOut != 0 {
		t.Errorf("stats %+v, dropped %d", s, dropped.Load())
	}
}

// TestAcceptMissingMagicLive: the CUP urgent-first race seen by a center
// with and without the leniency.
func TestAcceptMissingMagicLive(t *testing.T) {
	from := Addr{IP: loopback, Port: 9}
	u := NewMessage(from, from, 3, UniqID{Lo: 1}, []byte("urgent"))
	u.Flag = FlagUrgent
	n := NewMessage(from, from, 3, UniqID{Lo: 2}, []byte("normal"))
	stream := appendFrame(nil, u, false)
	stream = appendFrame(stream, n, true)
	for _, lenient := range []bool{true, false} {
		r, ev := newRecorder(), newEvents()
		c := start(t, Config{Handler: r, AcceptMissingMagic: lenient, OnConnEvent: ev.on})
		rc := dialRaw(t, c)
		rc.Write(stream)
		if lenient {
			got := r.wait(t, 2)
			if string(got[0].Body) != "urgent" || string(got[1].Body) != "normal" {
				t.Errorf("got %v, %v", got[0], got[1])
			}
		} else {
			ev.closedWith(t, errs.ErrBadMagic)
		}
	}
}

func TestSelfConnectDetected(t *testing.T) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(fd)
	// Connecting a bound socket to its own address is a simultaneous open
	// with itself: exactly the self-connect CUP checks for.
	if err := unix.Connect(fd, sa); err != nil {
		t.Skipf("kernel refused the self-connect: %v", err)
	}
	if !selfConnected(fd) {
		t.Error("self-connect not detected")
	}
	a := start(t, Config{Handler: NopHandler{}})
	b := start(t, Config{Handler: NopHandler{}})
	if err := a.Post(context.Background(), msgTo(a, b.Addr(), 0, "")); err != nil {
		t.Fatal(err)
	}
	a.eng.pmu.Lock()
	for _, cn := range a.eng.peers {
		if selfConnected(cn.fd) {
			t.Error("normal connection reported as self-connect")
		}
	}
	a.eng.pmu.Unlock()
}

// TestInlineHandlersPostReply: handlers on the event loop answering on the
// arriving connection keep the order, and the reply stream carries its own
// magic on its first frame.
func TestInlineHandlersPostReply(t *testing.T) {
	var c *Center
	startInto(t, Config{InlineHandlers: true, Handler: HandlerFunc(func(_ context.Context, m *Message) {
		r := &Message{Flag: m.Flag, Type: m.Type, From: m.To, To: m.From, ID: m.ID, Body: m.Body}
		if err := c.PostReply(m, r); err != nil {
			t.Error(err)
		}
	})}, &c)
	rc := dialRaw(t, c)
	from := Addr{IP: loopback, Port: 9}
	const n = 2000
	go rc.Write(rawFrames(from, c.Addr(), n, []byte("echo")))
	d := NewDecoder(0)
	buf := make([]byte, 4096)
	got := 0
	rc.SetReadDeadline(time.Now().Add(30 * time.Second))
	for got < n {
		k, err := rc.Read(buf)
		if err != nil {
			t.Fatalf("after %d echos: %v", got, err)
		}
		err = d.Feed(buf[:k], func(m *Message) error {
			if m.ID.Lo != uint64(got) || string(m.Body) != "echo" || m.To != from {
				return fmt.Errorf("echo %d: %v", got, m)
			}
			got++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := c.PostReply(&Message{}, msgTo(c, from, 0, "")); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("PostReply without a received message: %v", err)
	}
}

// TestUrgentOvertakes: an urgent message overtakes queued normal ones but
// never splits a frame; normal messages stay FIFO.
func TestUrgentOvertakes(t *testing.T) {
	a := start(t, Config{Handler: NopHandler{}})
	ln, to := rawListener(t)
	body := make([]byte, 1<<20)
	const n = 30
	for i := 0; i < n; i++ {
		m := msgTo(a, to, i, "")
		m.Body = body
		if err := a.Post(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	rc := accept(t, ln) // not reading yet: the socket buffers fill up
	deadline := time.Now().Add(20 * time.Second)
	for {
		q := a.Stats().Queued
		time.Sleep(50 * time.Millisecond)
		if q == a.Stats().Queued || time.Now().After(deadline) {
			break
		}
	}
	if a.Stats().Queued < 5 {
		t.Skipf("only %d messages still queued; the socket buffers took the rest", a.Stats().Queued)
	}
	u := msgTo(a, to, 1000, "urgent")
	u.Flag = FlagUrgent
	if err := a.Post(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	d := NewDecoder(2 << 20)
	buf := make([]byte, 256<<10)
	rc.SetReadDeadline(time.Now().Add(30 * time.Second))
	for len(ids) < n+1 {
		k, err := rc.Read(buf)
		if err != nil {
			t.Fatalf("after %d frames: %v", len(ids), err)
		}
		if err := d.Feed(buf[:k], func(m *Message) error { ids = append(ids, m.ID.Lo); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	pos := slices.Index(ids, 1000)
	if pos < 0 || pos == n {
		t.Fatalf("urgent message at %d of %v", pos, ids)
	}
	normal := slices.Delete(slices.Clone(ids), pos, pos+1)
	for i, id := range normal {
		if id != uint64(i) {
			t.Fatalf("normal order %v", normal)
		}
	}
}
