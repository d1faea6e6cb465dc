package bench

// The load generator of the netasync echo benchmarks. It runs in a child
// process (this test binary re-executed with CUP_MSGLOAD_ADDR set, see
// TestNetasyncLoadgen) so that the servers measured in the benchmark
// process do not share a Go scheduler with their clients: conns client
// connections, one goroutine each over net.Conn with the netasync codec,
// each sending its share of N CUP frames with 1 KiB bodies ping-pong
// (write one frame, wait for its echo), so the latency of every message
// is measured. It is bounded by N and by loadDeadline.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cupgo/cup/netasync"
)

const (
	loadBodySize = 1024
	loadDeadline = 30 * time.Second
)

// runLoad runs the child load generator for b.N round trips against addr
// over conns connections and reports ns/op and msgs/s (measured by the
// child once its connections are open), p99 latency, and the CPU time and
// RSS of this (the server's) process.
func runLoad(b *testing.B, addr netip.AddrPort, conns int) {
	b.Helper()
	b.StopTimer()
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	ctx, cancel := context.WithTimeout(context.Background(), loadDeadline+10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestNetasyncLoadgen$")
	cmd.Env = append(os.Environ(),
		"CUP_MSGLOAD_ADDR="+addr.String(),
		"CUP_MSGLOAD_CONNS="+strconv.Itoa(conns),
		"CUP_MSGLOAD_N="+strconv.Itoa(b.N))
	b.StartTimer()
	out, err := cmd.Output()
	b.StopTimer()
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	var elapsed, p99 int64
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "msgload "); ok {
			fmt.Sscan(rest, &elapsed, &p99)
		}
	}
	if err != nil || elapsed == 0 {
		b.Fatalf("load generator: %v\n%s", err, out)
	}
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(float64(elapsed)/float64(b.N), "ns/op")
	b.ReportMetric(float64(b.N)/time.Duration(elapsed).Seconds(), "msgs/s")
	b.ReportMetric(float64(p99)/1e3, "p99-µs")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "srv-cpu-µs/msg")
	b.ReportMetric(float64(rssKiB())/1024, "srv-rss-MiB")
}

// rssKiB returns VmRSS of this process.
func rssKiB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// TestNetasyncLoadgen is the child side of runLoad; without
// CUP_MSGLOAD_ADDR it does nothing.
func TestNetasyncLoadgen(t *testing.T) {
	addrS := os.Getenv("CUP_MSGLOAD_ADDR")
	if addrS == "" {
		t.Skip("load generator child of the netasync benchmarks")
	}
	addr := netip.MustParseAddrPort(addrS)
	conns, _ := strconv.Atoi(os.Getenv("CUP_MSGLOAD_CONNS"))
	n, _ := strconv.Atoi(os.Getenv("CUP_MSGLOAD_N"))
	elapsed, p99, err := load(addr, conns, n)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("msgload %d %d\n", elapsed.Nanoseconds(), p99.Nanoseconds())
}

type loadConn struct {
	c    net.Conn
	dec  *netasync.Decoder
	out  []byte
	in   []byte
	sent bool
	lat  []time.Duration
}

func load(addr netip.AddrPort, conns, total int) (elapsed, p99 time.Duration, err error) {
	lcs := make([]*loadConn, conns)
	defer func() {
		for _, lc := range lcs {
			if lc != nil {
				lc.c.Close()
			}
		}
	}()
	for i := range lcs {
		c, err := net.Dial("tcp4", addr.String())
		if err != nil {
			return 0, 0, fmt.Errorf("dial %d: %w", i, err)
		}
		lcs[i] = &loadConn{c: c, dec: netasync.NewDecoder(0), in: make([]byte, 16<<10)}
	}
	from := netasync.Addr{IP: netip.MustParseAddr("127.0.0.1"), Port: 1, Stub: 1, Future: 1}
	to := netasync.AddrFrom(addr, 1, 1)
	body := make([]byte, loadBodySize)
	ctx, cancel := context.WithTimeout(context.Background(), loadDeadline)
	defer cancel()

	start := time.Now()
	var wg sync.WaitGroup
	errc := make(chan error, conns)
	for i, lc := range lcs {
		n := total / conns
		if i < total%conns {
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
	elapsed = time.Since(start)
	close(errc)
	if err := <-errc; err != nil {
		return 0, 0, err
	}
	var lat []time.Duration
	for _, lc := range lcs {
		lat = append(lat, lc.lat...)
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		p99 = lat[len(lat)*99/100]
	}
	return elapsed, p99, nil
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
