// Command net shows package net, the Go port of CUP's cup.net: it reads
// the routing table and asks which route an address takes, lists the
// interfaces and their addresses, finds the machine's primary address,
// and sets CUP's socket options on a loopback connection.
//
//	go run ./examples/net
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	stdnet "net"
	"time"

	"github.com/cupgo/cup/errs"
	cupnet "github.com/cupgo/cup/net"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The routing table (CUP RouteInfo) and the route an address takes.
	rt, err := cupnet.ReadRouteTable()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("routes:")
	for _, r := range rt.Routes {
		fmt.Println("  ", r)
	}
	for _, s := range []string{"8.8.8.8", "10.0.5.6"} {
		ip, err := cupnet.ParseIPv4(s)
		if err != nil {
			log.Fatal(err)
		}
		switch r, err := rt.Lookup(ip); {
		case errors.Is(err, errs.ErrNoRoute):
			fmt.Printf("%s: no route\n", s)
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Printf("%s goes %v\n", s, r)
		}
	}
	if def, err := rt.DefaultRoute(); err == nil {
		fmt.Println("default gateway:", def.Gateway, "on", def.Iface)
	}

	// Interfaces and addresses (CUP get_interfaces, getip_byinterface).
	names, err := cupnet.Interfaces()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("interfaces (without lo):", names)
	for _, name := range append([]string{"lo"}, names...) {
		ip, err := cupnet.InterfaceIPv4(name)
		switch {
		case errors.Is(err, errs.ErrNoIPv4Address):
			fmt.Printf("  %-8s no IPv4 address\n", name)
		case err != nil:
			fmt.Printf("  %-8s %v\n", name, err)
		default:
			fmt.Printf("  %-8s %v\n", name, ip)
		}
	}

	// Host names and the primary address (CUP get_local_hostname,
	// get_hostip).
	host, err := cupnet.LocalHostname()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("host name:", host)
	if ip, err := cupnet.HostIP(ctx, ""); err == nil {
		fmt.Println("primary IPv4:", ip)
	} else {
		fmt.Println("primary IPv4:", err)
	}
	if ip, err := cupnet.HostIP(ctx, "localhost"); err == nil {
		fmt.Println("localhost is", ip)
	}

	// Socket options on a loopback connection (CUP set_sock_*).
	l, err := stdnet.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	c, err := stdnet.Dial("tcp4", l.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	tc := c.(*stdnet.TCPConn)
	if err := cupnet.SetKeepAlive(tc, cupnet.KeepAlive{Idle: 30 * time.Second, Interval: 5 * time.Second, Count: 4}); err != nil {
		log.Fatal(err)
	}
	if err := cupnet.SetQuickAck(tc); err != nil {
		log.Fatal(err)
	}
	if err := cupnet.SetLinger(tc, true, 0); err != nil { // close sends RST
		log.Fatal(err)
	}
	fmt.Println("keepalive 30s/5s/4, quickack and abortive linger set on", c.LocalAddr())

	// Port checks (CUP port_listened).
	port := l.Addr().(*stdnet.TCPAddr).Port
	up, err := cupnet.PortListened(ctx, "127.0.0.1", port)
	fmt.Printf("port %d listened: %v %v\n", port, up, err)
}
