package netasync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

// echoReply answers m on its connection with Reply, From and To swapped.
func echoReply(t testing.TB, c **Center) Handler {
	return HandlerFunc(func(_ context.Context, m *Message) {
		r := Message{Flag: m.Flag, Type: m.Type, From: m.To, To: m.From, ID: m.ID, Body: m.Body}
		if err := (*c).Reply(m, &r); err != nil && !errors.Is(err, errs.ErrConnClosed) && !errors.Is(err, errs.ErrStopped) {
			t.Error(err)
		}
	})
}

// TestRecycleMessagesEcho: with RecycleMessages and Reply, pipelined
// frames (many per read, so replies are batched and queued copies
// recycled) come back complete and in order, on the event loop and on a
// dispatcher.
func TestRecycleMessagesEcho(t *testing.T) {
	for _, inline := range []bool{true, false} {
		t.Run(fmt.Sprintf("inline=%v", inline), func(t *testing.T) {
			var c *Center
			startInto(t, Config{InlineHandlers: inline, RecycleMessages: true, Handler: echoReply(t, &c)}, &c)
			rc := dialRaw(t, c)
			from := Addr{IP: loopback, Port: 9}
			const n = 3000
			frames := make([][]byte, n)
			var stream []byte
			for i := range n {
				frames[i] = fmt.Appendf(nil, "body %d %s", i, make([]byte, i%300))
				stream = appendFrame(stream, NewMessage(from, c.Addr(), 3, UniqID{Lo: uint64(i)}, frames[i]), i == 0)
			}
			go rc.Write(stream)
			d := NewDecoder(0)
			buf := make([]byte, 4096)
			got := 0
			rc.SetReadDeadline(time.Now().Add(30 * time.Second))
			for got < n {
				k, err := rc.Read(buf)
				if err != nil {
					t.Fatalf("after %d echos: %v", got, err)
				}
				err = d.Feed(buf[:k], func(m *Message) error {
					if m.ID.Lo != uint64(got) || string(m.Body) != string(frames[got]) || m.To != from {
						return fmt.Errorf("echo %d: %v", got, m)
					}
					got++
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestRecycledMessageNotPosted: a recycled message cannot be posted or
// used as a reply, its Clone can.
func TestRecycledMessageNotPosted(t *testing.T) {
	var c *Center
	errc := make(chan error, 3)
	startInto(t, Config{InlineHandlers: true, RecycleMessages: true, Handler: HandlerFunc(func(_ context.Context, m *Message) {
		errc <- c.Post(context.Background(), m)
		errc <- c.PostReply(m, m)
		cl := m.Clone()
		cl.From, cl.To = m.To, m.From
		errc <- c.PostReply(m, cl)
	})}, &c)
	rc := dialRaw(t, c)
	from := Addr{IP: loopback, Port: 9}
	if _, err := rc.Write(rawFrames(from, c.Addr(), 1, []byte("x"))); err != nil {
		t.Fatal(err)
	}
	for i, want := range []error{errs.ErrInvalidArgument, errs.ErrInvalidArgument, nil} {
		select {
		case err := <-errc:
			if !errors.Is(err, want) || (want == nil && err != nil) {
				t.Errorf("call %d: %v, want %v", i, err, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("handler not called")
		}
	}
	d := NewDecoder(0)
	buf := make([]byte, 256)
	rc.SetReadDeadline(time.Now().Add(30 * time.Second))
	k, err := rc.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := d.Feed(buf[:k], func(m *Message) error {
		n++
		if string(m.Body) != "x" || m.To != from {
			return fmt.Errorf("reply %v", m)
		}
		return nil
	}); err != nil || n != 1 {
		t.Fatalf("reply: %d frames, %v", n, err)
	}
}

// TestEchoAllocs is the allocation budget of the steady-state echo path
// (RecycleMessages, Reply): one round trip of a 1 KiB frame costs the
// center no allocation, on the event loop and through a dispatcher. The
// count is process-wide, so the client side (a raw net.Conn with fixed
// buffers) must not allocate either.
func TestEchoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, inline := range []bool{true, false} {
		t.Run(fmt.Sprintf("inline=%v", inline), func(t *testing.T) {
			var c *Center
			startInto(t, Config{InlineHandlers: inline, RecycleMessages: true, Handler: echoReply(t, &c)}, &c)
			rc := dialRaw(t, c)
			from := Addr{IP: loopback, Port: 9}
			body := make([]byte, 1024)
			first := appendFrame(nil, NewMessage(from, c.Addr(), 3, UniqID{}, body), true)
			later := appendFrame(nil, NewMessage(from, c.Addr(), 3, UniqID{}, body), false)
			reply := make([]byte, len(first))
			rc.SetDeadline(time.Now().Add(60 * time.Second))
			roundTrip := func(frame []byte, n int) {
				if _, err := rc.Write(frame); err != nil {
					t.Fatal(err)
				}
				if _, err := io.ReadFull(rc, reply[:n]); err != nil {
					t.Fatal(err)
				}
			}
			roundTrip(first, len(first))
			for range 200 { // warm the pools and buffers
				roundTrip(later, len(later))
			}
			if a := testing.AllocsPerRun(2000, func() { roundTrip(later, len(later)) }); a != 0 {
				t.Errorf("%v allocations per echo, want 0", a)
			}
		})
	}
}
