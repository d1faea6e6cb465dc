package net

import (
	"errors"
	stdnet "net"
	"testing"

	"github.com/cupgo/cup/errs"
)

func listen(t *testing.T, addr string) (stdnet.Listener, int) {
	t.Helper()
	l, err := stdnet.Listen("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, l.Addr().(*stdnet.TCPAddr).Port
}

func TestPortListened(t *testing.T) {
	_, port := listen(t, "127.0.0.1:0")
	up, err := PortListened(t.Context(), "127.0.0.1", port)
	if err != nil || !up {
		t.Fatalf("live listener: %v, %v", up, err)
	}
	l, closed := listen(t, "127.0.0.1:0")
	l.Close()
	up, err = PortListened(t.Context(), "127.0.0.1", closed)
	if err != nil || up {
		t.Fatalf("refused port: %v, %v; want false, nil", up, err)
	}
	for _, host := range []string{"::1", "2001:db8::1"} {
		if _, err := PortListened(t.Context(), host, port); !errors.Is(err, errs.ErrNotSupported) {
			t.Errorf("IPv6 %s: %v, want ErrNotSupported", host, err)
		}
	}
	for _, p := range []int{0, -1, 65536} {
		if _, err := PortListened(t.Context(), "127.0.0.1", p); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("port %d: %v", p, err)
		}
	}
}

func TestLocalPortFree(t *testing.T) {
	h, err := LocalHostname()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stdnet.DefaultResolver.LookupIP(t.Context(), "ip4", h); err != nil {
		t.Skipf("host name %q does not resolve to IPv4: LocalPortFree cannot work here", h)
	}
	l, port := listen(t, "0.0.0.0:0")
	free, err := LocalPortFree(t.Context(), port)
	if err != nil || free {
		t.Fatalf("with a listener on 0.0.0.0:%d: free=%v, %v", port, free, err)
	}
	if PortBindable(port) {
		t.Error("PortBindable while a listener holds the port")
	}
	l.Close()
	free, err = LocalPortFree(t.Context(), port)
	if err != nil || !free {
		t.Fatalf("after closing: free=%v, %v", free, err)
	}
	if !PortBindable(port) {
		t.Error("PortBindable false after the listener closed")
	}
	if PortBindable(0) || PortBindable(70000) {
		t.Error("PortBindable accepted an invalid port")
	}
}
