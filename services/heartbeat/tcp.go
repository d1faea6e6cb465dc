package heartbeat

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cupgo/cup/errs"
)

// TCPOptions configure a [TCPTransport]. The zero value means the
// documented defaults.
type TCPOptions struct {
	// DialTimeout bounds connecting to a peer; 0 means 5 s.
	DialTimeout time.Duration
	// WriteTimeout bounds writing one frame; a peer that stops reading
	// for this long has its connection closed. 0 means 5 s.
	WriteTimeout time.Duration
	// MaxFrame is the largest frame sent or accepted, header included;
	// 0 means DefaultMaxFrame (1 MiB).
	MaxFrame int
}

func (o *TCPOptions) dialTimeout() time.Duration {
	if o.DialTimeout > 0 {
		return o.DialTimeout
	}
	return 5 * time.Second
}

func (o *TCPOptions) writeTimeout() time.Duration {
	if o.WriteTimeout > 0 {
		return o.WriteTimeout
	}
	return 5 * time.Second
}

func (o *TCPOptions) maxFrame() int {
	if o.MaxFrame > 0 {
		return o.MaxFrame
	}
	return DefaultMaxFrame
}

// TransportStats count a transport's traffic (frames and their bytes,
// length prefixes included).
type TransportStats struct {
	MsgsSent, MsgsRecv   uint64
	BytesSent, BytesRecv uint64
}

type counters struct {
	msgsSent, msgsRecv, bytesSent, bytesRecv atomic.Uint64
}

func (c *counters) stats() TransportStats {
	return TransportStats{MsgsSent: c.msgsSent.Load(), MsgsRecv: c.msgsRecv.Load(),
		BytesSent: c.bytesSent.Load(), BytesRecv: c.bytesRecv.Load()}
}

// TCPTransport is the built-in [Transport]: length-prefixed frames (see
// frame.go) over TCP, one outbound connection per destination, reused
// and redialled after an error. Like CUP's message center, answers travel
// over a connection the answering side opens to the sender's listening
// address (Message.From); frames arriving on outbound connections are
// delivered too.
//
// A TCPTransport is safe for concurrent use.
type TCPTransport struct {
	opts TCPOptions
	ln   net.Listener
	addr string
	cnt  counters

	ctx    context.Context // cancelled by Close; handler calls get it
	cancel context.CancelFunc

	mu      sync.Mutex
	closed  bool
	serving bool
	handler Handler
	out     map[string]*tcpConn
	conns   map[*tcpConn]struct{}
	wg      sync.WaitGroup // connection readers
}

type tcpConn struct {
	c   net.Conn
	to  string // destination for outbound connections, "" for inbound
	wmu sync.Mutex
}

// ListenTCP binds addr ("127.0.0.1:0" picks a free port) and returns a
// transport ready to Send; call Serve to receive. A nil opts means the
// defaults.
func ListenTCP(addr string, opts *TCPOptions) (*TCPTransport, error) {
	var o TCPOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxFrame < 0 || o.DialTimeout < 0 || o.WriteTimeout < 0 {
		return nil, errs.New(errs.ErrInvalidArgument, "heartbeat: negative TCP option in %+v", o)
	}
	if o.MaxFrame != 0 && o.MaxFrame < frameHeader+64 {
		return nil, errs.New(errs.ErrInvalidArgument, "heartbeat: MaxFrame %d too small", o.MaxFrame)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("heartbeat: listen %s: %w", addr, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &TCPTransport{opts: o, ln: ln, addr: ln.Addr().String(), ctx: ctx, cancel: cancel,
		out: make(map[string]*tcpConn), conns: make(map[*tcpConn]struct{})}, nil
}

// Addr returns the bound listening address.
func (t *TCPTransport) Addr() string { return t.addr }

// Stats returns the traffic counted so far.
func (t *TCPTransport) Stats() TransportStats { return t.cnt.stats() }

// Send writes m's frame to the connection to `to`, dialling it first if
// needed (bounded by ctx and DialTimeout; no lock is held while
// dialling). An empty m.From is set to Addr(). A failed write closes the
// connection, so the next Send redials. After Close it fails with an
// error matching errs.ErrClosed.
func (t *TCPTransport) Send(ctx context.Context, to string, m Message) error {
	if m.From == "" {
		m.From = t.addr
	}
	frame, err := appendFrame(nil, &m, t.opts.maxFrame())
	if err != nil {
		return err
	}
	c, err := t.conn(ctx, to)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	dl := time.Now().Add(t.opts.writeTimeout())
	if d, ok := ctx.Deadline(); ok && d.Before(dl) {
		dl = d
	}
	_ = c.c.SetWriteDeadline(dl)
	_, err = c.c.Write(frame)
	c.wmu.Unlock()
	if err != nil {
		t.drop(c)
		return fmt.Errorf("heartbeat: send to %s: %w", to, err)
	}
	t.cnt.msgsSent.Add(1)
	t.cnt.bytesSent.Add(uint64(len(frame)))
	return nil
}

// conn returns the outbound connection to `to`, dialling it if needed.
func (t *TCPTransport) conn(ctx context.Context, to string) (*tcpConn, error) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil, errs.New(errs.ErrClosed, "heartbeat: send to %s: transport closed", to)
	}
	if c, ok := t.out[to]; ok {
		t.mu.Unlock()
		return c, nil
	}
	t.mu.Unlock()

	d := net.Dialer{Timeout: t.opts.dialTimeout()}
	nc, err := d.DialContext(ctx, "tcp", to)
	if err != nil {
		return nil, fmt.Errorf("heartbeat: dial %s: %w", to, err)
	}
	c := &tcpConn{c: nc, to: to}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		nc.Close()
		return nil, errs.New(errs.ErrClosed, "heartbeat: send to %s: transport closed", to)
	}
	if other, ok := t.out[to]; ok { // another Send dialled first
		nc.Close()
		return other, nil
	}
	t.out[to] = c
	t.track(c)
	return c, nil
}

// track registers c and starts its reader; t.mu must be held and t not
// closed.
func (t *TCPTransport) track(c *tcpConn) {
	t.conns[c] = struct{}{}
	t.wg.Add(1)
	go t.read(c)
}

// drop closes c and forgets it.
func (t *TCPTransport) drop(c *tcpConn) {
	t.mu.Lock()
	if t.out[c.to] == c {
		delete(t.out, c.to)
	}
	delete(t.conns, c)
	t.mu.Unlock()
	c.c.Close()
}

// read delivers c's frames to the handler until c fails or closes.
func (t *TCPTransport) read(c *tcpConn) {
	defer t.wg.Done()
	defer t.drop(c)
	r := bufio.NewReader(c.c)
	var buf []byte
	max := t.opts.maxFrame()
	for {
		m, b, err := readFrame(r, buf, max)
		buf = b
		if err != nil {
			return // EOF, closed, or a protocol error: the connection is done
		}
		t.cnt.msgsRecv.Add(1)
		t.cnt.bytesRecv.Add(uint64(4 + len(b)))
		t.mu.Lock()
		h := t.handler
		t.mu.Unlock()
		if h != nil {
			m.Body = bytes.Clone(m.Body)
			h(t.ctx, m)
		}
	}
}

// Serve accepts connections and delivers their messages to h until ctx
// ends or Close is called; either way the transport is closed when it
// returns. A second call fails with errs.ErrInvalidArgument.
func (t *TCPTransport) Serve(ctx context.Context, h Handler) error {
	if h == nil {
		return errs.New(errs.ErrInvalidArgument, "heartbeat: Serve with a nil handler")
	}
	t.mu.Lock()
	if t.serving {
		t.mu.Unlock()
		return errs.New(errs.ErrInvalidArgument, "heartbeat: Serve called twice on %s", t.addr)
	}
	if t.closed {
		t.mu.Unlock()
		return errs.New(errs.ErrClosed, "heartbeat: Serve on closed transport %s", t.addr)
	}
	t.serving = true
	t.handler = h
	t.mu.Unlock()

	stop := context.AfterFunc(ctx, func() { _ = t.Close() })
	defer stop()
	for {
		nc, err := t.ln.Accept()
		if err != nil {
			_ = t.Close()
			if ctx.Err() != nil {
				return fmt.Errorf("heartbeat: serve %s: %w", t.addr, ctx.Err())
			}
			if errors.Is(err, net.ErrClosed) {
				return errs.New(errs.ErrClosed, "heartbeat: serve %s: transport closed", t.addr)
			}
			return fmt.Errorf("heartbeat: accept on %s: %w", t.addr, err)
		}
		t.mu.Lock()
		if t.closed {
			t.mu.Unlock()
			nc.Close()
			continue
		}
		t.track(&tcpConn{c: nc})
		t.mu.Unlock()
	}
}

// Close closes the listener and every connection and waits for the
// readers to finish (and so for running handler calls). It may be called
// more than once, and from a handler's goroutine only at its own risk of
// waiting for itself: call it from elsewhere.
func (t *TCPTransport) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		t.wg.Wait()
		return nil
	}
	t.closed = true
	t.cancel()
	err := t.ln.Close()
	for c := range t.conns {
		c.c.Close()
	}
	t.mu.Unlock()
	t.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}
