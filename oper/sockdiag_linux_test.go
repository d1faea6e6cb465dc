package oper

import (
	"encoding/binary"
	"net"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// TestDiagMatchesProc checks that the netlink and /proc lookups find the
// same sockets: for this test's own TCP and UDP sockets (IPv4 and, when
// available, IPv6) and for every listening port /proc shows.
func TestDiagMatchesProc(t *testing.T) {
	var ports []int
	var closers []func() error
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	for _, nw := range []struct{ network, addr string }{
		{"tcp4", "127.0.0.1:0"}, {"tcp6", "[::1]:0"},
	} {
		ln, err := net.Listen(nw.network, nw.addr)
		if err != nil {
			t.Logf("%s: %v (skipped)", nw.network, err)
			continue
		}
		closers = append(closers, ln.Close)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, nw := range []struct{ network, addr string }{
		{"udp4", "127.0.0.1:0"}, {"udp6", "[::1]:0"},
	} {
		pc, err := net.ListenPacket(nw.network, nw.addr)
		if err != nil {
			t.Logf("%s: %v (skipped)", nw.network, err)
			continue
		}
		closers = append(closers, pc.Close)
		ports = append(ports, pc.LocalAddr().(*net.UDPAddr).Port)
	}
	if _, err := diagInodes(ports[0], true); err != nil {
		t.Skipf("netlink sock_diag not available here (%v); /proc is used", err)
	}
	// Every TCP listener /proc reports, too.
	for _, table := range []string{"tcp", "tcp6"} {
		socks, err := procFS.InetSockets(unix.Getpid(), table)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range socks {
			if s.State == tcpListen && !slices.Contains(ports, int(s.Local.Port())) {
				ports = append(ports, int(s.Local.Port()))
			}
		}
	}
	for _, p := range ports {
		a, err1 := diagInodes(p, false)
		b, err2 := procPortInodes(p, false)
		if err1 != nil || err2 != nil {
			t.Fatalf("port %d: netlink %v, /proc %v", p, err1, err2)
		}
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			// A socket may have come or gone between the two reads;
			// only a mismatch that persists is a bug.
			a, _ = diagInodes(p, false)
			b, _ = procPortInodes(p, false)
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) {
				t.Errorf("port %d: netlink inodes %v, /proc inodes %v", p, a, b)
			}
		}
		if len(a) == 0 {
			t.Errorf("port %d: no socket found", p)
		}
	}
}

func TestParseDiagMessages(t *testing.T) {
	msg := func(typ uint16, seq uint32, body []byte) []byte {
		b := make([]byte, sizeofNlMsghdr+len(body), sizeofNlMsghdr+len(body)+3)
		binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
		binary.NativeEndian.PutUint16(b[4:], typ)
		binary.NativeEndian.PutUint32(b[8:], seq)
		copy(b[sizeofNlMsghdr:], body)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return b
	}
	diag := func(port uint16, inode uint32) []byte {
		d := make([]byte, sizeofDiagMsg)
		binary.BigEndian.PutUint16(d[diagMsgPortOff:], port)
		binary.NativeEndian.PutUint32(d[diagMsgInodeOff:], inode)
		return d
	}
	errBody := make([]byte, 20)
	binary.NativeEndian.PutUint32(errBody, uint32(0xffffffff-uint32(unix.EPERM)+1)) // -EPERM

	type hit struct {
		port  uint16
		inode uint32
	}
	tests := []struct {
		name    string
		in      []byte
		done    bool
		wantErr bool
		hits    []hit
	}{
		{"two sockets then done", slices.Concat(msg(unix.SOCK_DIAG_BY_FAMILY, 7, diag(80, 11)),
			msg(unix.SOCK_DIAG_BY_FAMILY, 7, diag(443, 12)), msg(unix.NLMSG_DONE, 7, make([]byte, 4))),
			true, false, []hit{{80, 11}, {443, 12}}},
		{"no done yet", msg(unix.SOCK_DIAG_BY_FAMILY, 7, diag(22, 1)), false, false, []hit{{22, 1}}},
		{"other sequence ignored", msg(unix.SOCK_DIAG_BY_FAMILY, 8, diag(22, 1)), false, false, nil},
		{"error", msg(unix.NLMSG_ERROR, 7, errBody), false, true, nil},
		{"short header", []byte{1, 2, 3}, false, true, nil},
		{"length too big", msg(unix.NLMSG_DONE, 7, nil)[:12], false, true, nil},
		{"short body", msg(unix.SOCK_DIAG_BY_FAMILY, 7, make([]byte, 10)), false, true, nil},
		{"empty", nil, false, false, nil},
	}
	for _, tc := range tests {
		var got []hit
		done, err := parseDiagMessages(tc.in, 7, func(p uint16, i uint32) { got = append(got, hit{p, i}) })
		if done != tc.done || (err != nil) != tc.wantErr || !slices.Equal(got, tc.hits) {
			t.Errorf("%s: done=%v err=%v hits=%v; want done=%v err=%v hits=%v", tc.name, done, err, got, tc.done, tc.wantErr, tc.hits)
		}
	}
	if _, err := parseDiagMessages(msg(unix.NLMSG_ERROR, 7, errBody), 7, func(uint16, uint32) {}); err == nil || err.Error() != "netlink: operation not permitted" {
		t.Errorf("errno not decoded: %v", err)
	}
}

func FuzzParseDiagMessages(f *testing.F) {
	d := make([]byte, sizeofNlMsghdr+sizeofDiagMsg)
	binary.NativeEndian.PutUint32(d, uint32(len(d)))
	binary.NativeEndian.PutUint16(d[4:], unix.SOCK_DIAG_BY_FAMILY)
	binary.NativeEndian.PutUint32(d[8:], 1)
	f.Add(d)
	f.Add([]byte{})
	f.Add(make([]byte, 16))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		_, _ = parseDiagMessages(b, 1, func(uint16, uint32) { n++ })
		if n > len(b)/(sizeofNlMsghdr+sizeofDiagMsg) {
			t.Fatalf("%d sockets reported from %d bytes", n, len(b))
		}
	})
}
