package net

import (
	"syscall"
	"time"

	"github.com/cupgo/cup/errs"
)

// KeepAlive configures TCP keepalive probes (CUP
// set_sock_keepalive_linux). The zero value means CUP's defaults: first
// probe after 1 s of silence, then every 3 s, and the peer is declared dead
// after 5 unanswered probes (≈ 16 s in all). Durations are rounded down to
// whole seconds, with a minimum of 1 s.
type KeepAlive struct {
	Idle     time.Duration // TCP_KEEPIDLE; 0 means 1 s
	Interval time.Duration // TCP_KEEPINTVL; 0 means 3 s
	Count    int           // TCP_KEEPCNT; 0 means 5
}

// seconds returns the kernel values for ka, or an error for negative
// fields.
func (ka KeepAlive) seconds() (idle, intvl, cnt int, err error) {
	if ka.Idle < 0 || ka.Interval < 0 || ka.Count < 0 {
		return 0, 0, 0, errs.New(errs.ErrInvalidArgument, "keepalive %+v: negative field", ka)
	}
	secs := func(d, def time.Duration) int {
		if d == 0 {
			d = def
		}
		if d < time.Second {
			return 1
		}
		return int(min(d/time.Second, 1<<31-1))
	}
	cnt = ka.Count
	if cnt == 0 {
		cnt = 5
	}
	idle, intvl = secs(ka.Idle, time.Second), secs(ka.Interval, 3*time.Second)
	// Checked here, before any option is set, so that a rejected call
	// leaves the socket as it was.
	if idle > maxKeepIdle || intvl > maxKeepIntvl || cnt > maxKeepCnt {
		return 0, 0, 0, errs.New(errs.ErrInvalidArgument,
			"keepalive idle %ds, interval %ds, count %d: the kernel allows at most %ds, %ds, %d",
			idle, intvl, cnt, maxKeepIdle, maxKeepIntvl, maxKeepCnt)
	}
	return idle, intvl, cnt, nil
}

// Linux's limits (include/net/tcp.h MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL,
// MAX_TCP_KEEPCNT).
const (
	maxKeepIdle  = 32767
	maxKeepIntvl = 32767
	maxKeepCnt   = 127
)

// rawControl runs f on the descriptor behind rc.
func rawControl(rc syscall.RawConn, f func(fd int) error) error {
	if rc == nil {
		return errs.New(errs.ErrInvalidArgument, "nil syscall.RawConn")
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return errs.New(errs.ErrNet, "socket control: %w", err)
	}
	return ferr
}

// control runs f on the descriptor behind c (a *net.TCPConn,
// *net.TCPListener, *net.UDPConn, *os.File, ...).
func control(c syscall.Conn, f func(fd int) error) error {
	if c == nil {
		return errs.New(errs.ErrInvalidArgument, "nil connection")
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return errs.New(errs.ErrNet, "socket control: %w", err)
	}
	return rawControl(rc, f)
}

// SetKeepAlive turns keepalive on for c and sets TCP_KEEPIDLE,
// TCP_KEEPINTVL and TCP_KEEPCNT from ka (see KeepAlive for the defaults).
// c is usually a *net.TCPConn.
func SetKeepAlive(c syscall.Conn, ka KeepAlive) error {
	return control(c, func(fd int) error { return SetKeepAliveFD(fd, ka) })
}

// SetKeepAliveRaw is SetKeepAlive for a syscall.RawConn, as handed to a
// net.ListenConfig or net.Dialer Control function.
func SetKeepAliveRaw(rc syscall.RawConn, ka KeepAlive) error {
	return rawControl(rc, func(fd int) error { return SetKeepAliveFD(fd, ka) })
}

// SetLinger sets SO_LINGER to {on, secs} (CUP set_sock_linger). With on
// and secs 0 (CUP's defaults), closing c is abortive: the peer gets a RST,
// unsent data is dropped and no TIME_WAIT is left. secs must not be
// negative.
func SetLinger(c syscall.Conn, on bool, secs int) error {
	return control(c, func(fd int) error { return SetLingerFD(fd, on, secs) })
}

// SetLingerRaw is SetLinger for a syscall.RawConn.
func SetLingerRaw(rc syscall.RawConn, on bool, secs int) error {
	return rawControl(rc, func(fd int) error { return SetLingerFD(fd, on, secs) })
}

// SetQuickAck sets TCP_NODELAY and then TCP_QUICKACK (CUP
// set_sock_quickack). Linux does not keep QUICKACK set: it is a hint for
// the next acknowledgements only. A kernel without TCP_QUICKACK is not an
// error.
func SetQuickAck(c syscall.Conn) error {
	return control(c, SetQuickAckFD)
}

// SetQuickAckRaw is SetQuickAck for a syscall.RawConn.
func SetQuickAckRaw(rc syscall.RawConn) error {
	return rawControl(rc, SetQuickAckFD)
}

// SetNoDelay sets or clears TCP_NODELAY (Nagle's algorithm off when on).
func SetNoDelay(c syscall.Conn, on bool) error {
	return control(c, func(fd int) error { return SetNoDelayFD(fd, on) })
}

// SetNoDelayRaw is SetNoDelay for a syscall.RawConn.
func SetNoDelayRaw(rc syscall.RawConn, on bool) error {
	return rawControl(rc, func(fd int) error { return SetNoDelayFD(fd, on) })
}

// SetReuseAddr sets or clears SO_REUSEADDR (CUP set_sock_reusable). Go's
// net.Listen already sets it on Linux listeners; it matters for sockets
// created by hand, and must be set before bind.
func SetReuseAddr(c syscall.Conn, on bool) error {
	return control(c, func(fd int) error { return SetReuseAddrFD(fd, on) })
}

// SetReuseAddrRaw is SetReuseAddr for a syscall.RawConn, typically inside
// net.ListenConfig.Control (before bind).
func SetReuseAddrRaw(rc syscall.RawConn, on bool) error {
	return rawControl(rc, func(fd int) error { return SetReuseAddrFD(fd, on) })
}

// SetReusePort sets or clears SO_REUSEPORT, which lets several sockets
// bind the same address and port; it must be set before bind.
func SetReusePort(c syscall.Conn, on bool) error {
	return control(c, func(fd int) error { return SetReusePortFD(fd, on) })
}

// SetReusePortRaw is SetReusePort for a syscall.RawConn, typically inside
// net.ListenConfig.Control (before bind).
func SetReusePortRaw(rc syscall.RawConn, on bool) error {
	return rawControl(rc, func(fd int) error { return SetReusePortFD(fd, on) })
}

// SetRecvBuffer sets SO_RCVBUF to bytes (> 0). Linux doubles the value to
// leave room for bookkeeping and caps it at net.core.rmem_max.
func SetRecvBuffer(c syscall.Conn, bytes int) error {
	return control(c, func(fd int) error { return SetRecvBufferFD(fd, bytes) })
}

// SetRecvBufferRaw is SetRecvBuffer for a syscall.RawConn.
func SetRecvBufferRaw(rc syscall.RawConn, bytes int) error {
	return rawControl(rc, func(fd int) error { return SetRecvBufferFD(fd, bytes) })
}

// SetSendBuffer sets SO_SNDBUF to bytes (> 0). Linux doubles the value and
// caps it at net.core.wmem_max.
func SetSendBuffer(c syscall.Conn, bytes int) error {
	return control(c, func(fd int) error { return SetSendBufferFD(fd, bytes) })
}

// SetSendBufferRaw is SetSendBuffer for a syscall.RawConn.
func SetSendBufferRaw(rc syscall.RawConn, bytes int) error {
	return rawControl(rc, func(fd int) error { return SetSendBufferFD(fd, bytes) })
}

// SetNonblock sets or clears O_NONBLOCK on the descriptor. Sockets of the
// net package are always non-blocking and driven by Go's poller: clearing
// the flag on one makes its reads and writes block whole OS threads, so
// this is meant for descriptors the caller drives itself (an epoll loop,
// an *os.File handed to a child).
func SetNonblock(c syscall.Conn, on bool) error {
	return control(c, func(fd int) error { return SetNonblockFD(fd, on) })
}

// SetNonblockRaw is SetNonblock for a syscall.RawConn.
func SetNonblockRaw(rc syscall.RawConn, on bool) error {
	return rawControl(rc, func(fd int) error { return SetNonblockFD(fd, on) })
}
