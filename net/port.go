package net

import (
	"context"
	"errors"
	stdnet "net"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/cupgo/cup/errs"
)

// portCheckTimeout bounds one PortListened connect, as CUP's 1 s socket
// timeout did.
const portCheckTimeout = time.Second

// PortListened reports whether something accepts TCP connections on
// host:port (CUP port_listened). It connects over IPv4 with a 1 s timeout
// (or ctx's deadline if sooner): a connection means true, a refusal
// (ECONNREFUSED) means false with a nil error, and anything else (a
// timeout, an unreachable network, a name that does not resolve) means
// false with the error, since the answer is unknown. An IPv6 literal as
// host gives errs.ErrNotSupported, as in CUP.
func PortListened(ctx context.Context, host string, port int) (bool, error) {
	if port < 1 || port > 65535 {
		return false, errs.New(errs.ErrInvalidArgument, "port %d: want 1..65535", port)
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Is6() && !a.Is4In6() {
		return false, errs.New(errs.ErrNotSupported, "port check of IPv6 host %q", host)
	}
	ctx, cancel := context.WithTimeout(ctx, portCheckTimeout)
	defer cancel()
	var d stdnet.Dialer
	c, err := d.DialContext(ctx, "tcp4", stdnet.JoinHostPort(host, strconv.Itoa(port)))
	if err == nil {
		c.Close()
		return true, nil
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return false, nil
	}
	var ne stdnet.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return false, errs.New(errs.ErrTimeout, "connect %s:%d: %w", host, port, err)
	}
	return false, errs.New(errs.ErrNet, "connect %s:%d: %w", host, port, err)
}

// LocalPortFree reports whether nothing listens on port at the address the
// local host name resolves to (CUP localport_free). That is CUP's
// semantics, with its pitfall: a port bound only to 127.0.0.1, or only to
// another address than the host name's, is reported free. To know whether
// a port can be bound, use PortBindable.
func LocalPortFree(ctx context.Context, port int) (bool, error) {
	h, err := LocalHostname()
	if err != nil {
		return false, err
	}
	up, err := PortListened(ctx, h, port)
	if err != nil {
		return false, err
	}
	return !up, nil
}

// PortBindable reports whether a TCP listener can be bound to port on all
// IPv4 addresses right now (it binds and closes one).
func PortBindable(port int) bool {
	if port < 1 || port > 65535 {
		return false
	}
	l, err := stdnet.Listen("tcp4", ":"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
