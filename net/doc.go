// Package net holds host networking helpers: the IPv4 routing table,
// interface addresses, host names and addresses, port checks, and socket
// options. It ports CUP's cup.net, cup.net.route and cup.net.ipaddr.
//
// The package shadows the standard library's net; callers usually import
// it under another name:
//
//	import cupnet "github.com/cupgo/cup/net"
//
// # Routes
//
// [ReadRouteTable] parses /proc/net/route into a [RouteTable];
// [RouteTable.Lookup] picks the route the kernel would use for an address
// (longest prefix, then lowest metric — CUP's RouteInfo picked by raw
// integer and highest metric and could prefer a /8 to a /16);
// [RouteTable.ByInterface] and [DefaultGateway] answer the other common
// questions. [FS] reads
// the same files below another root, which is how the tests use fixtures.
//
// # Addresses and names
//
// [InterfaceIPv4] asks the kernel for an interface's primary IPv4 address
// (alias labels such as eth0:1 work); [InterfaceByName] and
// [AllInterfaces] list every address; [HostIP] resolves a name, or finds
// the machine's primary address when the name is empty; [PublicIPv4] asks
// web services for the public address.
//
// # Socket options
//
// Each option has three forms: one for any syscall.Conn (a *net.TCPConn,
// a listener, an *os.File), one ending in Raw for a syscall.RawConn (as
// passed to net.ListenConfig.Control) and one ending in FD for a raw
// descriptor driven by an epoll loop:
//
//	cupnet.SetKeepAlive(conn, cupnet.KeepAlive{})       // 1 s idle, 3 s interval, 5 probes
//	cupnet.SetKeepAliveRaw(rawConn, cupnet.KeepAlive{})
//	cupnet.SetKeepAliveFD(fd, cupnet.KeepAlive{})
//
// Socket options and SIOCGIFADDR are implemented on Linux; elsewhere they
// return errors matching errs.ErrNotSupported.
//
// CUP names and their Go replacements:
//
//	getip_byinterface(iface)        InterfaceIPv4
//	get_local_hostname()            LocalHostname, LocalHostnameResolvable (newest CUP)
//	get_hostip(hostname)            HostIP, HostResolver
//	get_interfaces()                Interfaces
//	getip_byallinterfaces()         FirstInterfaceIPv4
//	ipaddr.realip_v4()              PublicIPv4
//	set_sock_keepalive_linux(...)   SetKeepAlive, SetKeepAliveRaw, SetKeepAliveFD
//	set_sock_reusable(sock, on)     SetReuseAddr (and SetReusePort)
//	set_sock_linger(sock, on, sec)  SetLinger
//	set_sock_quickack(sock)         SetQuickAck (and SetNoDelay)
//	port_listened(host, port)       PortListened
//	localport_free(port)            LocalPortFree, PortBindable
//	route.RouteInfo()               ReadRouteTable, ParseRouteTable, FS.RouteTable
//	RouteInfo.get_routes()          RouteTable.Routes, Route.PythonView
//	RouteInfo.get_route_by_ip(ip)   ParseIPv4 + RouteTable.Lookup
//	RouteInfo.get_interface_by_ip   RouteTable.InterfaceFor
//	RouteInfo.get_interfaces()      RouteTable.Interfaces
package net
