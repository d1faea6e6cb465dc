package net

import (
	"errors"

	"golang.org/x/sys/unix"

	"github.com/cupgo/cup/errs"
)

func setInt(fd, level, opt int, name string, v int) error {
	if err := unix.SetsockoptInt(fd, level, opt, v); err != nil {
		return errs.New(errs.ErrNet, "setsockopt %s=%d on fd %d: %w", name, v, fd, err)
	}
	return nil
}

func boolInt(on bool) int {
	if on {
		return 1
	}
	return 0
}

// SetKeepAliveFD sets, in this order, SO_KEEPALIVE=1, TCP_KEEPIDLE,
// TCP_KEEPINTVL and TCP_KEEPCNT on the socket fd (see KeepAlive). It is
// the form for sockets driven by an epoll loop.
func SetKeepAliveFD(fd int, ka KeepAlive) error {
	idle, intvl, cnt, err := ka.seconds()
	if err != nil {
		return err
	}
	if err := setInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, "SO_KEEPALIVE", 1); err != nil {
		return err
	}
	if err := setInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, "TCP_KEEPIDLE", idle); err != nil {
		return err
	}
	if err := setInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, "TCP_KEEPINTVL", intvl); err != nil {
		return err
	}
	return setInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPCNT, "TCP_KEEPCNT", cnt)
}

// SetLingerFD sets SO_LINGER to {on, secs} on the socket fd (see
// SetLinger).
func SetLingerFD(fd int, on bool, secs int) error {
	if secs < 0 {
		return errs.New(errs.ErrInvalidArgument, "linger %d s: must not be negative", secs)
	}
	l := unix.Linger{Onoff: int32(boolInt(on)), Linger: int32(min(secs, 1<<31-1))}
	if err := unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &l); err != nil {
		return errs.New(errs.ErrNet, "setsockopt SO_LINGER={%d,%d} on fd %d: %w", l.Onoff, l.Linger, fd, err)
	}
	return nil
}

// SetQuickAckFD sets TCP_NODELAY=1 and then TCP_QUICKACK=1 on the socket
// fd; ENOPROTOOPT from TCP_QUICKACK (a kernel without it) is ignored.
func SetQuickAckFD(fd int) error {
	if err := setInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, "TCP_NODELAY", 1); err != nil {
		return err
	}
	err := setInt(fd, unix.IPPROTO_TCP, unix.TCP_QUICKACK, "TCP_QUICKACK", 1)
	if errors.Is(err, unix.ENOPROTOOPT) {
		return nil
	}
	return err
}

// SetNoDelayFD sets or clears TCP_NODELAY on the socket fd.
func SetNoDelayFD(fd int, on bool) error {
	return setInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, "TCP_NODELAY", boolInt(on))
}

// SetReuseAddrFD sets or clears SO_REUSEADDR on the socket fd.
func SetReuseAddrFD(fd int, on bool) error {
	return setInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, "SO_REUSEADDR", boolInt(on))
}

// SetReusePortFD sets or clears SO_REUSEPORT on the socket fd.
func SetReusePortFD(fd int, on bool) error {
	return setInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, "SO_REUSEPORT", boolInt(on))
}

// SetRecvBufferFD sets SO_RCVBUF on the socket fd (see SetRecvBuffer).
func SetRecvBufferFD(fd int, bytes int) error {
	if bytes <= 0 {
		return errs.New(errs.ErrInvalidArgument, "receive buffer %d bytes: must be positive", bytes)
	}
	return setInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, "SO_RCVBUF", bytes)
}

// SetSendBufferFD sets SO_SNDBUF on the socket fd (see SetSendBuffer).
func SetSendBufferFD(fd int, bytes int) error {
	if bytes <= 0 {
		return errs.New(errs.ErrInvalidArgument, "send buffer %d bytes: must be positive", bytes)
	}
	return setInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, "SO_SNDBUF", bytes)
}

// SetNonblockFD sets or clears O_NONBLOCK on fd.
func SetNonblockFD(fd int, on bool) error {
	if err := unix.SetNonblock(fd, on); err != nil {
		return errs.New(errs.ErrNet, "set O_NONBLOCK=%v on fd %d: %w", on, fd, err)
	}
	return nil
}
