package net_test

import (
	"context"
	"fmt"
	stdnet "net"
	"strings"

	cupnet "github.com/cupgo/cup/net"
)

// A routing table as /proc/net/route prints it on a little-endian host.
const routeText = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
	"eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n" +
	"eth1\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n" +
	"eth2\t0000000A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"

func ExampleParseRouteTable() {
	rt, err := cupnet.ParseRouteTable(strings.NewReader(routeText))
	if err != nil {
		panic(err)
	}
	for _, r := range rt.Routes {
		fmt.Println(r)
	}
	// Output:
	// default via 192.0.2.1 dev eth0 metric 100
	// 10.0.0.0/8 dev eth1
	// 10.0.0.0/16 dev eth2
}

func ExampleRouteTable_Lookup() {
	rt, err := cupnet.ParseRouteTable(strings.NewReader(routeText))
	if err != nil {
		panic(err)
	}
	for _, s := range []string{"10.0.5.6", "10.9.9.9", "8.8.8.8", "1.2.3"} {
		ip, err := cupnet.ParseIPv4(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		r, err := rt.Lookup(ip)
		fmt.Println(s, "->", r, err)
	}
	// Output:
	// 10.0.5.6 -> 10.0.0.0/16 dev eth2 <nil>
	// 10.9.9.9 -> 10.0.0.0/8 dev eth1 <nil>
	// 8.8.8.8 -> default via 192.0.2.1 dev eth0 metric 100 <nil>
	// cup: invalid IPv4 address "1.2.3": want a dotted quad
}

func ExampleSetKeepAlive() {
	l, err := stdnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	c, err := stdnet.Dial("tcp", l.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	// CUP's defaults: probe after 1 s idle, every 3 s, give up after 5.
	err = cupnet.SetKeepAlive(c.(*stdnet.TCPConn), cupnet.KeepAlive{})
	fmt.Println(err)
	// Output: <nil>
}

func ExampleHostIP() {
	// The address the kernel would use to reach the Internet; no packet
	// is sent.
	ip, err := cupnet.HostIP(context.Background(), "")
	if err != nil {
		fmt.Println("no primary address:", err)
		return
	}
	fmt.Println("primary address:", ip)
}
