package heartbeat

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/netasync"
)

// collector is a Handler that records messages.
type collector struct {
	mu   sync.Mutex
	msgs []Message
	ch   chan struct{}
}

func newCollector() *collector { return &collector{ch: make(chan struct{}, 10000)} }

func (c *collector) handle(_ context.Context, m Message) {
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
	c.ch <- struct{}{}
}

func (c *collector) wait(t *testing.T, n int) []Message {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		if len(c.msgs) >= n {
			out := append([]Message(nil), c.msgs...)
			c.mu.Unlock()
			return out
		}
		c.mu.Unlock()
		select {
		case <-c.ch:
		case <-deadline:
			t.Fatalf("only %d of %d messages arrived", len(c.msgs), n)
		}
	}
}

// serve runs tr.Serve in the background and stops it at cleanup.
func serve(t *testing.T, tr Transport, h Handler) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Serve(ctx, h) }()
	for !isServing(tr) {
		time.Sleep(time.Millisecond)
	}
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// isServing reports whether Serve has started on tr.
func isServing(tr Transport) bool {
	switch tr := tr.(type) {
	case *TCPTransport:
		tr.mu.Lock()
		defer tr.mu.Unlock()
		return tr.serving
	case *MemTransport:
		tr.mu.Lock()
		defer tr.mu.Unlock()
		return tr.serving
	case *CUPTransport:
		tr.mu.Lock()
		defer tr.mu.Unlock()
		return tr.serving && tr.handler.Load() != nil
	}
	return true
}

func transports(t *testing.T) map[string]func(t *testing.T) (a, b Transport) {
	return map[string]func(t *testing.T) (a, b Transport){
		"tcp": func(t *testing.T) (Transport, Transport) {
			a, err := ListenTCP("127.0.0.1:0", nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ListenTCP("127.0.0.1:0", nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close(); b.Close() })
			return a, b
		},
		"cup": func(t *testing.T) (Transport, Transport) {
			if runtime.GOOS != "linux" {
				t.Skip("netasync needs Linux")
			}
			a, err := ListenCUP(netasync.Config{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := ListenCUP(netasync.Config{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close(); b.Close() })
			return a, b
		},
		"mem": func(t *testing.T) (Transport, Transport) {
			n := NewMemNetwork()
			a, _ := n.Listen("")
			b, _ := n.Listen("")
			t.Cleanup(func() { a.Close(); b.Close() })
			return a, b
		},
	}
}

func TestTransportDeliversInOrder(t *testing.T) {
	for name, mk := range transports(t) {
		t.Run(name, func(t *testing.T) {
			a, b := mk(t)
			got := newCollector()
			serve(t, b, got.handle)
			ctx := context.Background()
			for i := range 500 {
				err := a.Send(ctx, b.Addr(), Message{Type: TypeHeartbeat, ID: uint64(i), Body: []byte(fmt.Sprint(i))})
				for errors.Is(err, errs.ErrFull) { // netasync's bounded send queue: back off
					time.Sleep(time.Millisecond)
					err = a.Send(ctx, b.Addr(), Message{Type: TypeHeartbeat, ID: uint64(i), Body: []byte(fmt.Sprint(i))})
				}
				if err != nil {
					t.Fatalf("send %d: %v", i, err)
				}
			}
			msgs := got.wait(t, 500)
			for i, m := range msgs {
				if m.ID != uint64(i) || string(m.Body) != fmt.Sprint(i) || m.From != a.Addr() || m.Type != TypeHeartbeat {
					t.Fatalf("message %d = %+v", i, m)
				}
			}
		})
	}
}

func TestTransportAnswerToFrom(t *testing.T) {
	for name, mk := range transports(t) {
		t.Run(name, func(t *testing.T) {
			a, b := mk(t)
			answers := newCollector()
			serve(t, a, answers.handle)
			serve(t, b, func(ctx context.Context, m Message) {
				if err := b.Send(ctx, m.From, Message{Type: TypeAckHeartbeat, ID: m.ID + 1}); err != nil {
					t.Errorf("answer: %v", err)
				}
			})
			if err := a.Send(context.Background(), b.Addr(), Message{Type: TypeHeartbeat, ID: 41}); err != nil {
				t.Fatal(err)
			}
			if m := answers.wait(t, 1)[0]; m.ID != 42 || m.Type != TypeAckHeartbeat || m.From != b.Addr() {
				t.Errorf("answer %+v", m)
			}
		})
	}
}

func TestTransportErrors(t *testing.T) {
	for name, mk := range transports(t) {
		t.Run(name, func(t *testing.T) {
			a, b := mk(t)
			if err := a.Serve(context.Background(), nil); !errors.Is(err, errs.ErrInvalidArgument) {
				t.Errorf("Serve(nil) = %v", err)
			}
			serve(t, b, func(context.Context, Message) {})
			if err := b.Serve(context.Background(), func(context.Context, Message) {}); !errors.Is(err, errs.ErrInvalidArgument) {
				t.Errorf("second Serve = %v", err)
			}
			if err := a.Send(context.Background(), b.Addr(), Message{Body: make([]byte, DefaultMaxFrame)}); !errors.Is(err, errs.ErrInvalidArgument) {
				t.Errorf("oversized Send = %v", err)
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			if err := a.Close(); err != nil {
				t.Errorf("second Close = %v", err)
			}
			if err := a.Send(context.Background(), b.Addr(), Message{}); !errors.Is(err, errs.ErrClosed) {
				t.Errorf("Send after Close = %v, want ErrClosed", err)
			}
		})
	}
}

func TestMemUnreachable(t *testing.T) {
	n := NewMemNetwork()
	a, _ := n.Listen("a")
	defer a.Close()
	if _, err := n.Listen("a"); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("duplicate Listen = %v", err)
	}
	if err := a.Send(context.Background(), "nobody", Message{}); !errors.Is(err, errs.ErrUnreachable) {
		t.Errorf("Send to nobody = %v", err)
	}
	b, _ := n.Listen("b")
	for range memInbox {
		if err := a.Send(context.Background(), "b", Message{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Send(context.Background(), "b", Message{}); !errors.Is(err, errs.ErrFull) {
		t.Errorf("Send to full inbox = %v", err)
	}
	b.Close()
	if err := a.Send(context.Background(), "b", Message{}); !errors.Is(err, errs.ErrUnreachable) {
		t.Errorf("Send to closed = %v", err)
	}
	if s := a.Stats(); s.MsgsSent != memInbox {
		t.Errorf("stats %+v", s)
	}
}

func TestTCPRedialsAfterPeerRestart(t *testing.T) {
	a, err := ListenTCP("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := ListenTCP("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := b.Addr()
	got := newCollector()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Serve(ctx, got.handle) }()
	if err := a.Send(context.Background(), addr, Message{ID: 1}); err != nil {
		t.Fatal(err)
	}
	got.wait(t, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Serve after cancel = %v", err)
	}
	// The old connection is dead; sends fail until a new peer listens on
	// the same address, then succeed over a new connection.
	b2, err := ListenTCP(addr, nil)
	if err != nil {
		t.Skipf("cannot rebind %s: %v", addr, err)
	}
	got2 := newCollector()
	serve(t, b2, got2.handle)
	defer b2.Close()
	deadline := time.Now().Add(20 * time.Second)
	for id := uint64(2); ; id++ {
		if a.Send(context.Background(), addr, Message{ID: id}) == nil {
			got2.mu.Lock()
			n := len(got2.msgs)
			got2.mu.Unlock()
			if n > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no message reached the restarted peer")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTCPBadFrameClosesConn(t *testing.T) {
	b, err := ListenTCP("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := newCollector()
	serve(t, b, got.handle)
	c, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("GARBAGE!GARBAGE!")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("connection still open after a bad frame")
	}
	got.mu.Lock()
	defer got.mu.Unlock()
	if len(got.msgs) != 0 {
		t.Errorf("garbage delivered %v", got.msgs)
	}
}

func TestListenTCPOptions(t *testing.T) {
	if _, err := ListenTCP("127.0.0.1:0", &TCPOptions{MaxFrame: 10}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("MaxFrame 10: %v", err)
	}
	if _, err := ListenTCP("127.0.0.1:0", &TCPOptions{DialTimeout: -1}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("negative DialTimeout: %v", err)
	}
	if _, err := ListenTCP("256.0.0.1:0", nil); err == nil {
		t.Error("bad address accepted")
	}
}
