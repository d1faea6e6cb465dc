package netasync

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cupgo/cup/errs"
	cupnet "github.com/cupgo/cup/net"
)

const (
	readBufSize = 128 << 10 // CUP NET_RW_SIZE
	writeBatch  = 64 << 10  // frames encoded per write
	connEvents  = unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLET
)

// eventloop owns an epoll instance and the connections registered in it.
// Other goroutines hand it work through submit/trigger and the eventfd.
type eventloop struct {
	e     *engine
	c     *Center
	p     *poller
	conns map[int]*conn
	buf   []byte
	now   time.Time

	mu      sync.Mutex
	tasks   []func()
	flushq  []*conn
	waking  bool
	dead    bool
	tasksB  []func()
	flushqB []*conn

	exit     bool
	scan     time.Duration
	lastScan time.Time
}

func newEventloop(e *engine) (*eventloop, error) {
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	l := &eventloop{e: e, c: e.c, p: p, conns: map[int]*conn{}, buf: make([]byte, readBufSize), now: time.Now()}
	l.scan = time.Second
	for _, d := range []time.Duration{e.c.cfg.IdleTimeout, e.c.cfg.WriteTimeout} {
		if d > 0 {
			l.scan = min(l.scan, max(d/4, 5*time.Millisecond))
		}
	}
	return l, nil
}

// submit runs f on the loop goroutine. It reports false when the loop has
// exited (f is not run).
func (l *eventloop) submit(f func()) bool {
	l.mu.Lock()
	if l.dead {
		l.mu.Unlock()
		return false
	}
	l.tasks = append(l.tasks, f)
	if !l.waking {
		l.waking = true
		l.p.wake() // under mu: the loop closes the eventfd only after setting dead
	}
	l.mu.Unlock()
	return true
}

// trigger asks the loop to flush cn.
func (l *eventloop) trigger(cn *conn) {
	l.mu.Lock()
	if l.dead {
		l.mu.Unlock()
		return
	}
	l.flushq = append(l.flushq, cn)
	if !l.waking {
		l.waking = true
		l.p.wake()
	}
	l.mu.Unlock()
}

func (l *eventloop) run() {
	defer l.e.wg.Done()
	// After a busy round, poll once more without blocking: on a loaded
	// loop the next events are often there already, and the thread skips
	// a sleep and a wake-up (about a fifth fewer context switches per
	// message in the 100-connection echo benchmark, as gnet does). Only
	// when that poll finds nothing does the loop yield, so that the
	// dispatchers it woke (or anything else runnable) go first, and then
	// block.
	block := int(l.scan / time.Millisecond)
	msec := block
	for !l.exit {
		n, err := l.p.wait(msec)
		if err != nil {
			break // EBADF & co: nothing sensible left to do
		}
		if n == 0 && msec == 0 {
			msec = block
			runtime.Gosched()
			continue
		}
		msec = 0
		l.now = time.Now()
		for i := 0; i < n; i++ {
			ev := l.p.events[i]
			fd := int(ev.Fd)
			if l.p.isWake(fd) {
				continue
			}
			cn := l.conns[fd]
			if cn == nil {
				continue
			}
			if ev.Events&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
				l.read(cn, ev.Events&(unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0)
			}
			if !cn.fdClosed && ev.Events&unix.EPOLLOUT != 0 {
				l.flush(cn)
			}
		}
		l.runQueued()
		if l.now.Sub(l.lastScan) >= l.scan {
			l.scanTimers()
		}
	}
	l.mu.Lock()
	l.dead = true
	l.mu.Unlock()
	l.runQueued() // registrations that raced with the exit
	for _, cn := range l.conns {
		l.closeConn(cn, errs.ErrStopped)
	}
	l.p.close()
}

func (l *eventloop) runQueued() {
	l.mu.Lock()
	tasks, flushq := l.tasks, l.flushq
	l.tasks, l.flushq = l.tasksB[:0], l.flushqB[:0]
	l.waking = false
	l.mu.Unlock()
	for i, f := range tasks {
		f()
		tasks[i] = nil
	}
	for i, cn := range flushq {
		if cn.registered && !cn.fdClosed {
			l.flush(cn)
		}
		flushq[i] = nil
	}
	l.tasksB, l.flushqB = tasks, flushq
}

func (l *eventloop) register(cn *conn) {
	if l.exit {
		l.closeConn(cn, errs.ErrStopped)
		return
	}
	if err := l.p.add(cn.fd, connEvents); err != nil {
		l.closeConn(cn, err)
		return
	}
	l.conns[cn.fd] = cn
	cn.wmu.Lock()
	cn.registered = true
	cn.wmu.Unlock()
	cn.lastActive = l.now
	l.c.event(ConnEvent{Peer: cn.peer, Outbound: cn.outbound, Opened: true})
	l.flush(cn)
}

// read reads until EAGAIN, or until a short read when the event reported
// no hang-up: data or a FIN arriving later raises a new edge (what nginx
// relies on), so the read that would only return EAGAIN is skipped.
func (l *eventloop) read(cn *conn, hup bool) {
	for !cn.fdClosed {
		n, err := unix.Read(cn.fd, l.buf)
		switch {
		case n > 0:
			l.c.bytesIn.Add(uint64(n))
			cn.lastActive = l.now
			batch := l.c.cfg.InlineHandlers
			if batch {
				cn.batching.Store(true)
			}
			err := cn.dec.Feed(l.buf[:n], cn.emitFn)
			if batch {
				cn.batching.Store(false)
				l.flush(cn) // the replies of every frame of this chunk in one write
			}
			if err != nil {
				if !errors.Is(err, errs.ErrStopped) {
					l.c.protoErr.Add(1)
				}
				l.closeConn(cn, err)
				return
			}
			if n < len(l.buf) && !hup {
				return
			}
		case err == nil: // n == 0: the peer closed
			var cause error = io.EOF
			if cn.dec.MidFrame() {
				cause = errs.New(errs.ErrPeerClosedMidFrame, "netasync: %v closed in the middle of a frame", cn.peer)
			}
			l.closeConn(cn, cause)
			return
		case err == unix.EINTR:
		case err == unix.EAGAIN:
			return
		default:
			l.closeConn(cn, errs.New(errs.ErrNet, "netasync: read from %v: %w", cn.peer, err))
			return
		}
	}
}

func (l *eventloop) flush(cn *conn) {
	cn.wmu.Lock()
	err := cn.flushLocked(l.p, l.now)
	cn.wmu.Unlock()
	if err != nil {
		l.closeConn(cn, err)
	}
}

// tryDirect writes the queue from the calling goroutine when the
// connection is registered and no one else is writing. It reports false
// when the loop must be asked to flush.
func (cn *conn) tryDirect() bool {
	if !cn.wmu.TryLock() {
		return false
	}
	ok := cn.registered && !cn.fdClosed
	var err error
	if ok {
		err = cn.flushLocked(cn.loop.p, time.Time{})
	}
	cn.wmu.Unlock()
	if err != nil {
		l := cn.loop
		l.submit(func() { l.closeConn(cn, err) })
	}
	return ok
}

// flushLocked writes until the queue is empty or the socket is full (then
// EPOLLOUT is armed and the loop resumes). It returns a fatal write error.
// Under wmu.
func (cn *conn) flushLocked(p *poller, now time.Time) error {
	for !cn.fdClosed {
		if cn.outOff == len(cn.out) {
			cn.refill(writeBatch)
			if len(cn.out) == 0 {
				cn.stuckSince = time.Time{}
				if cn.outArmed {
					cn.outArmed = false
					_ = p.mod(cn.fd, connEvents)
				}
				return nil
			}
		}
		n, err := unix.Write(cn.fd, cn.out[cn.outOff:])
		switch {
		case n > 0:
			cn.advance(n)
			cn.writes.Add(1)
			cn.stuckSince = time.Time{}
		case err == unix.EINTR:
		case err == unix.EAGAIN:
			if !cn.outArmed {
				cn.outArmed = true
				if err := p.mod(cn.fd, connEvents|unix.EPOLLOUT); err != nil {
					return err
				}
			}
			if cn.stuckSince.IsZero() {
				if now.IsZero() {
					now = time.Now()
				}
				cn.stuckSince = now
			}
			return nil
		default:
			return errs.New(errs.ErrNet, "netasync: write to %v: %w", cn.peer, err)
		}
	}
	return nil
}

func (l *eventloop) scanTimers() {
	l.lastScan = l.now
	idle, wt := l.c.cfg.IdleTimeout, l.c.cfg.WriteTimeout
	if idle <= 0 && wt <= 0 {
		return
	}
	for _, cn := range l.conns {
		if w := cn.writes.Load(); w != cn.seenWrites {
			cn.seenWrites, cn.lastActive = w, l.now
		}
		cn.wmu.Lock()
		stuck := cn.stuckSince
		cn.wmu.Unlock()
		switch {
		case idle > 0 && l.now.Sub(cn.lastActive) >= idle:
			l.closeConn(cn, errs.New(errs.ErrIdleTimeout, "netasync: connection to %v idle for %v", cn.peer, idle))
		case wt > 0 && !stuck.IsZero() && l.now.Sub(stuck) >= wt:
			l.closeConn(cn, errs.New(errs.ErrWriteTimeout, "netasync: connection to %v could not write for %v", cn.peer, wt))
		}
	}
}

// closeConn closes cn's socket at once and reports its unsent messages to
// OnDrop. Loop only (or before registration).
func (l *eventloop) closeConn(cn *conn, cause error) {
	cn.wmu.Lock()
	defer cn.wmu.Unlock()
	if cn.fdClosed {
		return
	}
	cn.fdClosed = true
	if cn.registered {
		_ = l.p.del(cn.fd)
		delete(l.conns, cn.fd)
	}
	l.e.closed(cn, cause)
}

// closed releases everything of a connection whose fd is no longer
// polled. Under cn.wmu.
func (e *engine) closed(cn *conn, cause error) {
	if errors.Is(cause, errs.ErrStopped) {
		_ = cupnet.SetLingerFD(cn.fd, false, 0) // graceful: FIN after the flushed data
	}
	unix.Close(cn.fd)
	e.untrack(cn)
	c := e.c
	c.nConns.Add(-1)
	if cn.outbound {
		c.connsOut.Add(-1)
	} else {
		c.connsIn.Add(-1)
	}
	c.forget(cn)
	dropErr := cause
	if !errors.Is(cause, errs.ErrStopped) {
		dropErr = fmt.Errorf("%w: %v: %w", errs.ErrConnClosed, cn.peer, cause)
	}
	cn.shut(dropErr)
	listened := cn.listened.Load()
	if cn.registered {
		c.event(ConnEvent{Peer: cn.peer, Listened: listened, Outbound: cn.outbound, Err: cause})
	}
	if !cn.outbound && listened != nil && !c.cfg.NoLinkedClose && !errors.Is(cause, errs.ErrStopped) {
		c.mu.Lock()
		oc := c.out[listened.AddrPort()]
		c.mu.Unlock()
		if oc != nil {
			oc.loop.submit(func() {
				oc.loop.closeConn(oc, errs.New(errs.ErrConnClosed, "netasync: linked inbound connection from %v closed", cn.peer))
			})
		}
	}
}
