package netasync

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cupgo/cup/errs"
)

// msgQueue is a FIFO of messages that reuses its backing array.
type msgQueue struct {
	buf  []*Message
	head int
}

func (q *msgQueue) len() int { return len(q.buf) - q.head }

func (q *msgQueue) push(m *Message) {
	if q.head > 0 && len(q.buf) == cap(q.buf) {
		n := copy(q.buf, q.buf[q.head:])
		clear(q.buf[n:])
		q.buf, q.head = q.buf[:n], 0
	}
	q.buf = append(q.buf, m)
}

func (q *msgQueue) pop() *Message {
	if q.head == len(q.buf) {
		return nil
	}
	m := q.buf[q.head]
	q.buf[q.head] = nil
	q.head++
	if q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	}
	return m
}

// conn is one TCP connection of a center. Its socket, decoder and write
// buffer are owned by one event loop goroutine; other goroutines only
// touch the send queue under mu, hand the connection to its loop, or
// write directly under wmu when nobody else is writing.
type conn struct {
	c        *Center
	id       uint64
	fd       int
	peer     netip.AddrPort // remote TCP endpoint
	outbound bool
	dst      netip.AddrPort // outbound: the destination it was dialed for
	loop     *eventloop

	listened atomic.Pointer[Addr] // inbound: From of the first message

	// Send queue, shared under mu.
	mu        sync.Mutex
	urgent    msgQueue
	normal    msgQueue
	closed    bool
	scheduled bool // handed to the loop for a flush

	// Read side, loop-owned.
	// batching is set by the loop while inline handlers run for one read:
	// their replies are queued and written together by one flush after
	// the chunk. A message queued while it is set is flushed then (the
	// loop clears it before flushing, and flushing takes mu).
	batching   atomic.Bool
	dec        Decoder
	emitFn     func(*Message) error
	lastActive time.Time
	seenWrites uint32
	writes     atomic.Uint32 // bumped by every successful write

	// Write side, under wmu: the loop, or a Post that finds the
	// connection idle and writes directly (see tryDirect). Lock order:
	// wmu, then mu.
	wmu        sync.Mutex
	out        []byte
	outOff     int
	inflight   []*Message
	ends       []int
	doneIdx    int
	sentFirst  bool
	outArmed   bool
	registered bool
	fdClosed   bool // set by the loop under wmu
	stuckSince time.Time
}

func (c *Center) newConn(fd int, peer netip.AddrPort, outbound bool, dst netip.AddrPort) *conn {
	cn := &conn{c: c, id: c.nextID.Add(1), fd: fd, peer: peer, outbound: outbound, dst: dst, lastActive: time.Now()}
	cn.dec.Reset(c.cfg.MaxBodySize, c.cfg.AcceptMissingMagic)
	cn.emitFn = cn.emit
	return cn
}

// enqueue adds m to the urgent or normal lane and hands the connection to
// its loop. Safe for concurrent use.
func (cn *conn) enqueue(m *Message) error {
	cn.mu.Lock()
	if cn.closed {
		cn.mu.Unlock()
		return errs.New(errs.ErrConnClosed, "netasync: connection to %v closed", cn.peer)
	}
	if cn.urgent.len()+cn.normal.len() >= cn.c.cfg.SendQueueSize {
		cn.mu.Unlock()
		return errs.New(errs.ErrQueueFull, "netasync: %d messages queued for %v", cn.c.cfg.SendQueueSize, cn.peer)
	}
	if m.Flag&FlagUrgent != 0 {
		cn.urgent.push(m)
	} else {
		cn.normal.push(m)
	}
	cn.c.queued.Add(1)
	// While the loop parses a chunk, replies wait for its one flush after
	// the chunk, unless they fill half the queue.
	later := 2*(cn.urgent.len()+cn.normal.len()) <= cn.c.cfg.SendQueueSize
	cn.mu.Unlock()
	if later && cn.batching.Load() {
		return nil
	}
	if cn.tryDirect() {
		return nil
	}
	cn.mu.Lock()
	wake := !cn.scheduled
	cn.scheduled = true
	cn.mu.Unlock()
	if wake {
		cn.loop.trigger(cn)
	}
	return nil
}

// refill encodes queued messages, urgent first, into the empty write
// buffer; the magic goes on the first frame ever written. Under wmu.
func (cn *conn) refill(maxBatch int) {
	cn.out, cn.outOff, cn.doneIdx = cn.out[:0], 0, 0
	clear(cn.inflight)
	cn.inflight, cn.ends = cn.inflight[:0], cn.ends[:0]
	cn.mu.Lock()
	cn.scheduled = false
	for len(cn.out) < maxBatch {
		m := cn.urgent.pop()
		if m == nil {
			if m = cn.normal.pop(); m == nil {
				break
			}
		}
		cn.out = appendFrame(cn.out, m, !cn.sentFirst)
		cn.sentFirst = true
		cn.inflight = append(cn.inflight, m)
		cn.ends = append(cn.ends, len(cn.out))
	}
	cn.mu.Unlock()
}

// advance records n more bytes written. Under wmu.
func (cn *conn) advance(n int) {
	cn.outOff += n
	for cn.doneIdx < len(cn.inflight) && cn.ends[cn.doneIdx] <= cn.outOff {
		if m := cn.inflight[cn.doneIdx]; m.pool == poolSend {
			putMessage(m)
		}
		cn.inflight[cn.doneIdx] = nil
		cn.doneIdx++
		cn.c.sent.Add(1)
		cn.c.queued.Add(-1)
	}
	cn.c.bytesOut.Add(uint64(n))
}

// shut marks the connection closed and reports every message not written
// to OnDrop. Under wmu, after the fd is closed.
func (cn *conn) shut(err error) {
	cn.mu.Lock()
	cn.closed = true
	var left []*Message
	for m := cn.urgent.pop(); m != nil; m = cn.urgent.pop() {
		left = append(left, m)
	}
	for m := cn.normal.pop(); m != nil; m = cn.normal.pop() {
		left = append(left, m)
	}
	cn.mu.Unlock()
	for i := cn.doneIdx; i < len(cn.inflight); i++ {
		cn.c.drop(cn.inflight[i], err)
	}
	cn.inflight, cn.ends, cn.out = nil, nil, nil
	for _, m := range left {
		cn.c.drop(m, err)
	}
}

// emit copies a decoded message and hands it to the connection's
// dispatcher, blocking (and so stopping this loop's reads) while the
// dispatcher is full. Loop only.
func (cn *conn) emit(dm *Message) error {
	var m *Message
	switch {
	case !cn.c.cfg.RecycleMessages:
		m = new(Message)
		*m = *dm
		if len(dm.Body) > 0 {
			m.Body = append([]byte(nil), dm.Body...)
		}
	case cn.c.cfg.InlineHandlers:
		m = dm // handled before the decoder reuses it
		m.pool = poolRecv
	default:
		m = getMessage(dm, poolRecv)
	}
	m.Peer = cn.peer
	m.Received = cn.loop.now
	m.conn = cn
	cn.c.received.Add(1)
	if !cn.outbound && cn.listened.Load() == nil {
		a := m.From
		cn.listened.Store(&a)
	}
	if cn.c.cfg.InlineHandlers {
		select {
		case <-cn.c.closing:
			return errs.ErrStopped
		default:
		}
		cn.c.handle(m)
		return nil
	}
	ch := cn.c.disp[cn.id%uint64(len(cn.c.disp))]
	select {
	case ch <- m:
		return nil
	default:
	}
	select {
	case ch <- m:
		return nil
	case <-cn.c.closing:
		if m.pool == poolRecv {
			putMessage(m)
		}
		return errs.ErrStopped
	}
}
