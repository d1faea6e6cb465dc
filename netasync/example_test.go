package netasync_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/netip"
	"time"

	"github.com/cupgo/cup/netasync"
)

func ExampleAppendFrame() {
	m := netasync.NewMessage(
		netasync.Addr{IP: netip.MustParseAddr("192.168.1.20"), Port: 51200, Stub: 1, Future: 1},
		netasync.Addr{IP: netip.MustParseAddr("192.168.1.10"), Port: 51100, Stub: 1, Future: 1},
		netasync.TypeHeartBeat, netasync.UniqID{Lo: 1}, []byte("HB"))
	m.Flag = netasync.FlagUrgent
	first, _ := netasync.AppendFrame(nil, m, true)  // first frame of a connection
	later, _ := netasync.AppendFrame(nil, m, false) // every later one
	fmt.Println(len(first), hex.EncodeToString(first[:20]))
	fmt.Println(len(later), hex.EncodeToString(later[:12]))
	// Output:
	// 74 4355503031322d33010000004a00000000000000
	// 66 010000004200000000000000
}

func ExampleDecoder() {
	m := netasync.NewMessage(
		netasync.Addr{IP: netip.MustParseAddr("10.1.2.3"), Port: 51100},
		netasync.Addr{IP: netip.MustParseAddr("127.0.0.1"), Port: 8080},
		1, netasync.UniqID{Lo: 7}, []byte("hello"))
	stream, _ := netasync.AppendFrame(nil, m, true)
	stream, _ = netasync.AppendFrame(stream, m, false)
	d := netasync.NewDecoder(0)
	// Feed accepts any split of the stream; here one byte at a time.
	for i := range stream {
		err := d.Feed(stream[i:i+1], func(m *netasync.Message) error {
			fmt.Printf("%s: %q\n", m.From.AddrPort(), m.Body) // m is only valid during the call
			return nil
		})
		if err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// 10.1.2.3:51100: "hello"
	// 10.1.2.3:51100: "hello"
}

func ExampleCenter() {
	lo := netip.MustParseAddr("127.0.0.1")
	// An echo center: it answers by posting to the sender's listening
	// address, as CUP's IMessageCenter applications do.
	var echo *netasync.Center
	echo, _ = netasync.NewCenter(netasync.Config{IP: lo, Handler: netasync.HandlerFunc(
		func(ctx context.Context, m *netasync.Message) {
			r := netasync.NewMessage(echo.Addr(), m.From, m.Type, m.ID, m.Body)
			_ = echo.Post(ctx, r)
		})})
	if err := echo.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer echo.Close()

	answers := make(chan *netasync.Message, 1)
	client, _ := netasync.NewCenter(netasync.Config{IP: lo, Handler: netasync.HandlerFunc(
		func(_ context.Context, m *netasync.Message) { answers <- m })})
	if err := client.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m := netasync.NewMessage(client.Addr(), echo.Addr(), 3, netasync.UniqID{Lo: 42}, []byte("ping"))
	if err := client.Post(ctx, m); err != nil {
		fmt.Println(err)
		return
	}
	a := <-answers
	fmt.Printf("answer %q id %d from the echo's listening address: %v\n", a.Body, a.ID.Lo, a.From == echo.Addr())
	// Output:
	// answer "ping" id 42 from the echo's listening address: true
}

func ExampleCenter_Reply() {
	lo := netip.MustParseAddr("127.0.0.1")
	// An allocation-free echo: handlers run on the event loops, received
	// messages are recycled, and Reply queues a pooled copy of the reply,
	// which goes back on the connection the message arrived on.
	var echo *netasync.Center
	echo, _ = netasync.NewCenter(netasync.Config{IP: lo, InlineHandlers: true, RecycleMessages: true,
		Handler: netasync.HandlerFunc(func(_ context.Context, m *netasync.Message) {
			r := netasync.Message{Flag: m.Flag, Type: m.Type, From: m.To, To: m.From, ID: m.ID, Body: m.Body}
			_ = echo.Reply(m, &r) // neither r nor m.Body is used after Reply returns
		})})
	if err := echo.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer echo.Close()

	answers := make(chan *netasync.Message, 1)
	client, _ := netasync.NewCenter(netasync.Config{IP: lo, Handler: netasync.HandlerFunc(
		func(_ context.Context, m *netasync.Message) { answers <- m })})
	if err := client.Start(); err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m := netasync.NewMessage(client.Addr(), echo.Addr(), 3, netasync.UniqID{Lo: 7}, []byte("ping"))
	if err := client.Post(ctx, m); err != nil {
		fmt.Println(err)
		return
	}
	a := <-answers
	fmt.Printf("answer %q id %d on the outbound connection: %v\n", a.Body, a.ID.Lo, a.Peer == echo.Addr().AddrPort())
	// Output:
	// answer "ping" id 7 on the outbound connection: true
}
