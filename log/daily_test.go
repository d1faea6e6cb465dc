package log_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
	cuplog "github.com/cupgo/cup/log"
)

// fakeClock is a settable Clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func TestDailyRotation(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "d.log")
	clk := &fakeClock{t: time.Date(2026, 1, 30, 23, 59, 59, 0, time.Local)}
	l, err := cuplog.New("daily", cuplog.Options{File: f, Mode: cuplog.Daily, MaxBackups: 2, MaxSize: 10, Clock: clk, WarnFile: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Info("day 30 a")
	l.Info("day 30 b") // MaxSize is ignored in Daily mode
	clk.Set(time.Date(2026, 1, 31, 0, 0, 0, 0, time.Local))
	l.Info("day 31")
	l.Warn("day 31 warn")
	clk.Set(time.Date(2026, 2, 1, 12, 0, 0, 0, time.Local))
	l.Info("feb 1")
	clk.Set(time.Date(2026, 2, 3, 8, 0, 0, 0, time.Local)) // a day without records
	l.Info("feb 3")

	want := map[string][]string{
		"d.log.20260130": nil, // pruned: MaxBackups 2
		"d.log.20260131": {"day 31"},
		"d.log.20260201": {"feb 1"},
		"d.log":          {"feb 3"},
	}
	for name, w := range want {
		got := msgs(t, filepath.Join(dir, name))
		if !slices.Equal(got, w) {
			t.Errorf("%s: %q, want %q", name, got, w)
		}
	}
	// Line times come from the clock.
	lines := readLines(t, f)
	if e, _ := cuplog.Parse(lines[0]); e.Date != "2026-02-03" || e.Time != "08:00:00,000" {
		t.Errorf("line time %s %s", e.Date, e.Time)
	}
	// The .wf file rolls over by day too: its day-31 line is in its
	// backup once a later warning arrives.
	l.Warn("feb 3 warn")
	if got := msgs(t, f+".wf.20260131"); !slices.Equal(got, []string{"day 31 warn"}) {
		t.Errorf(".wf backup %q", got)
	}
	names := listDir(t, dir)
	if slices.ContainsFunc(names, func(n string) bool { return strings.HasSuffix(n, ".20260130") }) {
		t.Errorf("oldest backup not pruned: %q", names)
	}
}

func TestDailyNameTaken(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "d.log")
	if err := os.WriteFile(f+".20260130", []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Date(2026, 1, 30, 10, 0, 0, 0, time.Local)}
	l, err := cuplog.New("daily", cuplog.Options{File: f, Mode: cuplog.Daily, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Info("a")
	clk.Set(clk.Now().Add(24 * time.Hour))
	l.Info("b")
	if got := msgs(t, f+".20260130.1"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("%q", got)
	}
	if data, _ := os.ReadFile(f + ".20260130"); string(data) != "old\n" {
		t.Errorf("existing backup overwritten: %q", data)
	}
}

func TestModeValues(t *testing.T) {
	dir := fresh(t)
	for _, m := range []cuplog.Mode{3, 7, -1} {
		if _, err := cuplog.New("m", cuplog.Options{File: filepath.Join(dir, "f"), Mode: m}); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("mode %d: %v", m, err)
		}
	}
}
