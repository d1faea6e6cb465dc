package decorators

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/testutil"
	"github.com/cupgo/cup/log"
)

func TestSingletonConstructsOnce(t *testing.T) {
	var calls atomic.Int32
	type conn struct{ id int32 }
	get := Singleton(func() (*conn, error) {
		n := calls.Add(1)
		runtime.Gosched() // widen the window for racing first callers
		return &conn{id: n}, nil
	})
	const n = 100
	got := make([]*conn, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c, err := get()
			if err != nil {
				t.Errorf("get: %v", err)
			}
			got[i] = c
		}()
	}
	close(start)
	wg.Wait()
	if c := calls.Load(); c != 1 {
		t.Fatalf("constructor ran %d times, want 1", c)
	}
	for i, c := range got {
		if c != got[0] {
			t.Fatalf("caller %d got %p, caller 0 got %p", i, c, got[0])
		}
	}
}

func TestSingletonErrorIsNotCached(t *testing.T) {
	boom := errors.New("boom")
	var calls int
	get := Singleton(func() (int, error) {
		calls++
		if calls == 1 {
			return 7, boom
		}
		return 42, nil
	})
	v, err := get()
	if !errors.Is(err, boom) || v != 0 {
		t.Fatalf("first get = %v, %v; want 0, boom", v, err)
	}
	for range 3 {
		v, err = get()
		if err != nil || v != 42 {
			t.Fatalf("later get = %v, %v; want 42, nil", v, err)
		}
	}
	if calls != 2 {
		t.Errorf("constructor ran %d times, want 2", calls)
	}
}

func TestSingletonPanicRetries(t *testing.T) {
	var calls int
	get := Singleton(func() (string, error) {
		calls++
		if calls == 1 {
			panic("first")
		}
		return "ok", nil
	})
	func() {
		defer func() {
			if r := recover(); r != "first" {
				t.Fatalf("recovered %v, want first", r)
			}
		}()
		_, _ = get()
	}()
	// The lock must have been released by the panicking call.
	if v, err := get(); v != "ok" || err != nil {
		t.Fatalf("get after panic = %q, %v", v, err)
	}
}

func TestMustSingleton(t *testing.T) {
	var calls atomic.Int32
	get := MustSingleton(func() []int { calls.Add(1); return []int{1} })
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); _ = get() }()
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Errorf("constructor ran %d times", calls.Load())
	}
}

func TestSingletonNilPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Singleton(nil) did not panic")
		}
	}()
	Singleton[int](nil)
}

func TestPlatformGuards(t *testing.T) {
	guards := []struct {
		name string
		fn   func() error
		ok   bool
		text string
	}{
		{"NeedLinux", NeedLinux, runtime.GOOS == "linux", "not linux"},
		{"NeedMac", NeedMac, runtime.GOOS == "darwin", "not macOS"},
		{"NeedWindows", NeedWindows, runtime.GOOS == "windows", "not windows"},
		{"NeedPosix", NeedPosix, runtime.GOOS != "windows" && runtime.GOOS != "plan9" && runtime.GOOS != "js" && runtime.GOOS != "wasip1", "not posix"},
	}
	for _, g := range guards {
		t.Run(g.name, func(t *testing.T) {
			err := g.fn()
			if g.ok {
				if err != nil {
					t.Fatalf("%s() = %v on %s, want nil", g.name, err, runtime.GOOS)
				}
				return
			}
			if !errors.Is(err, errs.ErrNotSupported) {
				t.Fatalf("%s() = %v, want ErrNotSupported", g.name, err)
			}
			if !strings.Contains(err.Error(), g.text) || !strings.HasPrefix(err.Error(), "cup: ") {
				t.Errorf("%s() text %q, want cup: prefix and %q", g.name, err, g.text)
			}
		})
	}
}

var loggerSeq atomic.Int32

// newLogger returns a cup logger writing into a buffer.
func newLogger(t *testing.T) (*log.Logger, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	l, err := log.New(fmt.Sprintf("decorators-test-%d", loggerSeq.Add(1)), log.Options{Output: buf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, buf
}

type syncBuffer = testutil.SyncBuffer

var (
	enterRe = regexp.MustCompile(`(?m)^INFO:\t \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \* \[\d+:[0-9a-f]+\] \[decorators_test\.go:\d+\] \*\*enter func:f, msg:in$`)
	leaveRe = regexp.MustCompile(`(?m)^INFO:\t .* \[decorators_test\.go:\d+\] \*\*leave func:f, used_time:\d+\.\d{6}, msg:out$`)
)

func TestTraceKeepsResults(t *testing.T) {
	l, buf := newLogger(t)
	o := TraceOptions{EnterMsg: "in", LeaveMsg: "out", Logger: l}
	want := errors.New("fn failed")
	v, err := Trace("f", o, func() (int, error) { return 5, want })
	if v != 5 || err != want {
		t.Fatalf("Trace = %v, %v; want 5, %v", v, err, want)
	}
	out := buf.String()
	if !enterRe.MatchString(out) || !leaveRe.MatchString(out) {
		t.Fatalf("log does not show the enter/leave lines at this file:\n%s", out)
	}
	if strings.Index(out, "**enter") > strings.Index(out, "**leave") {
		t.Errorf("leave logged before enter:\n%s", out)
	}
	if strings.Contains(out, "trace.go") {
		t.Errorf("source location points into the package:\n%s", out)
	}
}

func TestTraceUsedTimeDefer(t *testing.T) {
	l, buf := newLogger(t)
	o := TraceOptions{EnterMsg: "in", LeaveMsg: "out", Logger: l}
	func() {
		defer TraceUsedTime("f", o)()
		if strings.Contains(buf.String(), "**leave") {
			t.Error("leave logged before the function returned")
		}
	}()
	out := buf.String()
	if !enterRe.MatchString(out) || !leaveRe.MatchString(out) {
		t.Fatalf("log does not show the enter/leave lines:\n%s", out)
	}
}

func TestTracePrint(t *testing.T) {
	l, _ := newLogger(t)
	var stdout bytes.Buffer
	o := TraceOptions{Print: true, Out: &stdout, EnterMsg: "in", LeaveMsg: "out", Logger: l}
	TraceFunc("f", o, func() {})
	ts := `\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}`
	want := regexp.MustCompile(`^\*\*enter func:f,time:` + ts + `, msg:in\n` +
		`\*\*leave func:f, time:` + ts + `, used_time:\d+\.\d{6}, msg:out\n$`)
	if !want.MatchString(stdout.String()) {
		t.Errorf("printed:\n%s\nwant to match %s", stdout.String(), want)
	}
}

func TestTracePanicStillLogsLeave(t *testing.T) {
	l, buf := newLogger(t)
	o := TraceOptions{EnterMsg: "in", LeaveMsg: "out", Logger: l}
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		_, _ = Trace("f", o, func() (int, error) { panic("kaboom") })
		t.Error("Trace returned normally from a panicking fn")
	}()
	if recovered != "kaboom" {
		t.Fatalf("recovered %v, want the original panic value", recovered)
	}
	if !leaveRe.MatchString(buf.String()) {
		t.Fatalf("leave line missing after panic:\n%s", buf.String())
	}
}

// plainLogger has only Info, so Trace cannot pass a depth to it.
type plainLogger struct{ lines []string }

func (p *plainLogger) Info(format string, args ...any) {
	p.lines = append(p.lines, fmt.Sprintf(format, args...))
}

func TestTraceWithPlainInfoLogger(t *testing.T) {
	p := &plainLogger{}
	TraceFunc("f", TraceOptions{EnterMsg: "50% in", LeaveMsg: "out"}, func() {})
	// The zero Logger goes to log.Default(); with p it goes to p.
	TraceFunc("g", TraceOptions{EnterMsg: "50% in", LeaveMsg: "out", Logger: p}, func() {})
	if len(p.lines) != 2 {
		t.Fatalf("got %d lines: %q", len(p.lines), p.lines)
	}
	if p.lines[0] != "**enter func:g, msg:50% in" {
		t.Errorf("enter line %q (a %% in the message must survive)", p.lines[0])
	}
	if !regexp.MustCompile(`^\*\*leave func:g, used_time:\d+\.\d{6}, msg:out$`).MatchString(p.lines[1]) {
		t.Errorf("leave line %q", p.lines[1])
	}
}
