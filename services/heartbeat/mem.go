package heartbeat

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/cupgo/cup/errs"
)

// MemNetwork connects [MemTransport]s in memory, for tests and
// simulations (like memberlist's MockNetwork). It is safe for concurrent
// use.
type MemNetwork struct {
	mu   sync.Mutex
	eps  map[string]*MemTransport
	next int
}

// NewMemNetwork returns an empty network.
func NewMemNetwork() *MemNetwork { return &MemNetwork{eps: make(map[string]*MemTransport)} }

// memInbox is how many undelivered messages an endpoint holds before
// Send to it fails with errs.ErrFull.
const memInbox = 1024

// Listen returns an endpoint at addr; "" picks a fresh name ("mem-1",
// ...). An address in use is an error matching errs.ErrInvalidArgument.
func (n *MemNetwork) Listen(addr string) (*MemTransport, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if addr == "" {
		n.next++
		addr = "mem-" + strconv.Itoa(n.next)
		for n.eps[addr] != nil {
			n.next++
			addr = "mem-" + strconv.Itoa(n.next)
		}
	}
	if n.eps[addr] != nil {
		return nil, errs.New(errs.ErrInvalidArgument, "heartbeat: memory address %q in use", addr)
	}
	t := &MemTransport{net: n, addr: addr, inbox: make(chan Message, memInbox), done: make(chan struct{})}
	n.eps[addr] = t
	return t, nil
}

// MemTransport is an in-memory [Transport] endpoint of a [MemNetwork].
// It starts no goroutines: Serve runs the handler on its caller's
// goroutine. It is safe for concurrent use.
type MemTransport struct {
	net   *MemNetwork
	addr  string
	inbox chan Message
	done  chan struct{}
	cnt   counters

	mu      sync.Mutex
	serving bool
	once    sync.Once
}

// Addr returns the endpoint's name in its network.
func (t *MemTransport) Addr() string { return t.addr }

// Stats returns the traffic counted so far; bytes are counted as the
// TCP transport's frames would be.
func (t *MemTransport) Stats() TransportStats { return t.cnt.stats() }

// Send queues a copy of m for the endpoint at `to`. An unknown or closed
// destination is an error matching errs.ErrUnreachable, a full inbox one
// matching errs.ErrFull, a closed sender one matching errs.ErrClosed.
func (t *MemTransport) Send(ctx context.Context, to string, m Message) error {
	select {
	case <-t.done:
		return errs.New(errs.ErrClosed, "heartbeat: send to %s: transport closed", to)
	default:
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("heartbeat: send to %s: %w", to, err)
	}
	if m.From == "" {
		m.From = t.addr
	}
	size := frameHeader + len(m.From) + len(m.Body)
	if size > DefaultMaxFrame {
		return errs.New(errs.ErrInvalidArgument, "heartbeat: frame of %d bytes over the limit of %d", size, DefaultMaxFrame)
	}
	t.net.mu.Lock()
	dst := t.net.eps[to]
	t.net.mu.Unlock()
	if dst == nil {
		return errs.New(errs.ErrUnreachable, "heartbeat: nobody listens on %s", to)
	}
	m.Body = bytes.Clone(m.Body)
	select {
	case <-dst.done:
		return errs.New(errs.ErrUnreachable, "heartbeat: %s is closed", to)
	default:
	}
	select {
	case dst.inbox <- m:
	default:
		return errs.New(errs.ErrFull, "heartbeat: inbox of %s full", to)
	}
	t.cnt.msgsSent.Add(1)
	t.cnt.bytesSent.Add(uint64(size))
	dst.cnt.msgsRecv.Add(1)
	dst.cnt.bytesRecv.Add(uint64(size))
	return nil
}

// Serve calls h for each queued message, in order, until ctx ends or
// Close is called; the endpoint is closed when it returns. A second call
// fails with errs.ErrInvalidArgument.
func (t *MemTransport) Serve(ctx context.Context, h Handler) error {
	if h == nil {
		return errs.New(errs.ErrInvalidArgument, "heartbeat: Serve with a nil handler")
	}
	t.mu.Lock()
	if t.serving {
		t.mu.Unlock()
		return errs.New(errs.ErrInvalidArgument, "heartbeat: Serve called twice on %s", t.addr)
	}
	t.serving = true
	t.mu.Unlock()
	defer t.Close()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("heartbeat: serve %s: %w", t.addr, ctx.Err())
		case <-t.done:
			return errs.New(errs.ErrClosed, "heartbeat: serve %s: transport closed", t.addr)
		case m := <-t.inbox:
			h(ctx, m)
		}
	}
}

// Close removes the endpoint from its network; queued messages are
// discarded. It may be called more than once.
func (t *MemTransport) Close() error {
	t.once.Do(func() {
		t.net.mu.Lock()
		if t.net.eps[t.addr] == t {
			delete(t.net.eps, t.addr)
		}
		t.net.mu.Unlock()
		close(t.done)
	})
	return nil
}
