package netasync

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/log"
	cupnet "github.com/cupgo/cup/net"
)

// Handler receives every message of a center, acknowledgements included
// (CUP IMessageCenter.handle). Calls for messages of one connection are
// made in arrival order, from one dispatcher goroutine; handlers never run
// on an event loop goroutine. ctx is cancelled when the center closes.
type Handler interface {
	HandleMessage(ctx context.Context, m *Message)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, m *Message)

// HandleMessage calls f(ctx, m).
func (f HandlerFunc) HandleMessage(ctx context.Context, m *Message) { f(ctx, m) }

// NopHandler ignores every message. Embed it to implement only what you
// need.
type NopHandler struct{}

// HandleMessage does nothing.
func (NopHandler) HandleMessage(context.Context, *Message) {}

// DefaultHandler is CUP's default_handle: acknowledgements are ignored,
// anything else is logged as unhandled (to Logger, or the default logger
// when nil).
type DefaultHandler struct{ Logger *log.Logger }

// HandleMessage logs m unless it carries FlagAck.
func (h DefaultHandler) HandleMessage(_ context.Context, m *Message) {
	if m.Flag&FlagAck != 0 {
		return
	}
	l := h.Logger
	if l == nil {
		l = log.Default()
	}
	l.Warn("netasync: unhandled message: %s", m)
}

// AckCallback reports the outcome of a need-ack message, exactly once:
// (m, true, nil) when acknowledged, (m, false, err) on timeout
// (errs.ErrAckTimeout) or Stop (errs.ErrStopped).
type AckCallback func(m *Message, acked bool, err error)

// ConnEvent reports a connection being opened or closed.
type ConnEvent struct {
	Peer     netip.AddrPort // remote TCP endpoint
	Listened *Addr          // inbound only: From of the first message, once known
	Outbound bool
	Opened   bool  // false: closed
	Err      error // closed: io.EOF for an orderly close, otherwise the cause
}

// Config configures a Center. The zero value of every field but Handler
// means the documented default.
type Config struct {
	IP   netip.Addr // listen IPv4 address; invalid (zero) means 127.0.0.1
	Port uint16     // listen port; 0 picks a free one (see Center.Addr)

	Handler     Handler // nil means DefaultHandler{}
	Loops       int     // event loops; default GOMAXPROCS
	Dispatchers int     // handler goroutines; default 1 (serialised like CUP); >1 shards by connection

	// InlineHandlers runs the Handler on the event loop goroutine that read
	// the message instead of a dispatcher (gnet's model): no goroutine
	// hand-off, but a handler that blocks stalls every connection of its
	// loop, and a Post that has to dial blocks the loop for up to
	// DialTimeout. Reply with PostReply or Post to connected destinations.
	// Dispatchers and RecvQueueSize are then unused.
	InlineHandlers bool

	// RecycleMessages lets the center reuse received messages: the
	// *Message given to the Handler and its Body are valid only until
	// HandleMessage returns, so receiving costs no allocation. A handler
	// that keeps a message, or passes it to Post, must Clone it (Post and
	// PostReply refuse a recycled message). With InlineHandlers the Body
	// points into the loop's read buffer; with dispatchers it is a pooled
	// copy. Answer with Reply to make replies allocation-free too.
	RecycleMessages bool

	SendQueueSize int // per connection; default 200 (CUP)
	RecvQueueSize int // per dispatcher; default 4096. Full: the loops stop reading (TCP back-pressure)
	MaxBodySize   int // default DefaultMaxBody (64 MiB); a larger incoming frame closes its connection
	MaxConns      int // inbound + outbound; 0 = unlimited (CUP)

	IdleTimeout  time.Duration // 0 = never (CUP)
	DialTimeout  time.Duration // default 10 s (CUP: none)
	WriteTimeout time.Duration // 0 = none; a connection that cannot write this long is closed

	KeepAlive     cupnet.KeepAlive // zero: CUP's 1 s, 3 s, 5 probes
	NoLinger      bool             // false: SO_LINGER {on, 0} (abortive close) like CUP
	ListenBacklog int              // default: net.core.somaxconn like Go's net (CUP: 128, which drops SYNs under connection bursts), 128 if unreadable

	AckCheckInterval   time.Duration // default 1 s (CUP: 3 s)
	AutoAck            bool          // answer FlagNeedAck messages with NewAck(TypeSysAck, nil)
	AcceptMissingMagic bool          // tolerate CUP's headless-first-frame race (§6.4)
	NoLinkedClose      bool          // false: closing an inbound conn also closes our outbound conn to its listened peer (CUP)

	OnDrop      func(m *Message, err error) // every accepted message that was not written; must not block
	OnConnEvent func(ConnEvent)             // must not block
}

// somaxconn returns the kernel's accept queue limit, 128 when unknown.
func somaxconn() int {
	b, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	if err != nil {
		return 128
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n <= 0 {
		return 128
	}
	return min(n, 1<<16)
}

func (cfg *Config) setDefaults() error {
	if !cfg.IP.IsValid() {
		cfg.IP = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	cfg.IP = cfg.IP.Unmap()
	if !cfg.IP.Is4() {
		return errs.New(errs.ErrInvalidArgument, "netasync: listen address %v is not IPv4", cfg.IP)
	}
	if cfg.Handler == nil {
		cfg.Handler = DefaultHandler{}
	}
	neg := func(name string, v int64) error {
		if v < 0 {
			return errs.New(errs.ErrInvalidArgument, "netasync: Config.%s %d is negative", name, v)
		}
		return nil
	}
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"Loops", int64(cfg.Loops)}, {"Dispatchers", int64(cfg.Dispatchers)}, {"SendQueueSize", int64(cfg.SendQueueSize)},
		{"RecvQueueSize", int64(cfg.RecvQueueSize)}, {"MaxBodySize", int64(cfg.MaxBodySize)}, {"MaxConns", int64(cfg.MaxConns)},
		{"IdleTimeout", int64(cfg.IdleTimeout)}, {"DialTimeout", int64(cfg.DialTimeout)}, {"WriteTimeout", int64(cfg.WriteTimeout)},
		{"ListenBacklog", int64(cfg.ListenBacklog)}, {"AckCheckInterval", int64(cfg.AckCheckInterval)},
	} {
		if err := neg(f.name, f.v); err != nil {
			return err
		}
	}
	def := func(p *int, d int) {
		if *p == 0 {
			*p = d
		}
	}
	def(&cfg.Loops, runtime.GOMAXPROCS(0))
	def(&cfg.Dispatchers, 1)
	def(&cfg.SendQueueSize, 200)
	def(&cfg.RecvQueueSize, 4096)
	def(&cfg.MaxBodySize, DefaultMaxBody)
	def(&cfg.ListenBacklog, somaxconn())
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	if cfg.AckCheckInterval == 0 {
		cfg.AckCheckInterval = time.Second
	}
	if cfg.MaxBodySize > 1<<40 {
		return errs.New(errs.ErrInvalidArgument, "netasync: Config.MaxBodySize %d above 1 TiB", cfg.MaxBodySize)
	}
	return nil
}

// Stats are counters of a center.
type Stats struct {
	ConnsIn, ConnsOut   int    // open connections
	Queued              int    // messages accepted by Post and not yet written or dropped
	Sent, Received      uint64 // messages
	Dropped             uint64 // messages passed to OnDrop
	BytesIn, BytesOut   uint64
	PendingAcks         int
	ProtocolErrors      uint64 // connections closed for bad frames
	RejectedConnections uint64 // inbound connections closed at once (MaxConns)
}

const (
	stateNew = iota
	stateRunning
	stateStopping
	stateStopped
)

type ackKey struct {
	ip   netip.Addr
	port uint16
	id   UniqID
}

type pendingAck struct {
	m          *Message
	cb         AckCallback
	first      time.Time
	last       time.Time
	retryEvery time.Duration
	total      time.Duration
}

type dialWait struct {
	done chan struct{}
	c    *conn
	err  error
}

// Center is a message center (CUP IMessageCenter): it listens on one
// address, keeps one outbound connection per destination, reads every
// connection and hands messages to the Handler. Its methods are safe for
// concurrent use.
type Center struct {
	cfg   Config
	state atomic.Int32
	local Addr // bound listen address

	eng *engine

	mu      sync.Mutex
	out     map[netip.AddrPort]*conn
	dialing map[netip.AddrPort]*dialWait

	ackMu   sync.Mutex
	pending map[ackKey]*pendingAck

	disp []chan *Message

	closing  chan struct{} // closed when the loops must stop blocking
	quit     chan struct{} // closed when dispatchers and the ack checker must exit
	done     chan struct{} // closed when Stop finished
	stopOnce sync.Once
	stopErr  error
	bg       sync.WaitGroup // dispatchers and ack checker
	hctx     context.Context
	hcancel  context.CancelFunc

	nConns                                                      atomic.Int64
	connsIn, connsOut, queued                                   atomic.Int64
	sent, received, dropped, bytesIn, bytesOut, protoErr, rejct atomic.Uint64
	nextID                                                      atomic.Uint64
}

// NewCenter validates cfg and returns a center that is not listening yet
// (see Start and Run).
func NewCenter(cfg Config) (*Center, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	c := &Center{
		cfg:     cfg,
		out:     map[netip.AddrPort]*conn{},
		dialing: map[netip.AddrPort]*dialWait{},
		pending: map[ackKey]*pendingAck{},
		closing: make(chan struct{}),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	c.local = Addr{IP: cfg.IP, Port: cfg.Port}
	return c, nil
}

// Start binds the listen address and starts the event loops, the
// dispatchers and the ack checker. A failed start is undone (nothing stays
// open). Start may be called once.
func (c *Center) Start() error {
	if !c.state.CompareAndSwap(stateNew, stateRunning) {
		return errs.New(errs.ErrAlreadyInitialized, "netasync: center already started")
	}
	c.hctx, c.hcancel = context.WithCancel(context.Background())
	if !c.cfg.InlineHandlers {
		c.disp = make([]chan *Message, c.cfg.Dispatchers)
		for i := range c.disp {
			c.disp[i] = make(chan *Message, c.cfg.RecvQueueSize)
		}
	}
	_, _, err := startEngine(c) // sets c.eng and c.local.Port
	if err != nil {
		c.hcancel()
		c.state.Store(stateStopped)
		c.stopOnce.Do(func() { close(c.done) })
		return err
	}
	if !c.cfg.InlineHandlers {
		for _, ch := range c.disp {
			c.bg.Add(1)
			go c.dispatch(ch)
		}
	}
	c.bg.Add(1)
	go c.ackChecker()
	return nil
}

// Run starts the center (bind errors are returned at once) and serves
// until ctx is done or Stop/Close is called. When ctx ends, Run stops the
// center gracefully, giving queued messages up to 5 s.
func (c *Center) Run(ctx context.Context) error {
	if err := c.Start(); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return c.Stop(sctx)
	case <-c.done:
		return nil
	}
}

// Addr returns the listen address (with the bound port once started),
// stub and future 0: the From that peers dial back to answer. When
// listening on 0.0.0.0, set From to a reachable address instead.
func (c *Center) Addr() Addr { return c.local }

// Stop shuts the center down gracefully: it stops accepting, refuses new
// Posts (errs.ErrStopped), waits until every queued message is written or
// ctx is done, then closes every connection; messages still queued go to
// OnDrop with errs.ErrStopped, pending need-ack callbacks get
// (m, false, errs.ErrStopped). It waits for its goroutines (handlers
// included) until ctx is done. It returns ctx's error when the deadline
// cut the flush or the wait short (the shutdown still completes in the
// background). Received messages not yet handed to the Handler when the
// dispatchers exit are discarded. Stop may be called more than once and
// concurrently with Close, but not from a Handler (it waits for the
// handlers; call it from another goroutine).
func (c *Center) Stop(ctx context.Context) error {
	if c.state.CompareAndSwap(stateNew, stateStopped) {
		c.stopOnce.Do(func() { close(c.done) })
		return nil
	}
	c.stopOnce.Do(func() { go c.stop(ctx) })
	select {
	case <-c.done:
		return c.stopErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shutdown is Stop (net/http naming).
func (c *Center) Shutdown(ctx context.Context) error { return c.Stop(ctx) }

// Close stops the center at once: queued messages are dropped (OnDrop with
// errs.ErrStopped) and it waits for its goroutines, handlers included, so
// it must not be called from a Handler. It may be called more than once.
func (c *Center) Close() error {
	if c.state.CompareAndSwap(stateNew, stateStopped) {
		c.stopOnce.Do(func() { close(c.done) })
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c.stopOnce.Do(func() { go c.stop(ctx) })
	<-c.done
	return nil
}

func (c *Center) stop(ctx context.Context) {
	c.state.Store(stateStopping)
	c.eng.closeListener()
	var err error
	for c.queued.Load() > 0 && err == nil {
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
	c.failPendingAcks()
	close(c.closing)
	c.eng.stop() // closes every connection, drops what is left
	c.hcancel()
	close(c.quit)
	c.bg.Wait()
	c.failPendingAcks() // callbacks registered by handlers meanwhile
	c.stopErr = err
	c.state.Store(stateStopped)
	close(c.done)
}

func (c *Center) failPendingAcks() {
	c.ackMu.Lock()
	var all []*pendingAck
	for k, p := range c.pending {
		all = append(all, p)
		delete(c.pending, k)
	}
	c.ackMu.Unlock()
	for _, p := range all {
		p.cb(p.m, false, errs.ErrStopped)
	}
}

// Stats returns the current counters.
func (c *Center) Stats() Stats {
	c.ackMu.Lock()
	pa := len(c.pending)
	c.ackMu.Unlock()
	return Stats{
		ConnsIn: int(c.connsIn.Load()), ConnsOut: int(c.connsOut.Load()), Queued: int(c.queued.Load()),
		Sent: c.sent.Load(), Received: c.received.Load(), Dropped: c.dropped.Load(),
		BytesIn: c.bytesIn.Load(), BytesOut: c.bytesOut.Load(), PendingAcks: pa,
		ProtocolErrors: c.protoErr.Load(), RejectedConnections: c.rejct.Load(),
	}
}

func (c *Center) validate(m *Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if len(m.Body) > c.cfg.MaxBodySize {
		return errs.New(errs.ErrInvalidMessage, "netasync: body of %d bytes above MaxBodySize %d", len(m.Body), c.cfg.MaxBodySize)
	}
	if m.To.Port == 0 || m.To.IP.Unmap().IsUnspecified() {
		return errs.New(errs.ErrInvalidMessage, "netasync: cannot send to %v", m.To.AddrPort())
	}
	return nil
}

// Post queues m for its destination m.To (CUP post_msg): it reuses the
// outbound connection to m.To's ip:port or dials it, bounded by ctx and
// Config.DialTimeout, without holding any lock while dialing. It returns
// errs.ErrInvalidMessage, ErrStopped, ErrQueueFull, ErrTooManyConns,
// ErrSelfConnect or the dial error. After a nil return m is either written
// to the kernel or passed to OnDrop with the reason. m must not be
// changed until then.
func (c *Center) Post(ctx context.Context, m *Message) error {
	if err := c.validate(m); err != nil {
		return err
	}
	if m.pool == poolRecv {
		return errRecycled
	}
	for attempt := 0; ; attempt++ {
		if c.state.Load() != stateRunning {
			return errs.ErrStopped
		}
		cn, err := c.outbound(ctx, m.To.AddrPort())
		if err != nil {
			return err
		}
		err = cn.enqueue(m)
		if errors.Is(err, errs.ErrConnClosed) && attempt < 2 {
			c.forget(cn)
			continue
		}
		return err
	}
}

// PostReply writes out on the connection in arrived on instead of dialing
// out.To. Go centers and the newest CUP read such replies; CUP 3.2.7 does
// not (it never reads the connections it opened), so to talk to it use
// Post. in must be a message given to a Handler. Errors as Post, and
// errs.ErrConnClosed when that connection is gone.
func (c *Center) PostReply(in, out *Message) error {
	if err := c.checkReply(in, out); err != nil {
		return err
	}
	if out.pool == poolRecv {
		return errRecycled
	}
	return in.conn.enqueue(out)
}

var errRecycled = errs.New(errs.ErrInvalidArgument, "netasync: a received message under RecycleMessages cannot be posted; Clone it")

// Reply is PostReply for a handler that does not keep out: the center
// queues a pooled copy of out and its Body, so out (which may live on the
// caller's stack) and the memory its Body points to, such as in.Body
// under Config.RecycleMessages, may be reused as soon as Reply returns.
// The copy is recycled once written; OnDrop, if it gets it, may use it
// only during its call. Errors as PostReply.
func (c *Center) Reply(in, out *Message) error {
	if err := c.checkReply(in, out); err != nil {
		return err
	}
	m := getMessage(out, poolSend)
	m.conn = nil
	if err := in.conn.enqueue(m); err != nil {
		putMessage(m)
		return err
	}
	return nil
}

// checkReply validates a PostReply or Reply.
func (c *Center) checkReply(in, out *Message) error {
	if err := out.Validate(); err != nil {
		return err
	}
	if len(out.Body) > c.cfg.MaxBodySize {
		return errs.New(errs.ErrInvalidMessage, "netasync: body of %d bytes above MaxBodySize %d", len(out.Body), c.cfg.MaxBodySize)
	}
	if in == nil || in.conn == nil {
		return errs.New(errs.ErrInvalidArgument, "netasync: PostReply needs a received message")
	}
	if c.state.Load() != stateRunning {
		return errs.ErrStopped
	}
	return nil
}

// PostNeedAck posts m with FlagNeedAck set (CUP CNeedAckMsg) and resends
// it every retryEvery until an acknowledgement arrives (a message with
// FlagAck, the same ID and From = m.To's ip:port) or total has elapsed
// since this call. cb is called exactly once, unless PostNeedAck returns
// an error (then never).
func (c *Center) PostNeedAck(ctx context.Context, m *Message, retryEvery, total time.Duration, cb AckCallback) error {
	if retryEvery <= 0 || total <= 0 || cb == nil {
		return errs.New(errs.ErrInvalidArgument, "netasync: PostNeedAck needs positive retryEvery (%v) and total (%v) and a callback", retryEvery, total)
	}
	if err := c.validate(m); err != nil {
		return err
	}
	m.Flag |= FlagNeedAck
	k := ackKey{m.To.IP.Unmap(), m.To.Port, m.ID}
	now := time.Now()
	p := &pendingAck{m: m, cb: cb, first: now, last: now, retryEvery: retryEvery, total: total}
	c.ackMu.Lock()
	if _, dup := c.pending[k]; dup {
		c.ackMu.Unlock()
		return errs.New(errs.ErrInvalidArgument, "netasync: a need-ack message to %v with id %s is already pending", m.To.AddrPort(), m.ID.Hex0x())
	}
	c.pending[k] = p
	c.ackMu.Unlock()
	if err := c.Post(ctx, m); err != nil {
		c.ackMu.Lock()
		owned := c.pending[k] == p
		if owned {
			delete(c.pending, k)
		}
		c.ackMu.Unlock()
		if owned {
			return err
		}
		return nil // already completed (acked or stopped): cb was called
	}
	return nil
}

func (c *Center) matchAck(m *Message) {
	k := ackKey{m.From.IP.Unmap(), m.From.Port, m.ID}
	c.ackMu.Lock()
	p, ok := c.pending[k]
	if ok {
		delete(c.pending, k)
	}
	c.ackMu.Unlock()
	if ok {
		p.cb(p.m, true, nil)
	}
}

func (c *Center) ackChecker() {
	defer c.bg.Done()
	t := time.NewTicker(c.cfg.AckCheckInterval)
	defer t.Stop()
	for {
		select {
		case <-c.quit:
			return
		case <-t.C:
		}
		now := time.Now()
		var expired, resend []*pendingAck
		c.ackMu.Lock()
		for k, p := range c.pending {
			switch {
			case now.Sub(p.first) >= p.total:
				delete(c.pending, k)
				expired = append(expired, p)
			case now.Sub(p.last) >= p.retryEvery:
				p.last = now
				resend = append(resend, p)
			}
		}
		c.ackMu.Unlock()
		for _, p := range expired {
			p.cb(p.m, false, errs.ErrAckTimeout)
		}
		for _, p := range resend {
			ctx, cancel := context.WithTimeout(c.hctx, c.cfg.DialTimeout)
			_ = c.Post(ctx, p.m) // failures are retried at the next interval
			cancel()
		}
	}
}

func (c *Center) dispatch(ch chan *Message) {
	defer c.bg.Done()
	for {
		select {
		case <-c.quit:
			return
		case m := <-ch:
			c.handle(m)
			if m.pool == poolRecv {
				putMessage(m)
			}
		}
	}
}

// handle runs the ack matching, AutoAck and the Handler for m.
func (c *Center) handle(m *Message) {
	if m.Flag&FlagAck != 0 {
		c.matchAck(m)
	}
	if c.cfg.AutoAck && m.Flag&FlagNeedAck != 0 {
		ctx, cancel := context.WithTimeout(c.hctx, c.cfg.DialTimeout)
		_ = c.Post(ctx, m.NewAck(TypeSysAck, nil))
		cancel()
	}
	c.cfg.Handler.HandleMessage(c.hctx, m)
}

// outbound returns the connection to dst, dialing it when there is none.
// Concurrent callers for one destination share one dial.
func (c *Center) outbound(ctx context.Context, dst netip.AddrPort) (*conn, error) {
	for {
		c.mu.Lock()
		if cn := c.out[dst]; cn != nil {
			c.mu.Unlock()
			return cn, nil
		}
		if w := c.dialing[dst]; w != nil {
			c.mu.Unlock()
			select {
			case <-w.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if w.err != nil {
				return nil, w.err
			}
			continue
		}
		w := &dialWait{done: make(chan struct{})}
		c.dialing[dst] = w
		c.mu.Unlock()

		dctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
		cn, err := c.eng.dial(dctx, dst)
		cancel()
		if err != nil && errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w: dial %v: %w", errs.ErrTimeout, dst, err)
		}
		c.mu.Lock()
		delete(c.dialing, dst)
		if err == nil {
			c.out[dst] = cn
		}
		w.c, w.err = cn, err
		c.mu.Unlock()
		close(w.done)
		if err != nil {
			return nil, err
		}
		c.eng.register(cn)
		return cn, nil
	}
}

// forget removes cn from the outbound map if it is still there.
func (c *Center) forget(cn *conn) {
	if !cn.outbound {
		return
	}
	c.mu.Lock()
	if c.out[cn.dst] == cn {
		delete(c.out, cn.dst)
	}
	c.mu.Unlock()
}

// CloseConn closes the connection whose remote TCP endpoint is peer
// (CUP close_socket); queued messages go to OnDrop. It returns
// errs.ErrNotFound when there is no such connection.
func (c *Center) CloseConn(peer netip.AddrPort) error {
	if c.eng == nil || !c.eng.closePeer(peer, errs.ErrConnClosed) {
		return errs.New(errs.ErrNotFound, "netasync: no connection to %v", peer)
	}
	return nil
}

func (c *Center) drop(m *Message, err error) {
	c.dropped.Add(1)
	c.queued.Add(-1)
	if c.cfg.OnDrop != nil {
		c.cfg.OnDrop(m, err)
	}
	if m.pool == poolSend {
		putMessage(m)
	}
}

func (c *Center) event(ev ConnEvent) {
	if c.cfg.OnConnEvent != nil {
		c.cfg.OnConnEvent(ev)
	}
}
