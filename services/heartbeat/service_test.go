package heartbeat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/util/conf"
)

func newTestService(t *testing.T, lostAfter time.Duration, keepLost bool) (*Service, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	s, err := NewService(lostAfter, keepLost, WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	return s, clk
}

func TestNewServiceInvalid(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		if _, err := NewService(d, false); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("NewService(%v) error = %v, want ErrInvalidArgument", d, err)
		}
	}
}

// Checklist 20: a new key keeps the info it was refreshed with.
func TestRefreshStoresInfo(t *testing.T) {
	s, clk := newTestService(t, 5*time.Second, false)
	info := NewHostInfo("eth0", 51100)
	info.CPUIdle = 42
	joined, err := s.Refresh("a", &info)
	if err != nil || !joined {
		t.Fatalf("Refresh(new) = %v, %v; want joined", joined, err)
	}
	info.CPUIdle = 1 // the service keeps its own copy
	d, ok := s.Get("a")
	if !ok || d.Info == nil || d.Info.CPUIdle != 42 || d.Info.Port != 51100 {
		t.Fatalf("Get(a) = %+v, %v; want the refreshed info", d, ok)
	}
	first := d.LastHealthy
	clk.Advance(time.Second)
	joined, err = s.Refresh("a", nil)
	if err != nil || joined {
		t.Fatalf("Refresh(known, nil) = %v, %v; want not joined", joined, err)
	}
	d, _ = s.Get("a")
	if d.Info == nil || d.Info.CPUIdle != 42 {
		t.Errorf("Refresh(nil) replaced the info: %+v", d.Info)
	}
	if got := d.LastHealthy.Sub(first); got != time.Second {
		t.Errorf("LastHealthy moved by %v, want 1s", got)
	}
	other := NewHostInfo("eth1", 1)
	if _, err := s.Refresh("a", &other); err != nil {
		t.Fatal(err)
	}
	if d, _ = s.Get("a"); d.Info.Iface != "eth1" {
		t.Errorf("Refresh(info) did not replace: %+v", d.Info)
	}
	if _, err := s.Refresh("", nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("Refresh(\"\") error = %v, want ErrInvalidArgument", err)
	}
	if len(s.Active()) != 1 {
		t.Errorf("Active() = %d devices, want 1", len(s.Active()))
	}
}

// Checklist 21: strictly greater than lostAfter, reported once.
func TestCollectLostBoundary(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run("keepLost="+strconv.FormatBool(keep), func(t *testing.T) {
			s, clk := newTestService(t, 5*time.Second, keep)
			if _, err := s.Refresh("a", nil); err != nil {
				t.Fatal(err)
			}
			clk.Advance(5 * time.Second)
			if lost := s.CollectLost(); len(lost) != 0 {
				t.Fatalf("at +5s CollectLost = %v, want none", lost)
			}
			clk.Advance(time.Millisecond)
			lost := s.CollectLost()
			if len(lost) != 1 || lost[0].Name != "a" {
				t.Fatalf("at +5.001s CollectLost = %v, want [a]", lost)
			}
			if again := s.CollectLost(); len(again) != 0 {
				t.Errorf("second CollectLost = %v, want none", again)
			}
			if s.IsRegistered("a", false) {
				t.Error("IsRegistered(a, false) = true after loss")
			}
			if got := s.IsRegistered("a", true); got != keep {
				t.Errorf("IsRegistered(a, true) = %v, want %v", got, keep)
			}
			if got := len(s.Lost()); got != map[bool]int{false: 0, true: 1}[keep] {
				t.Errorf("len(Lost()) = %d", got)
			}
		})
	}
}

// Checklist 22: many lost at once, concurrently with refreshes.
func TestCollectLostConcurrent(t *testing.T) {
	s, clk := newTestService(t, time.Second, true)
	for i := range 1000 {
		if _, err := s.Refresh(fmt.Sprintf("dev%04d", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(2 * time.Second)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]int{}
	for g := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 50 {
				for _, d := range s.CollectLost() {
					mu.Lock()
					seen[d.Name]++
					mu.Unlock()
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := range 200 {
				if _, err := s.Refresh(fmt.Sprintf("live%d-%d", g, i), nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) != 1000 {
		t.Fatalf("%d devices reported lost, want 1000", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("%s reported %d times", k, n)
		}
	}
	if got := len(s.Active()); got != 800 {
		t.Errorf("Active() = %d, want the 800 fresh devices", got)
	}
}

// Checklist 23.
func TestLostDeviceComesBack(t *testing.T) {
	s, clk := newTestService(t, time.Second, true)
	_, _ = s.Refresh("a", nil)
	clk.Advance(2 * time.Second)
	if len(s.CollectLost()) != 1 {
		t.Fatal("a not lost")
	}
	joined, _ := s.Refresh("a", nil)
	if !joined {
		t.Error("refresh after loss: joined = false")
	}
	if !s.IsRegistered("a", false) || len(s.Lost()) != 0 {
		t.Errorf("a active=%v lost=%v, want active and not lost", s.IsRegistered("a", false), s.Lost())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// Checklist 24.
func TestCleanupLost(t *testing.T) {
	clk := newFakeClock()
	clk.now = time.Unix(1700000000, 250_000_000)
	s, err := NewService(time.Second, true, WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.Refresh("hostB", nil)
	clk.Advance(-3250 * time.Millisecond) // hostA heard from earlier
	_, _ = s.Refresh("hostA", nil)
	clk.Advance(3250 * time.Millisecond)
	_, _ = s.Refresh("hostB", nil) // hostB last heard at +3.25 s
	clk.Advance(10 * time.Second)
	if n := len(s.CollectLost()); n != 2 {
		t.Fatalf("lost %d, want 2", n)
	}
	if err := s.CleanupLost(failWriter{}); err == nil {
		t.Fatal("CleanupLost(failing writer) = nil")
	}
	if n := len(s.Lost()); n != 2 {
		t.Fatalf("after a failed write Lost() has %d, want 2 (unchanged)", n)
	}
	var buf bytes.Buffer
	if err := s.CleanupLost(&buf); err != nil {
		t.Fatal(err)
	}
	want := "[devices]\n" +
		"    lost_num:2\n" +
		"    [.@lost]\n" +
		"        key:hostA\n" +
		"        last_healthy:1699999997\n" +
		"    [.@lost]\n" +
		"        key:hostB\n" +
		"        last_healthy:1700000000.25\n"
	if buf.String() != want {
		t.Errorf("dump:\n%s\nwant:\n%s", buf.String(), want)
	}
	// It reads back with util/conf.
	root, err := conf.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("dump does not parse: %v", err)
	}
	if _, ok := root.GetSection("devices"); !ok {
		t.Error("parsed dump has no [devices]")
	}
	if n := len(s.Lost()); n != 0 {
		t.Errorf("after cleanup Lost() has %d", n)
	}
	buf.Reset()
	if err := s.CleanupLost(&buf); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "[devices]\n    lost_num:0\n" {
		t.Errorf("empty dump = %q", got)
	}
	// Without keepLost it is a no-op.
	s2, _ := newTestService(t, time.Second, false)
	buf.Reset()
	if err := s2.CleanupLost(&buf); err != nil || buf.Len() != 0 {
		t.Errorf("CleanupLost without keepLost wrote %q, %v", buf.String(), err)
	}
}

func TestSetLostAfter(t *testing.T) {
	s, clk := newTestService(t, 10*time.Second, false)
	_, _ = s.Refresh("a", nil)
	clk.Advance(2 * time.Second)
	if err := s.SetLostAfter(0); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("SetLostAfter(0) = %v", err)
	}
	if s.LostAfter() != 10*time.Second {
		t.Error("rejected SetLostAfter changed the timeout")
	}
	if err := s.SetLostAfter(time.Second); err != nil {
		t.Fatal(err)
	}
	if lost := s.CollectLost(); len(lost) != 1 {
		t.Errorf("after SetLostAfter(1s) lost = %v", lost)
	}
}

func TestWatch(t *testing.T) {
	s, clk := newTestService(t, time.Second, false)
	_, _ = s.Refresh("a", nil)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan []*Device, 1)
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx, 100*time.Millisecond, func(d []*Device) { got <- d }) }()
	for clk.Tickers() == 0 {
		time.Sleep(time.Millisecond)
	}
	clk.Advance(1100 * time.Millisecond)
	select {
	case d := <-got:
		if len(d) != 1 || d[0].Name != "a" {
			t.Errorf("onLost(%v)", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch never reported the lost device")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Watch = %v, want context.Canceled", err)
	}
	if err := s.Watch(context.Background(), 0, nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("Watch(0) = %v", err)
	}
}
