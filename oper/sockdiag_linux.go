package oper

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// Listening sockets are looked up with a netlink sock_diag dump (what
// ss(8) uses) before falling back to /proc/net/{tcp,tcp6,udp,udp6}. The
// kernel builds /proc/net/tcp and tcp6 by walking the whole TCP hash
// table, which costs milliseconds per read on large machines even when
// the table is nearly empty; a dump restricted to TCP_LISTEN walks only
// the listening hash. Both give the same sockets; any netlink failure
// (an old kernel, a sandbox without sock_diag) falls back to /proc.

const (
	tcpStateListen = 10 // TCP_LISTEN in include/net/tcp_states.h

	sizeofNlMsghdr   = 16
	sizeofDiagReqV2  = 56
	sizeofDiagMsg    = 72
	diagMsgPortOff   = 4  // idiag_sport, big endian, after family/state/timer/retrans
	diagMsgInodeOff  = 68 // idiag_inode
	diagRecvBufBytes = 32 << 10
)

// diagQuery is one sock_diag dump: an address family, a protocol and a
// bit mask of TCP states.
type diagQuery struct {
	family, proto uint8
	states        uint32
}

var diagQueries = []diagQuery{
	{unix.AF_INET, unix.IPPROTO_TCP, 1 << tcpStateListen},
	{unix.AF_INET6, unix.IPPROTO_TCP, 1 << tcpStateListen},
	{unix.AF_INET, unix.IPPROTO_UDP, ^uint32(0)},
	{unix.AF_INET6, unix.IPPROTO_UDP, ^uint32(0)},
}

// diagInodes returns the inodes of the TCP listeners and UDP sockets
// bound to port, through netlink. With first, it stops at the first one.
func diagInodes(port int, first bool) ([]uint64, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, fmt.Errorf("netlink socket: %w", err)
	}
	defer unix.Close(fd)
	// Never wait forever on a kernel that does not answer.
	tv := unix.Timeval{Sec: 5}
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return nil, fmt.Errorf("netlink socket: %w", err)
	}
	var out []uint64
	buf := make([]byte, diagRecvBufBytes)
	for i, q := range diagQueries {
		seq := uint32(i + 1)
		if err := unix.Sendto(fd, diagRequest(q, seq), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
			return nil, fmt.Errorf("netlink send: %w", err)
		}
		for done := false; !done; {
			n, _, err := unix.Recvfrom(fd, buf, 0)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("netlink receive: %w", err)
			}
			done, err = parseDiagMessages(buf[:n], seq, func(p uint16, inode uint32) {
				if int(p) == port {
					out = append(out, uint64(inode))
				}
			})
			if err != nil {
				return nil, err
			}
		}
		if first && len(out) > 0 {
			// Leave the socket; closing it drops whatever is left.
			return out, nil
		}
	}
	return out, nil
}

// diagRequest encodes a SOCK_DIAG_BY_FAMILY dump request for q.
func diagRequest(q diagQuery, seq uint32) []byte {
	b := make([]byte, sizeofNlMsghdr+sizeofDiagReqV2)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], uint32(len(b)))
	ne.PutUint16(b[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(b[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(b[8:], seq)
	// b[12:16] port id 0: the kernel.
	r := b[sizeofNlMsghdr:]
	r[0] = q.family
	r[1] = q.proto
	// r[2] ext, r[3] pad: 0
	ne.PutUint32(r[4:], q.states)
	// r[8:56] the socket id: zero, no filter.
	return b
}

// parseDiagMessages walks one datagram of netlink messages answering
// request seq, calling fn with the local port and inode of every
// inet_diag_msg. It reports done at NLMSG_DONE. An NLMSG_ERROR becomes
// an error carrying the errno; malformed input is an error, never a
// panic.
func parseDiagMessages(b []byte, seq uint32, fn func(port uint16, inode uint32)) (done bool, err error) {
	ne := binary.NativeEndian
	for len(b) > 0 {
		if len(b) < sizeofNlMsghdr {
			return false, errors.New("netlink: short message header")
		}
		l := int(ne.Uint32(b[0:]))
		typ := ne.Uint16(b[4:])
		mseq := ne.Uint32(b[8:])
		if l < sizeofNlMsghdr || l > len(b) {
			return false, fmt.Errorf("netlink: bad message length %d (%d bytes left)", l, len(b))
		}
		body := b[sizeofNlMsghdr:l]
		if mseq == seq {
			switch typ {
			case unix.NLMSG_DONE:
				return true, nil
			case unix.NLMSG_ERROR:
				if len(body) < 4 {
					return false, errors.New("netlink: short error message")
				}
				if errno := int32(ne.Uint32(body)); errno != 0 {
					return false, fmt.Errorf("netlink: %w", syscall.Errno(-errno))
				}
				return true, nil // an ACK
			case unix.SOCK_DIAG_BY_FAMILY:
				if len(body) < sizeofDiagMsg {
					return false, fmt.Errorf("netlink: short inet_diag_msg (%d bytes)", len(body))
				}
				fn(binary.BigEndian.Uint16(body[diagMsgPortOff:]), ne.Uint32(body[diagMsgInodeOff:]))
			}
		}
		// Messages are padded to 4 bytes.
		next := (l + 3) &^ 3
		if next > len(b) {
			next = len(b)
		}
		b = b[next:]
	}
	return false, nil
}
