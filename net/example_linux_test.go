package net_test

import (
	"fmt"

	cupnet "github.com/cupgo/cup/net"
)

func ExampleInterfaceIPv4() {
	ip, err := cupnet.InterfaceIPv4("lo")
	fmt.Println(ip, err)
	// Output: 127.0.0.1 <nil>
}
