package bench

// A bounded load generator for the netasync echo benchmarks: conns
// client connections (one goroutine each, plain net.Conn and the netasync
// codec), each sending its share of b.N CUP frames with 1 KiB bodies and
// waiting for the echo before sending the next (ping-pong), so the
// latency of every message is measured. It stops after b.N messages or
// loadDeadline, whichever comes first (the benchmark fails on the
// deadline).

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cupgo/cup/netasync"
)

const (
	loadBodySize = 1024
	loadDeadline = 30 * time.Second
)

type loadConn struct {
	c    net.Conn
	dec  *netasync.Decoder
	out  []byte
	in   []byte
	sent bool
	lat  []time.Duration
}

// runLoad drives b.N echo round trips against addr over conns
// connections and reports msgs/s and p99 latency.
func runLoad(b *testing.B, addr netip.AddrPort, conns int) {
	b.Helper()
	lcs := make([]*loadConn, conns)
	for i := range lcs {
		c, err := net.Dial("tcp4", addr.String())
		if err != nil {
			b.Fatalf("dial %d: %v", i, err)
		}
		lcs[i] = &loadConn{c: c, dec: netasync.NewDecoder(0), in: make([]byte, 16<<10)}
	}
	defer func() {
		for _, lc := range lcs {
			lc.c.Close()
		}
	}()
	from := netasync.Addr{IP: netip.MustParseAddr("127.0.0.1"), Port: 1, Stub: 1, Future: 1}
	to := netasync.AddrFrom(addr, 1, 1)
	body := make([]byte, loadBodySize)
	ctx, cancel := context.WithTimeout(context.Background(), loadDeadline)
	defer cancel()

	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	errc := make(chan error, conns)
	for i, lc := range lcs {
		n := b.N / conns
		if i < b.N%conns {
			n++
		}
		if n == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := lc.pingPong(ctx, from, to, body, n); err != nil {
				errc <- err
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errc)
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	for _, lc := range lcs {
		lat = append(lat, lc.lat...)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
}

func (lc *loadConn) pingPong(ctx context.Context, from, to netasync.Addr, body []byte, n int) error {
	dl, _ := ctx.Deadline()
	lc.c.SetDeadline(dl)
	lc.lat = make([]time.Duration, 0, n)
	m := netasync.NewMessage(from, to, 3, netasync.UniqID{}, body)
	for i := 0; i < n; i++ {
		m.ID.Lo = uint64(i)
		var err error
		if lc.out, err = netasync.AppendFrame(lc.out[:0], m, !lc.sent); err != nil {
			return err
		}
		lc.sent = true
		t0 := time.Now()
		if _, err := lc.c.Write(lc.out); err != nil {
			return err
		}
		got := false
		for !got {
			k, err := lc.c.Read(lc.in)
			if err != nil {
				return err
			}
			err = lc.dec.Feed(lc.in[:k], func(r *netasync.Message) error {
				if r.ID.Lo != uint64(i) || len(r.Body) != len(body) {
					return errors.New("wrong echo")
				}
				got = true
				return nil
			})
			if err != nil {
				return err
			}
		}
		lc.lat = append(lc.lat, time.Since(t0))
	}
	return nil
}
