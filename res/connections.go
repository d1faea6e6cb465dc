package res

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/procfs"
)

// connTable is one /proc/PID/net table and how to label its rows.
type connTable struct {
	file   string
	family int
	typ    int // 1 stream, 2 datagram; 0 for unix (per row)
}

var (
	tcp4 = connTable{"tcp", 2, 1}
	tcp6 = connTable{"tcp6", 10, 1}
	udp4 = connTable{"udp", 2, 2}
	udp6 = connTable{"udp6", 10, 2}
	unix = connTable{"unix", 1, 0}
)

// ConnectionKinds maps each kind Connections accepts to the tables it
// reads (CUP's kinds).
var connKinds = map[string][]connTable{
	"all":   {tcp4, tcp6, udp4, udp6, unix},
	"tcp":   {tcp4, tcp6},
	"tcp4":  {tcp4},
	"tcp6":  {tcp6},
	"udp":   {udp4, udp6},
	"udp4":  {udp4},
	"udp6":  {udp6},
	"unix":  {unix},
	"inet":  {tcp4, tcp6, udp4, udp6},
	"inet4": {tcp4, udp4},
	"inet6": {tcp6, udp6},
}

// ConnectionKinds lists the kinds Connections accepts.
const ConnectionKinds = "inet, inet4, inet6, tcp, tcp4, tcp6, udp, udp4, udp6, unix, all"

var tcpStates = [...]string{1: "CONN_ESTABLISHED", 2: "CONN_SYN_SENT", 3: "CONN_SYN_RECV", 4: "CONN_FIN_WAIT1",
	5: "CONN_FIN_WAIT2", 6: "CONN_TIME_WAIT", 7: "CONN_CLOSE", 8: "CONN_CLOSE_WAIT", 9: "CONN_LAST_ACK",
	10: "CONN_LISTEN", 11: "CONN_CLOSING"}

// tcpState names a TCP state number of /proc/net/tcp.
func tcpState(st uint8) string {
	if int(st) < len(tcpStates) && tcpStates[st] != "" {
		return tcpStates[st]
	}
	return "CONN_NONE"
}

// Connections returns the sockets the process holds, of kind (CUP
// get_connections): "inet" (tcp and udp over IPv4 and IPv6, CUP's
// default), "inet4", "inet6", "tcp", "tcp4", "tcp6", "udp", "udp4",
// "udp6", "unix" or "all". Another kind is an error matching
// errs.ErrInvalidArgument. The tables are those of the process's network
// namespace (/proc/PID/net/...).
func (p *Process) Connections(kind string) ([]Connection, error) {
	tables, ok := connKinds[kind]
	if !ok {
		return nil, errs.New(errs.ErrInvalidArgument, "invalid %q kind argument; choose between %s", kind, ConnectionKinds)
	}
	fds, err := p.fs.proc.FDs(p.PID)
	if err != nil {
		return nil, err
	}
	inodes := make(map[uint64]int)
	for _, fd := range fds {
		s, ok := strings.CutPrefix(fd.Target, "socket:[")
		if !ok {
			continue
		}
		if ino, err := strconv.ParseUint(strings.TrimSuffix(s, "]"), 10, 64); err == nil {
			inodes[ino] = fd.Num
		}
	}
	out := []Connection{}
	if len(inodes) == 0 {
		return out, nil
	}
	for _, t := range tables {
		if t.family == 1 {
			rows, err := p.fs.proc.UnixSockets(p.PID)
			if err != nil {
				return nil, err
			}
			for _, r := range rows {
				if fd, ok := inodes[r.Inode]; ok {
					out = append(out, Connection{FD: fd, Family: 1, Type: r.Type, Laddr: Addr{Path: r.Path}, Status: "CONN_NONE"})
				}
			}
			continue
		}
		rows, err := p.fs.proc.InetSockets(p.PID, t.file)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			fd, ok := inodes[r.Inode]
			if !ok {
				continue
			}
			c := inetConnection(r, t.family, t.typ)
			c.FD = fd
			out = append(out, c)
		}
	}
	if !p.fs.proc.Exists(p.PID) {
		return nil, &errs.NoSuchProcessError{PID: p.PID}
	}
	return out, nil
}

// inetConnection labels a row of /proc/net/{tcp,tcp6,udp,udp6}: family
// 2 or 10, type 1 (tcp, whose state is named) or 2 (udp, CONN_NONE).
func inetConnection(r procfs.InetSocket, family, typ int) Connection {
	c := Connection{FD: -1, Family: family, Type: typ, Laddr: addrOf(r.Local), Raddr: addrOf(r.Remote), Status: "CONN_NONE"}
	if typ == 1 {
		c.Status = tcpState(r.State)
	}
	return c
}

// addrOf turns a kernel address into an Addr; port 0 is "no address"
// (CUP's empty tuple).
func addrOf(ap netip.AddrPort) Addr {
	if ap.Port() == 0 {
		return Addr{}
	}
	return Addr{IP: ap.Addr().String(), Port: int(ap.Port())}
}
