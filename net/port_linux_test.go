package net

import (
	"errors"
	stdnet "net"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cupgo/cup/errs"
)

// TestPortListenedBlackHole makes a loopback port that drops SYNs: a
// listener with backlog 0 whose accept queue is full and never drained.
// The kernel then ignores new SYNs, as a firewall black hole does.
func TestPortListenedBlackHole(t *testing.T) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(sa.(*unix.SockaddrInet4).Port)
	full := false
	for i := 0; i < 16 && !full; i++ {
		c, err := stdnet.DialTimeout("tcp4", addr, 1500*time.Millisecond)
		if err != nil {
			full = true
			break
		}
		defer c.Close()
	}
	if !full {
		t.Skip("the kernel kept accepting connections; no black hole to test against")
	}
	start := time.Now()
	up, err := PortListened(t.Context(), "127.0.0.1", sa.(*unix.SockaddrInet4).Port)
	if up || !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("black hole: %v, %v; want false and a timeout", up, err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v; the connect is bounded by 1 s", d)
	}
}
