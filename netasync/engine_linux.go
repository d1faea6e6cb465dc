package netasync

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cupgo/cup/errs"
	cupnet "github.com/cupgo/cup/net"
)

// engine is the epoll multi-reactor: one accept loop and N event loops.
type engine struct {
	c     *Center
	lfd   int
	ap    *poller
	loops []*eventloop
	next  atomic.Uint64

	stopAccept atomic.Bool
	lwg        sync.WaitGroup // accept loop
	wg         sync.WaitGroup // event loops
	lonce      sync.Once
	sonce      sync.Once

	pmu   sync.Mutex
	peers map[netip.AddrPort]*conn
}

func sockaddr(ap netip.AddrPort) *unix.SockaddrInet4 {
	return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().Unmap().As4()}
}

func addrPort(sa unix.Sockaddr) netip.AddrPort {
	if s, ok := sa.(*unix.SockaddrInet4); ok {
		return netip.AddrPortFrom(netip.AddrFrom4(s.Addr), uint16(s.Port))
	}
	return netip.AddrPort{}
}

// sockopts applies CUP's socket setup (§3.2): keepalive, linger {on, 0},
// nodelay + quickack, reuseaddr.
func (c *Center) sockopts(fd int) error {
	if err := cupnet.SetKeepAliveFD(fd, c.cfg.KeepAlive); err != nil {
		return err
	}
	if !c.cfg.NoLinger {
		if err := cupnet.SetLingerFD(fd, true, 0); err != nil {
			return err
		}
	}
	if err := cupnet.SetQuickAckFD(fd); err != nil {
		return err
	}
	return cupnet.SetReuseAddrFD(fd, true)
}

func startEngine(c *Center) (_ *engine, port uint16, err error) {
	e := &engine{c: c, lfd: -1, peers: map[netip.AddrPort]*conn{}}
	defer func() {
		if err != nil {
			e.undo()
		}
	}()
	laddr := netip.AddrPortFrom(c.cfg.IP, c.cfg.Port)
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, 0, errs.New(errs.ErrNet, "netasync: socket: %w", err)
	}
	e.lfd = fd
	if err := c.sockopts(fd); err != nil {
		return nil, 0, err
	}
	if err := unix.Bind(fd, sockaddr(laddr)); err != nil {
		return nil, 0, errs.New(errs.ErrNet, "netasync: bind %v: %w", laddr, err)
	}
	if err := unix.Listen(fd, c.cfg.ListenBacklog); err != nil {
		return nil, 0, errs.New(errs.ErrNet, "netasync: listen %v: %w", laddr, err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return nil, 0, errs.New(errs.ErrNet, "netasync: getsockname: %w", err)
	}
	port = addrPort(sa).Port()
	if e.ap, err = newPoller(); err != nil {
		return nil, 0, err
	}
	if err := e.ap.add(fd, unix.EPOLLIN|unix.EPOLLET); err != nil {
		return nil, 0, err
	}
	for i := 0; i < c.cfg.Loops; i++ {
		l, err := newEventloop(e)
		if err != nil {
			return nil, 0, err
		}
		e.loops = append(e.loops, l)
	}
	c.eng, c.local.Port = e, port // before any goroutine reads them
	e.wg.Add(len(e.loops))
	for _, l := range e.loops {
		go l.run()
	}
	e.lwg.Add(1)
	go e.acceptLoop()
	return e, port, nil
}

// undo closes what a failed start opened (no goroutine runs yet).
func (e *engine) undo() {
	for _, l := range e.loops {
		l.p.close()
	}
	if e.ap != nil {
		e.ap.close()
	}
	if e.lfd >= 0 {
		unix.Close(e.lfd)
	}
}

func (e *engine) acceptLoop() {
	defer e.lwg.Done()
	defer unix.Close(e.lfd)
	timeout := -1
	for !e.stopAccept.Load() {
		n, err := e.ap.wait(timeout)
		if err != nil {
			return
		}
		for i := 0; i < n; i++ {
			e.ap.isWake(int(e.ap.events[i].Fd))
		}
		if e.stopAccept.Load() {
			return
		}
		timeout = -1
		if !e.acceptAll() {
			timeout = 100 // out of fds: retry without waiting for a new edge
		}
	}
}

// acceptAll accepts until EAGAIN (CUP accepted one per edge). It reports
// false when it stopped on a resource error.
func (e *engine) acceptAll() bool {
	c := e.c
	for {
		fd, sa, err := unix.Accept4(e.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		switch err {
		case nil:
		case unix.EINTR, unix.ECONNABORTED:
			continue
		case unix.EAGAIN:
			return true
		default:
			return false
		}
		peer := addrPort(sa)
		if n := c.nConns.Add(1); c.cfg.MaxConns > 0 && n > int64(c.cfg.MaxConns) {
			c.nConns.Add(-1)
			unix.Close(fd)
			c.rejct.Add(1)
			c.event(ConnEvent{Peer: peer, Err: errs.New(errs.ErrTooManyConns, "netasync: %d connections open", c.cfg.MaxConns)})
			continue
		}
		c.connsIn.Add(1)
		cn := e.newConnOn(fd, peer, false, netip.AddrPort{})
		if err := c.sockopts(fd); err != nil {
			cn.wmu.Lock()
			cn.fdClosed = true
			e.closed(cn, err)
			cn.wmu.Unlock()
			continue
		}
		e.register(cn)
	}
}

// register hands a new connection to its event loop.
func (e *engine) register(cn *conn) {
	e.pmu.Lock()
	e.peers[cn.peer] = cn
	e.pmu.Unlock()
	if !cn.loop.submit(func() { cn.loop.register(cn) }) {
		cn.wmu.Lock()
		cn.fdClosed = true
		e.closed(cn, errs.ErrStopped)
		cn.wmu.Unlock()
	}
}

func (e *engine) untrack(cn *conn) {
	e.pmu.Lock()
	if e.peers[cn.peer] == cn {
		delete(e.peers, cn.peer)
	}
	e.pmu.Unlock()
}

func (e *engine) closePeer(peer netip.AddrPort, cause error) bool {
	e.pmu.Lock()
	cn := e.peers[peer]
	e.pmu.Unlock()
	if cn == nil {
		return false
	}
	return cn.loop.submit(func() { cn.loop.closeConn(cn, cause) })
}

func (e *engine) newConnOn(fd int, peer netip.AddrPort, outbound bool, dst netip.AddrPort) *conn {
	cn := e.c.newConn(fd, peer, outbound, dst)
	cn.loop = e.loops[e.next.Add(1)%uint64(len(e.loops))]
	return cn
}

// dial connects to dst with a non-blocking connect bounded by ctx.
func (e *engine) dial(ctx context.Context, dst netip.AddrPort) (*conn, error) {
	c := e.c
	if n := c.nConns.Add(1); c.cfg.MaxConns > 0 && n > int64(c.cfg.MaxConns) {
		c.nConns.Add(-1)
		return nil, errs.New(errs.ErrTooManyConns, "netasync: %d connections open, cannot dial %v", c.cfg.MaxConns, dst)
	}
	fd, err := e.connect(ctx, dst)
	if err != nil {
		c.nConns.Add(-1)
		return nil, err
	}
	c.connsOut.Add(1)
	return e.newConnOn(fd, dst, true, dst), nil
}

func (e *engine) connect(ctx context.Context, dst netip.AddrPort) (fd int, err error) {
	fd, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, errs.New(errs.ErrNet, "netasync: socket: %w", err)
	}
	defer func() {
		if err != nil {
			unix.Close(fd)
		}
	}()
	if err := e.c.sockopts(fd); err != nil {
		return -1, err
	}
	err = unix.Connect(fd, sockaddr(dst))
	for err == unix.EINTR {
		err = unix.Connect(fd, sockaddr(dst))
	}
	if err == unix.EINPROGRESS || err == unix.EALREADY {
		if err = waitWritable(ctx, fd); err != nil {
			return -1, errs.New(errs.ErrNet, "netasync: connect %v: %w", dst, err)
		}
		var soerr int
		if soerr, err = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err == nil && soerr != 0 {
			err = unix.Errno(soerr)
		}
	}
	if err != nil {
		return -1, errs.New(errs.ErrNet, "netasync: connect %v: %w", dst, err)
	}
	if selfConnected(fd) {
		return -1, errs.New(errs.ErrSelfConnect, "netasync: connect %v connected to itself", dst)
	}
	return fd, nil
}

// selfConnected reports whether fd's local and remote endpoints are equal
// (a TCP simultaneous open with itself, possible when dialing a free port
// of the ephemeral range on loopback).
func selfConnected(fd int) bool {
	ls, err1 := unix.Getsockname(fd)
	rs, err2 := unix.Getpeername(fd)
	return err1 == nil && err2 == nil && addrPort(ls) == addrPort(rs)
}

// waitWritable polls fd for POLLOUT in short slices so that ctx is
// honoured.
func waitWritable(ctx context.Context, fd int) error {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		slice := 20 * time.Millisecond
		if dl, ok := ctx.Deadline(); ok {
			slice = min(slice, max(time.Until(dl), time.Millisecond))
		}
		n, err := unix.Poll(pfd, int(slice/time.Millisecond))
		if err != nil && err != unix.EINTR {
			return err
		}
		if n > 0 && pfd[0].Revents != 0 {
			return nil
		}
	}
}

// closeListener stops the accept loop and closes the listening socket.
func (e *engine) closeListener() {
	e.lonce.Do(func() {
		e.stopAccept.Store(true)
		e.ap.wake()
		e.lwg.Wait()
		e.ap.close() // only now: wake must not write to a closed (reused) fd
	})
}

// stop closes every connection and waits for the loops.
func (e *engine) stop() {
	e.closeListener()
	e.sonce.Do(func() {
		for _, l := range e.loops {
			l := l
			l.submit(func() { l.exit = true })
		}
		e.wg.Wait()
	})
}
