package heartbeat

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/netasync"
)

// CUPTransport is a [Transport] over a netasync message center, so
// heartbeats travel in CUP's wire format (CUP012-3 frames) like CUP's
// arrow-runtime: type HEART_BEAT (1) and ACK_HEART_BEAT (6), stub and
// future (1, 1) on both addresses, heartbeats flagged URGENT as CUP's
// agent sends them, answers posted to the sender's listening address.
// Message.ID travels in the low 64 bits of CUP's 128-bit id; message types
// above 255 are not delivered. Bodies are JSON (never pickle), which a CUP
// 3.2.7 master treats as opaque.
//
// It is safe for concurrent use. Off Linux, ListenCUP fails with
// errs.ErrNotSupported (netasync's engine is epoll-based).
type CUPTransport struct {
	c       *netasync.Center
	local   netasync.Addr
	addr    string
	handler atomic.Pointer[Handler]
	cnt     counters

	mu      sync.Mutex
	serving bool
	closed  chan struct{}
	once    sync.Once
}

// ListenCUP starts a netasync center with cfg (its IP and Port are the
// listen address; port 0 picks one) and returns it as a transport.
// cfg.Handler must be nil: the transport installs its own.
func ListenCUP(cfg netasync.Config) (*CUPTransport, error) {
	if cfg.Handler != nil {
		return nil, errs.New(errs.ErrInvalidArgument, "heartbeat: ListenCUP installs its own netasync handler; leave Config.Handler nil")
	}
	t := &CUPTransport{closed: make(chan struct{})}
	cfg.Handler = netasync.HandlerFunc(t.deliver)
	c, err := netasync.NewCenter(cfg)
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("heartbeat: starting netasync center: %w", err)
	}
	t.c = c
	t.local = c.Addr()
	t.local.Stub, t.local.Future = 1, 1
	t.addr = c.Addr().AddrPort().String()
	return t, nil
}

// Addr returns the center's listening "ip:port".
func (t *CUPTransport) Addr() string { return t.addr }

// Center returns the underlying message center (for its Stats).
func (t *CUPTransport) Center() *netasync.Center { return t.c }

// Stats returns the traffic counted by the transport (bytes as CUP
// frames without the once-per-connection magic).
func (t *CUPTransport) Stats() TransportStats { return t.cnt.stats() }

// Send posts m to `to` ("ip:port", IPv4) through the center. m.From is
// ignored: CUP messages always carry the center's own address. Bodies
// are limited to DefaultMaxFrame like the other transports'.
func (t *CUPTransport) Send(ctx context.Context, to string, m Message) error {
	if len(m.Body) > DefaultMaxFrame-frameHeader {
		return errs.New(errs.ErrInvalidArgument, "heartbeat: body of %d bytes over the limit of %d", len(m.Body), DefaultMaxFrame-frameHeader)
	}
	ap, err := netip.ParseAddrPort(to)
	if err != nil || !ap.Addr().Unmap().Is4() {
		return errs.New(errs.ErrInvalidArgument, "heartbeat: netasync destination %q is not IPv4:PORT", to)
	}
	msg := netasync.NewMessage(t.local, netasync.AddrFrom(ap, 1, 1), netasync.MsgType(m.Type),
		netasync.UniqID{Lo: m.ID}, m.Body)
	if m.Type == TypeHeartbeat {
		msg.Flag = netasync.FlagUrgent
	}
	if err := t.c.Post(ctx, msg); err != nil {
		return fmt.Errorf("heartbeat: post to %s: %w", to, err)
	}
	t.cnt.msgsSent.Add(1)
	t.cnt.bytesSent.Add(uint64(msg.FrameLen(false)))
	return nil
}

// deliver is the center's handler.
func (t *CUPTransport) deliver(ctx context.Context, m *netasync.Message) {
	t.cnt.msgsRecv.Add(1)
	t.cnt.bytesRecv.Add(uint64(m.FrameLen(false)))
	h := t.handler.Load()
	if h == nil || m.Type > 255 {
		return
	}
	(*h)(ctx, Message{Type: MsgType(m.Type), From: m.From.AddrPort().String(), ID: m.ID.Lo, Body: m.Body})
}

// Serve delivers incoming messages to h until ctx ends or Close is
// called; the center is stopped when it returns. A second call fails with
// errs.ErrInvalidArgument.
func (t *CUPTransport) Serve(ctx context.Context, h Handler) error {
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
	t.handler.Store(&h)
	select {
	case <-ctx.Done():
		_ = t.Close()
		return fmt.Errorf("heartbeat: serve %s: %w", t.addr, ctx.Err())
	case <-t.closed:
		return errs.New(errs.ErrClosed, "heartbeat: serve %s: transport closed", t.addr)
	}
}

// Close stops the center, giving queued messages up to one second to be
// written, and waits for its goroutines. It may be called more than once.
func (t *CUPTransport) Close() error {
	var err error
	t.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err = t.c.Stop(ctx); err != nil {
			err = t.c.Close()
		}
		close(t.closed)
	})
	return err
}
