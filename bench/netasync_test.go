package bench

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/netasync"
)

// BenchmarkEcho100 and BenchmarkEcho1000: CUP-framed echo with 1 KiB
// bodies on loopback at 100 and 1 000 connections (ping-pong, see
// runLoad). Servers: "cup" is a netasync.Center answering with Reply on
// the arriving connection (handler on the event loop, received messages
// recycled),
// "gnet" a gnet v2 server decoding and encoding with the same netasync
// codec in OnTraffic, "goroutine" a goroutine-per-connection net server
// with the same codec. All three run in this process beside the load
// generator.
func BenchmarkEcho100(b *testing.B)  { benchEcho(b, 100) }
func BenchmarkEcho1000(b *testing.B) { benchEcho(b, 1000) }

func benchEcho(b *testing.B, conns int) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		addr, stop := cupEcho(b, true)
		defer stop()
		runLoad(b, addr, conns)
	})
	b.Run("gnet", func(b *testing.B) {
		b.ReportAllocs()
		addr, stop := gnetEcho(b)
		defer stop()
		runLoad(b, addr, conns)
	})
	b.Run("goroutine", func(b *testing.B) {
		b.ReportAllocs()
		addr, stop := goroutineEcho(b)
		defer stop()
		runLoad(b, addr, conns)
	})
}

func cupEcho(b *testing.B, inline bool) (netip.AddrPort, func()) {
	var c *netasync.Center
	c, err := netasync.NewCenter(netasync.Config{
		IP: netip.MustParseAddr("127.0.0.1"), InlineHandlers: inline, RecycleMessages: true,
		Handler: netasync.HandlerFunc(func(_ context.Context, m *netasync.Message) {
			r := netasync.Message{Flag: m.Flag, Type: m.Type, From: m.To, To: m.From, ID: m.ID, Body: m.Body}
			if err := c.Reply(m, &r); err != nil && !errors.Is(err, errs.ErrConnClosed) {
				b.Error(err)
			}
		}),
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	return c.Addr().AddrPort(), func() { c.Close() }
}

// echoState is the per-connection state of the gnet and goroutine
// servers: a decoder, the reply buffer and whether the magic went out.
type echoState struct {
	dec  *netasync.Decoder
	out  []byte
	sent bool
}

func (st *echoState) feed(p []byte) error {
	st.out = st.out[:0]
	return st.dec.Feed(p, func(m *netasync.Message) error {
		r := *m
		r.From, r.To = m.To, m.From
		var err error
		st.out, err = netasync.AppendFrame(st.out, &r, !st.sent)
		st.sent = true
		return err
	})
}

type gnetServer struct {
	gnet.BuiltinEventEngine
	eng    gnet.Engine
	booted chan struct{}
}

func (s *gnetServer) OnBoot(eng gnet.Engine) gnet.Action {
	s.eng = eng
	close(s.booted)
	return gnet.None
}

func (s *gnetServer) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	c.SetContext(&echoState{dec: netasync.NewDecoder(0)})
	return nil, gnet.None
}

func (s *gnetServer) OnTraffic(c gnet.Conn) gnet.Action {
	st := c.Context().(*echoState)
	buf, _ := c.Next(-1)
	if err := st.feed(buf); err != nil {
		return gnet.Close
	}
	if len(st.out) > 0 {
		c.Write(st.out)
	}
	return gnet.None
}

func freePort(b *testing.B) netip.AddrPort {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return netip.MustParseAddrPort(ln.Addr().String())
}

func gnetEcho(b *testing.B) (netip.AddrPort, func()) {
	addr := freePort(b)
	s := &gnetServer{booted: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		done <- gnet.Run(s, "tcp4://"+addr.String(), gnet.WithMulticore(true), gnet.WithTCPNoDelay(gnet.TCPNoDelay), gnet.WithLogger(quietLogger{}))
	}()
	select {
	case <-s.booted:
	case err := <-done:
		b.Fatal(err)
	}
	return addr, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.eng.Stop(ctx)
		<-done
	}
}

func goroutineEcho(b *testing.B) (netip.AddrPort, func()) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			open[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				st := &echoState{dec: netasync.NewDecoder(0)}
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						if st.feed(buf[:n]) != nil {
							return
						}
						if _, err := c.Write(st.out); err != nil {
							return
						}
					}
					if err != nil {
						if !errors.Is(err, io.EOF) {
							return
						}
						return
					}
				}
			}()
		}
	}()
	return netip.MustParseAddrPort(ln.Addr().String()), func() {
		ln.Close()
		mu.Lock()
		for c := range open {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}
}

// quietLogger discards gnet's log lines.
type quietLogger struct{}

func (quietLogger) Debugf(string, ...any) {}
func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Fatalf(string, ...any) {}
