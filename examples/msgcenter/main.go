// Command msgcenter shows package netasync, the Go port of CUP's
// cup.net.asyn message center: two centers on loopback, "ping" and
// "pong". Ping posts need-ack messages to pong; pong answers each one by
// posting an acknowledgement to ping's listening address (a second TCP
// connection, as CUP does), and ping's callbacks report the outcome.
//
//	go run ./examples/msgcenter
package main

import (
	"context"
	"fmt"
	"log"
	"net/netip"
	"sync"
	"time"

	"github.com/cupgo/cup/netasync"
)

const typePing netasync.MsgType = 100

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lo := netip.MustParseAddr("127.0.0.1")

	// Pong answers every ping with an ack carrying the same uniq_id.
	var pong *netasync.Center
	pong, err := netasync.NewCenter(netasync.Config{IP: lo, Handler: netasync.HandlerFunc(
		func(ctx context.Context, m *netasync.Message) {
			fmt.Printf("pong got %q (id %s) from %v\n", m.Body, m.ID.Hex0x(), m.From)
			ack := m.NewAck(netasync.TypeAckOK, append([]byte("re: "), m.Body...))
			if err := pong.Post(ctx, ack); err != nil {
				log.Printf("pong: answer: %v", err)
			}
		})})
	if err != nil {
		log.Fatal(err)
	}
	if err := pong.Start(); err != nil {
		log.Fatal(err)
	}

	// Ping prints the answers; acks are also matched to the pending need-ack
	// messages by (from ip, from port, id).
	ping, err := netasync.NewCenter(netasync.Config{IP: lo, AckCheckInterval: 100 * time.Millisecond,
		Handler: netasync.HandlerFunc(func(_ context.Context, m *netasync.Message) {
			fmt.Printf("ping got %q flag %d\n", m.Body, m.Flag)
		})})
	if err != nil {
		log.Fatal(err)
	}
	if err := ping.Start(); err != nil {
		log.Fatal(err)
	}

	ids, err := netasync.NewIDGenerator(lo, ping.Addr().Port)
	if err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, body := range []string{"hello", "world", "bye"} {
		m := netasync.NewMessage(ping.Addr(), pong.Addr(), typePing, ids.Next(), []byte(body))
		wg.Add(1)
		err := ping.PostNeedAck(ctx, m, time.Second, 5*time.Second, func(m *netasync.Message, acked bool, err error) {
			defer wg.Done()
			fmt.Printf("ping: %q acked=%v err=%v\n", m.Body, acked, err)
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	wg.Wait()

	for _, c := range []*netasync.Center{ping, pong} {
		if err := c.Stop(ctx); err != nil {
			log.Fatal(err)
		}
		s := c.Stats()
		fmt.Printf("%v: sent %d received %d dropped %d\n", c.Addr().AddrPort(), s.Sent, s.Received, s.Dropped)
	}
}
