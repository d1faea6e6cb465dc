package msgbroker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/errs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCenterFIFOPerType(t *testing.T) {
	c, err := NewCenter("center", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "center" {
		t.Errorf("Name = %q", c.Name())
	}
	diskErr := errors.New("EIO on /dev/sdb")
	for i := range 3 {
		if err := c.Produce(TypeWarn, fmt.Sprint("w", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Produce(TypeFatal, "disk gone", diskErr); err != nil {
		t.Fatal(err)
	}
	m, ok := c.Consume(TypeFatal)
	if !ok || m.Text != "disk gone" || !errors.Is(m.Err, diskErr) || m.Type != TypeFatal || m.Time.IsZero() {
		t.Errorf("Consume(fatal) = %+v, %v", m, ok)
	}
	if _, ok := c.Consume(TypeFatal); ok {
		t.Error("second Consume(fatal) found a message")
	}
	for i := range 3 {
		m, ok := c.Consume(TypeWarn)
		if !ok || m.Text != fmt.Sprint("w", i) {
			t.Fatalf("Consume(warn) #%d = %+v, %v", i, m, ok)
		}
	}
	if c.Len(TypeWarn) != 0 {
		t.Errorf("Len = %d", c.Len(TypeWarn))
	}
}

func TestCenterFullAndClosed(t *testing.T) {
	if _, err := NewCenter("x", Options{MaxQueued: -1}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("MaxQueued -1: %v", err)
	}
	c, _ := NewCenter("x", Options{MaxQueued: 2})
	_ = c.Produce(TypeWarn, "1", nil)
	_ = c.Produce(TypeWarn, "2", nil)
	if err := c.Produce(TypeWarn, "3", nil); !errors.Is(err, errs.ErrFull) {
		t.Errorf("third Produce = %v, want ErrFull", err)
	}
	if err := c.Produce(TypeFatal, "other type", nil); err != nil {
		t.Errorf("queues are per type: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	if err := c.Produce(TypeWarn, "late", nil); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("Produce after Close = %v", err)
	}
	// Queued messages survive Close.
	if m, err := c.Wait(context.Background(), TypeWarn); err != nil || m.Text != "1" {
		t.Errorf("Wait after Close = %+v, %v", m, err)
	}
	_, _ = c.Consume(TypeWarn)
	if _, err := c.Wait(context.Background(), TypeWarn); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("Wait on drained closed center = %v", err)
	}
}

func TestCenterWait(t *testing.T) {
	c, _ := NewCenter("x", Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Wait(ctx, TypeFatal); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait on empty = %v", err)
	}
	got := make(chan Msg)
	go func() {
		m, err := c.Wait(context.Background(), TypeFatal)
		if err != nil {
			t.Error(err)
		}
		got <- m
	}()
	_ = c.Produce(TypeWarn, "not for the waiter", nil)
	_ = c.Produce(TypeFatal, "wake up", nil)
	select {
	case m := <-got:
		if m.Text != "wake up" {
			t.Errorf("woke with %+v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait not woken")
	}
	// Close wakes a waiter.
	errc := make(chan error)
	go func() {
		_, err := c.Wait(context.Background(), TypeFatal)
		errc <- err
	}()
	time.Sleep(10 * time.Millisecond)
	_ = c.Close()
	if err := <-errc; !errors.Is(err, errs.ErrClosed) {
		t.Errorf("Wait across Close = %v", err)
	}
}

func TestCenterConcurrent(t *testing.T) {
	c, _ := NewCenter("x", Options{MaxQueued: 100000})
	const producers, each = 8, 500
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := c.Produce(TypeWarn, fmt.Sprintf("%d-%d", p, i), nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	got := make(chan map[string]int, 4)
	for range 4 {
		go func() {
			seen := map[string]int{}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			for {
				m, err := c.Wait(ctx, TypeWarn)
				if err != nil {
					got <- seen
					return
				}
				seen[m.Text]++
			}
		}()
	}
	wg.Wait()
	for c.Len(TypeWarn) > 0 {
		time.Sleep(time.Millisecond)
	}
	_ = c.Close()
	total := map[string]int{}
	for range 4 {
		for k, n := range <-got {
			total[k] += n
		}
	}
	if len(total) != producers*each {
		t.Fatalf("consumed %d distinct messages, want %d", len(total), producers*each)
	}
	for k, n := range total {
		if n != 1 {
			t.Fatalf("%s consumed %d times", k, n)
		}
	}
}

func TestSystemFatalAndClean(t *testing.T) {
	s, err := NewSystem("sys", Options{})
	if err != nil {
		t.Fatal(err)
	}
	const disk = "/home/disk1"
	if s.NeedStop(disk) {
		t.Error("NeedStop before any alert")
	}
	s.Warn(disk, "slow writes")
	if s.NeedStop(disk) {
		t.Error("a warning made the path stop")
	}
	s.Fatal(disk, "read-only filesystem", false)
	if s.NeedStop(disk) {
		t.Error("Fatal(stop=false) made the path stop")
	}
	s.Fatal(disk, "I/O error", true)
	if !s.NeedStop(disk) || s.NeedStop("/home/disk2") {
		t.Error("NeedStop not per path")
	}
	fat := s.FatalAlerts(disk)
	if len(fat) != 2 || fat[0].Text != "read-only filesystem" || fat[1].Text != "I/O error" || fat[1].Path != disk {
		t.Errorf("FatalAlerts = %+v", fat)
	}
	s.RegisterErr(disk, 7, "custom", errors.New("boom"))
	s.Clean(disk, TypeWarn)
	if len(s.FatalAlerts(disk)) != 0 || len(s.Messages(disk, 7)) != 0 {
		t.Error("Clean kept non-excluded messages")
	}
	if w := s.Messages(disk, TypeWarn); len(w) != 1 {
		t.Errorf("Clean removed excluded warnings: %v", w)
	}
	if s.NeedStop(disk) {
		t.Error("NeedStop after cleaning the fatal alerts")
	}
	s.Fatal(disk, "again", true)
	s.Clean(disk, TypeFatal)
	if !s.NeedStop(disk) || len(s.FatalAlerts(disk)) != 1 {
		t.Error("Clean excluding fatal must keep them and the stop flag")
	}
	s.Clean("/never/seen")
}

func TestSystemCallbacks(t *testing.T) {
	s, _ := NewSystem("sys", Options{})
	const p = "/data"
	var each []string
	if err := s.OnMessage(p, TypeWarn, func(m Msg) {
		each = append(each, m.Text)
		// Callbacks run outside the lock: calling back in is fine.
		_ = s.NeedStop(p)
	}); err != nil {
		t.Fatal(err)
	}
	var batches [][]Msg
	if err := s.OnCount(p, TypeFatal, 3, func(ms []Msg) { batches = append(batches, ms) }); err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		s.Fatal(p, fmt.Sprint("f", i), false)
	}
	s.Warn(p, "w0")
	s.Warn("/other", "not mine")
	s.Register(p, TypeWarn, "w1")
	if len(each) != 2 || each[0] != "w0" || each[1] != "w1" {
		t.Errorf("OnMessage saw %v", each)
	}
	if len(batches) != 2 || batches[0][0].Text != "f0" || batches[1][2].Text != "f5" {
		t.Errorf("OnCount batches %v", batches)
	}
	// Clean resets the pending count.
	s.Clean(p)
	s.Fatal(p, "x", false)
	s.Fatal(p, "y", false)
	if len(batches) != 2 {
		t.Errorf("OnCount fired across Clean: %v", batches)
	}
	if err := s.OnCount(p, TypeFatal, 0, func([]Msg) {}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("OnCount(0) = %v", err)
	}
	if err := s.OnMessage(p, TypeFatal, nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("OnMessage(nil) = %v", err)
	}
}

func TestSystemBoundedHistory(t *testing.T) {
	s, _ := NewSystem("sys", Options{MaxQueued: 3})
	for i := range 5 {
		s.Warn("/p", fmt.Sprint(i))
	}
	w := s.Messages("/p", TypeWarn)
	if len(w) != 3 || w[0].Text != "2" || s.Evicted("/p") != 2 || s.Evicted("/q") != 0 {
		t.Errorf("history %v, evicted %d", w, s.Evicted("/p"))
	}
	if _, err := NewSystem("x", Options{MaxQueued: -5}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("MaxQueued -5: %v", err)
	}
}

func TestSystemConcurrent(t *testing.T) {
	s, _ := NewSystem("sys", Options{MaxQueued: 100000})
	var mu sync.Mutex
	n := 0
	_ = s.OnMessage("/p", TypeWarn, func(Msg) { mu.Lock(); n++; mu.Unlock() })
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				s.Warn("/p", "w")
				_ = s.NeedStop("/p")
				_ = s.Messages("/p", TypeWarn)
			}
		}()
	}
	wg.Wait()
	if n != 1600 || len(s.Messages("/p", TypeWarn)) != 1600 {
		t.Errorf("callbacks %d, stored %d", n, len(s.Messages("/p", TypeWarn)))
	}
}

func TestOptionsNow(t *testing.T) {
	at := time.Date(2024, 1, 31, 10, 30, 0, 0, time.UTC)
	c, _ := NewCenter("x", Options{Now: func() time.Time { return at }})
	_ = c.Produce(TypeWarn, "", nil)
	if m, _ := c.Consume(TypeWarn); !m.Time.Equal(at) {
		t.Errorf("time %v", m.Time)
	}
	if TypeFatal.String() != "FATAL" || TypeWarn.String() != "WARN" || Type(9).String() != "Type(9)" {
		t.Error("Type.String")
	}
}
