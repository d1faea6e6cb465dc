package net

import (
	"errors"
	"io"
	stdnet "net"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cupgo/cup/errs"
)

// tcpPair returns both ends of a real loopback TCP connection.
func tcpPair(t *testing.T) (client, server *stdnet.TCPConn) {
	t.Helper()
	l, err := stdnet.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := stdnet.Dial("tcp4", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c.(*stdnet.TCPConn), s.(*stdnet.TCPConn)
}

// getInt reads an int option back from the connection's descriptor.
func getInt(t *testing.T, c syscall.Conn, level, opt int) int {
	t.Helper()
	var v int
	var gerr error
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Control(func(fd uintptr) { v, gerr = unix.GetsockoptInt(int(fd), level, opt) }); err != nil {
		t.Fatal(err)
	}
	if gerr != nil {
		t.Fatal(gerr)
	}
	return v
}

func keepAliveOf(t *testing.T, c syscall.Conn) [4]int {
	return [4]int{
		getInt(t, c, unix.SOL_SOCKET, unix.SO_KEEPALIVE),
		getInt(t, c, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE),
		getInt(t, c, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL),
		getInt(t, c, unix.IPPROTO_TCP, unix.TCP_KEEPCNT),
	}
}

// forms runs set through the three forms of a helper (syscall.Conn,
// RawConn and fd) on fresh connections, handing each to check.
func forms(t *testing.T, set func(form string, c *stdnet.TCPConn) error, check func(t *testing.T, c *stdnet.TCPConn)) {
	for _, form := range []string{"conn", "raw", "fd"} {
		t.Run(form, func(t *testing.T) {
			c, _ := tcpPair(t)
			if err := set(form, c); err != nil {
				t.Fatal(err)
			}
			check(t, c)
		})
	}
}

// viaForm calls the right form of a helper.
func viaForm(c *stdnet.TCPConn, form string, conn func(syscall.Conn) error, raw func(syscall.RawConn) error, fd func(int) error) error {
	switch form {
	case "conn":
		return conn(c)
	case "raw":
		rc, err := c.SyscallConn()
		if err != nil {
			return err
		}
		return raw(rc)
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(d uintptr) { ferr = fd(int(d)) }); err != nil {
		return err
	}
	return ferr
}

func TestSetKeepAlive(t *testing.T) {
	tests := []struct {
		name string
		ka   KeepAlive
		want [4]int
	}{
		{"CUP defaults", KeepAlive{}, [4]int{1, 1, 3, 5}},
		{"custom", KeepAlive{Idle: 60 * time.Second, Interval: 10 * time.Second, Count: 9}, [4]int{1, 60, 10, 9}},
		{"sub-second becomes 1", KeepAlive{Idle: 300 * time.Millisecond, Interval: time.Nanosecond, Count: 2}, [4]int{1, 1, 1, 2}},
		{"rounded down", KeepAlive{Idle: 2999 * time.Millisecond, Interval: 4500 * time.Millisecond, Count: 1}, [4]int{1, 2, 4, 1}},
		{"kernel maxima", KeepAlive{Idle: 32767 * time.Second, Interval: 32767 * time.Second, Count: 127}, [4]int{1, 32767, 32767, 127}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forms(t, func(form string, c *stdnet.TCPConn) error {
				return viaForm(c, form,
					func(sc syscall.Conn) error { return SetKeepAlive(sc, tt.ka) },
					func(rc syscall.RawConn) error { return SetKeepAliveRaw(rc, tt.ka) },
					func(fd int) error { return SetKeepAliveFD(fd, tt.ka) })
			}, func(t *testing.T, c *stdnet.TCPConn) {
				if got := keepAliveOf(t, c); got != tt.want {
					t.Errorf("SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT = %v, want %v", got, tt.want)
				}
			})
		})
	}
}

func TestSetKeepAliveRejectsNegative(t *testing.T) {
	c, _ := tcpPair(t)
	before := keepAliveOf(t, c)
	for _, ka := range []KeepAlive{{Idle: -1}, {Interval: -time.Second}, {Count: -1},
		{Idle: 32768 * time.Second}, {Interval: 40000 * time.Second}, {Count: 128}, {Idle: 1 << 62}} {
		if err := SetKeepAlive(c, ka); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("SetKeepAlive(%+v) err = %v, want ErrInvalidArgument", ka, err)
		}
	}
	if after := keepAliveOf(t, c); after != before {
		t.Errorf("a rejected call changed the socket: %v -> %v", before, after)
	}
}

func TestSetLinger(t *testing.T) {
	for _, tc := range []struct {
		on   bool
		secs int
		want unix.Linger
	}{{true, 0, unix.Linger{Onoff: 1, Linger: 0}}, {true, 7, unix.Linger{Onoff: 1, Linger: 7}}, {false, 0, unix.Linger{}}} {
		forms(t, func(form string, c *stdnet.TCPConn) error {
			return viaForm(c, form,
				func(sc syscall.Conn) error { return SetLinger(sc, tc.on, tc.secs) },
				func(rc syscall.RawConn) error { return SetLingerRaw(rc, tc.on, tc.secs) },
				func(fd int) error { return SetLingerFD(fd, tc.on, tc.secs) })
		}, func(t *testing.T, c *stdnet.TCPConn) {
			rc, _ := c.SyscallConn()
			var l *unix.Linger
			var gerr error
			rc.Control(func(fd uintptr) { l, gerr = unix.GetsockoptLinger(int(fd), unix.SOL_SOCKET, unix.SO_LINGER) })
			if gerr != nil || *l != tc.want {
				t.Errorf("SO_LINGER = %+v (%v), want %+v", l, gerr, tc.want)
			}
		})
	}
	c, _ := tcpPair(t)
	if err := SetLinger(c, true, -1); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("negative linger: %v", err)
	}
}

// TestLingerZeroResets checks the effect CUP's default is used for: an
// abortive close that the peer sees as ECONNRESET.
func TestLingerZeroResets(t *testing.T) {
	c, s := tcpPair(t)
	if err := SetLinger(c, true, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	c.Close()
	s.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, err := io.Copy(io.Discard, s)
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("peer read after abortive close: %v, want ECONNRESET", err)
	}
}

func TestSetQuickAckAndNoDelay(t *testing.T) {
	forms(t, func(form string, c *stdnet.TCPConn) error {
		if err := SetNoDelay(c, false); err != nil { // Go turns it on by default
			return err
		}
		return viaForm(c, form, SetQuickAck, SetQuickAckRaw, SetQuickAckFD)
	}, func(t *testing.T, c *stdnet.TCPConn) {
		if v := getInt(t, c, unix.IPPROTO_TCP, unix.TCP_NODELAY); v != 1 {
			t.Errorf("TCP_NODELAY = %d after SetQuickAck", v)
		}
	})
	for _, on := range []bool{false, true} {
		forms(t, func(form string, c *stdnet.TCPConn) error {
			return viaForm(c, form,
				func(sc syscall.Conn) error { return SetNoDelay(sc, on) },
				func(rc syscall.RawConn) error { return SetNoDelayRaw(rc, on) },
				func(fd int) error { return SetNoDelayFD(fd, on) })
		}, func(t *testing.T, c *stdnet.TCPConn) {
			if v := getInt(t, c, unix.IPPROTO_TCP, unix.TCP_NODELAY); v != boolInt(on) {
				t.Errorf("TCP_NODELAY = %d, want %v", v, on)
			}
		})
	}
}

func TestSetReuse(t *testing.T) {
	for _, on := range []bool{true, false} {
		forms(t, func(form string, c *stdnet.TCPConn) error {
			if err := viaForm(c, form,
				func(sc syscall.Conn) error { return SetReuseAddr(sc, on) },
				func(rc syscall.RawConn) error { return SetReuseAddrRaw(rc, on) },
				func(fd int) error { return SetReuseAddrFD(fd, on) }); err != nil {
				return err
			}
			return viaForm(c, form,
				func(sc syscall.Conn) error { return SetReusePort(sc, on) },
				func(rc syscall.RawConn) error { return SetReusePortRaw(rc, on) },
				func(fd int) error { return SetReusePortFD(fd, on) })
		}, func(t *testing.T, c *stdnet.TCPConn) {
			if v := getInt(t, c, unix.SOL_SOCKET, unix.SO_REUSEADDR); v != boolInt(on) {
				t.Errorf("SO_REUSEADDR = %d, want %v", v, on)
			}
			if v := getInt(t, c, unix.SOL_SOCKET, unix.SO_REUSEPORT); v != boolInt(on) {
				t.Errorf("SO_REUSEPORT = %d, want %v", v, on)
			}
		})
	}
}

// TestReusePortListeners shows the option doing its job: two listeners on
// one port, set up through a ListenConfig Control function (RawConn form).
func TestReusePortListeners(t *testing.T) {
	lc := stdnet.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error { return SetReusePortRaw(rc, true) }}
	l1, err := lc.Listen(t.Context(), "tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l1.Close()
	l2, err := lc.Listen(t.Context(), "tcp4", l1.Addr().String())
	if err != nil {
		t.Fatalf("second listener on %s with SO_REUSEPORT: %v", l1.Addr(), err)
	}
	l2.Close()
}

func TestSetBuffers(t *testing.T) {
	const size = 64 << 10
	forms(t, func(form string, c *stdnet.TCPConn) error {
		if err := viaForm(c, form,
			func(sc syscall.Conn) error { return SetRecvBuffer(sc, size) },
			func(rc syscall.RawConn) error { return SetRecvBufferRaw(rc, size) },
			func(fd int) error { return SetRecvBufferFD(fd, size) }); err != nil {
			return err
		}
		return viaForm(c, form,
			func(sc syscall.Conn) error { return SetSendBuffer(sc, size) },
			func(rc syscall.RawConn) error { return SetSendBufferRaw(rc, size) },
			func(fd int) error { return SetSendBufferFD(fd, size) })
	}, func(t *testing.T, c *stdnet.TCPConn) {
		// Linux doubles the requested size (socket(7)); 64 KiB is below
		// the default rmem_max/wmem_max caps.
		if v := getInt(t, c, unix.SOL_SOCKET, unix.SO_RCVBUF); v != 2*size {
			t.Errorf("SO_RCVBUF = %d, want %d", v, 2*size)
		}
		if v := getInt(t, c, unix.SOL_SOCKET, unix.SO_SNDBUF); v != 2*size {
			t.Errorf("SO_SNDBUF = %d, want %d", v, 2*size)
		}
	})
	c, _ := tcpPair(t)
	for _, n := range []int{0, -1} {
		if err := SetRecvBuffer(c, n); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("SetRecvBuffer(%d): %v", n, err)
		}
		if err := SetSendBuffer(c, n); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("SetSendBuffer(%d): %v", n, err)
		}
	}
}

func TestSetNonblock(t *testing.T) {
	// A raw socket we own, so toggling the flag does not upset Go's poller.
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "sock")
	defer f.Close()
	flags := func() int {
		v, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			t.Fatal(err)
		}
		return v & unix.O_NONBLOCK
	}
	for _, on := range []bool{true, false, true} {
		if err := SetNonblockFD(fd, on); err != nil {
			t.Fatal(err)
		}
		if got := flags() != 0; got != on {
			t.Errorf("O_NONBLOCK = %v after SetNonblockFD(%v)", got, on)
		}
	}
	if err := SetNonblock(f, false); err != nil {
		t.Fatal(err)
	}
	if flags() != 0 {
		t.Error("SetNonblock(file, false) left O_NONBLOCK set")
	}
	rc, _ := f.SyscallConn()
	if err := SetNonblockRaw(rc, true); err != nil || flags() == 0 {
		t.Errorf("SetNonblockRaw(true): %v, flag %d", err, flags())
	}
}

func TestSockoptErrors(t *testing.T) {
	if err := SetKeepAlive(nil, KeepAlive{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("nil conn: %v", err)
	}
	if err := SetQuickAckRaw(nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("nil RawConn: %v", err)
	}
	// A closed descriptor: the errno is wrapped and ErrNet matches.
	err := SetNoDelayFD(-1, true)
	if !errors.Is(err, errs.ErrNet) || !errors.Is(err, unix.EBADF) {
		t.Errorf("bad fd: %v", err)
	}
	// A closed connection.
	c, _ := tcpPair(t)
	c.Close()
	if err := SetKeepAlive(c, KeepAlive{}); !errors.Is(err, errs.ErrNet) {
		t.Errorf("closed conn: %v", err)
	}
	// TCP options on a UDP socket fail with the errno.
	u, err := stdnet.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if err := SetKeepAlive(u.(*stdnet.UDPConn), KeepAlive{}); err == nil {
		t.Error("TCP keepalive on a UDP socket did not fail")
	}
}
