package executor

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone %s not available: %v", name, err)
	}
	return loc
}

func TestCronNext(t *testing.T) {
	sh := mustLoad(t, "Asia/Shanghai")
	after := time.Date(2024, 1, 31, 10, 30, 0, 0, sh) // a Wednesday
	d := func(y int, m time.Month, dd, h, mi int) time.Time { return time.Date(y, m, dd, h, mi, 0, 0, sh) }
	tests := []struct {
		name  string
		spec  CronSpec
		after time.Time
		want  time.Time // zero: no time
	}{
		{"every minute", CronSpec{}, after, d(2024, 1, 31, 10, 31)},
		{"hourly", CronSpec{Minutes: []int{0}}, after, d(2024, 1, 31, 11, 0)},
		{"daily 20:00", CronSpec{Minutes: []int{0}, Hours: []int{20}}, after, d(2024, 1, 31, 20, 0)},
		{"daily 09:15", CronSpec{Minutes: []int{15}, Hours: []int{9}}, after, d(2024, 2, 1, 9, 15)},
		{"weekdays 20:00", CronSpec{Minutes: []int{0}, Hours: []int{20}, Weekdays: []int{1, 2, 3, 4, 5}}, after, d(2024, 1, 31, 20, 0)},
		{"saturday 08:05", CronSpec{Minutes: []int{5}, Hours: []int{8}, Weekdays: []int{6}}, after, d(2024, 2, 3, 8, 5)},
		{"1st of month", CronSpec{Minutes: []int{0}, Hours: []int{0}, Monthdays: []int{1}}, after, d(2024, 2, 1, 0, 0)},
		{"31st", CronSpec{Minutes: []int{0}, Hours: []int{0}, Monthdays: []int{31}}, after, d(2024, 3, 31, 0, 0)},
		{"feb 30", CronSpec{Months: []int{2}, Monthdays: []int{30}}, after, time.Time{}},
		{"1st and monday", CronSpec{Minutes: []int{0}, Hours: []int{0}, Monthdays: []int{1}, Weekdays: []int{1}}, after, d(2024, 4, 1, 0, 0)},
		{"1st/3rd of jan/jul 20:00", CronSpec{Minutes: []int{0}, Hours: []int{20}, Monthdays: []int{1, 3}, Months: []int{1, 7}}, after, d(2024, 7, 1, 20, 0)},
		{"10:30 excludes current minute", CronSpec{Minutes: []int{30}, Hours: []int{10}}, after, d(2024, 2, 1, 10, 30)},
		{"10:31", CronSpec{Minutes: []int{31}, Hours: []int{10}}, after, d(2024, 1, 31, 10, 31)},
		{"seconds ignored", CronSpec{Minutes: []int{31}, Hours: []int{10}}, after.Add(59 * time.Second), d(2024, 1, 31, 10, 31)},
		{"feb 29", CronSpec{Minutes: []int{0}, Hours: []int{0}, Monthdays: []int{29}, Months: []int{2}}, after, d(2024, 2, 29, 0, 0)},
		{"feb 29 from 2025", CronSpec{Minutes: []int{0}, Hours: []int{0}, Monthdays: []int{29}, Months: []int{2}}, d(2025, 3, 1, 0, 0), d(2028, 2, 29, 0, 0)},
		{"unsorted duplicates", CronSpec{Minutes: []int{45, 5, 5}, Hours: []int{11, 10}}, after, d(2024, 1, 31, 10, 45)},
		{"invalid", CronSpec{Minutes: []int{60}}, after, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.spec.Next(tt.after)
			if ok != !tt.want.IsZero() || (ok && !got.Equal(tt.want)) {
				t.Fatalf("Next(%v) = %v, %v; want %v", tt.after, got, ok, tt.want)
			}
			if ok && got.Location() != sh {
				t.Fatalf("result in %v, want the input's zone", got.Location())
			}
		})
	}
}

func TestCronNextDST(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	tests := []struct {
		name  string
		spec  CronSpec
		after time.Time
		want  time.Time
	}{
		// 2024-03-10 02:00 EST jumps to 03:00 EDT: 02:30 does not exist.
		{"spring gap skipped", CronSpec{Minutes: []int{30}, Hours: []int{2}}, time.Date(2024, 3, 9, 12, 0, 0, 0, ny),
			time.Date(2024, 3, 9, 7, 30, 0, 0, time.UTC).Add(24 * time.Hour)},
		{"spring gap, next day", CronSpec{Minutes: []int{30}, Hours: []int{2}}, time.Date(2024, 3, 10, 0, 0, 0, 0, ny),
			time.Date(2024, 3, 11, 6, 30, 0, 0, time.UTC)},
		{"hourly across gap", CronSpec{Minutes: []int{30}}, time.Date(2024, 3, 10, 1, 45, 0, 0, ny),
			time.Date(2024, 3, 10, 7, 30, 0, 0, time.UTC)}, // 03:30 EDT
		// 2024-11-03 02:00 EDT falls back to 01:00 EST: 01:30 happens twice.
		{"overlap first occurrence", CronSpec{Minutes: []int{30}, Hours: []int{1}}, time.Date(2024, 11, 3, 0, 0, 0, 0, ny),
			time.Date(2024, 11, 3, 5, 30, 0, 0, time.UTC)},
		{"overlap fires once", CronSpec{Minutes: []int{30}, Hours: []int{1}}, time.Date(2024, 11, 3, 5, 30, 0, 0, time.UTC).In(ny),
			time.Date(2024, 11, 4, 6, 30, 0, 0, time.UTC)},
		{"from second occurrence", CronSpec{Minutes: []int{30}}, time.Date(2024, 11, 3, 6, 10, 0, 0, time.UTC).In(ny),
			time.Date(2024, 11, 3, 7, 30, 0, 0, time.UTC)}, // 02:30 EST
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "spring gap skipped" {
				tt.want = time.Date(2024, 3, 11, 6, 30, 0, 0, time.UTC)
			}
			got, ok := tt.spec.Next(tt.after)
			if !ok || !got.Equal(tt.want) {
				t.Fatalf("Next(%v) = %v, %v; want %v", tt.after, got, ok, tt.want.In(ny))
			}
		})
	}
}

func TestCronValidate(t *testing.T) {
	bad := []CronSpec{
		{Minutes: []int{}},
		{Minutes: []int{60}},
		{Hours: []int{24}},
		{Weekdays: []int{0}},
		{Weekdays: []int{8}},
		{Monthdays: []int{0}},
		{Months: []int{13}},
		{Minutes: []int{-1}},
	}
	for _, c := range bad {
		if err := c.Validate(); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("Validate(%v) = %v", c, err)
		}
	}
	if err := (CronSpec{Minutes: []int{0, 59}, Weekdays: []int{1, 7}}).Validate(); err != nil {
		t.Error(err)
	}
	if s := (CronSpec{Minutes: []int{0}, Monthdays: []int{1, 3}}).String(); s != "minute=[0] hour=* weekday=* monthday=[1 3] month=*" {
		t.Errorf("String = %q", s)
	}
}

// TestCronDSTRuns drives a Cron through both DST changes of 2024 in New
// York with an injected clock; every run fails or panics, and the schedule
// goes on.
func TestCronDSTRuns(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	l, logged := testLogger(t)
	clk := newFakeClock(time.Date(2024, 3, 8, 12, 0, 0, 0, ny))
	c, err := NewCron(2, WithClock(clk), WithLogger(l), WithName("dst"))
	if err != nil {
		t.Fatal(err)
	}
	runs := make(chan time.Time, 10)
	var n atomic.Int32
	task := &CronTask{Name: "nightly", Loc: ny, Spec: CronSpec{Minutes: []int{30}, Hours: []int{1, 2}},
		Run: func(context.Context) error {
			runs <- clk.Now()
			if n.Add(1)%2 == 0 {
				panic("even runs panic")
			}
			return errors.New("odd runs fail")
		}}
	if err := c.Schedule(task); err != nil {
		t.Fatal(err)
	}
	if len(task.ID) != 32 {
		t.Fatalf("generated id %q", task.ID)
	}
	if err := c.Schedule(&CronTask{ID: task.ID, Spec: CronSpec{}, Run: task.Run}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("duplicate id: %v", err)
	}
	step := func() time.Time {
		t.Helper()
		var next time.Time
		waitFor(t, "next run armed", func() bool {
			var ok bool
			next, ok = c.NextRun(task.ID)
			return ok
		})
		clk.AdvanceTo(next)
		select {
		case at := <-runs:
			return at
		case <-time.After(20 * time.Second):
			t.Fatal("run did not happen")
		}
		return time.Time{}
	}
	utc := func(m time.Month, d, h, mi int) time.Time { return time.Date(2024, m, d, h, mi, 0, 0, time.UTC) }
	want := []time.Time{
		utc(3, 9, 6, 30), utc(3, 9, 7, 30), // 01:30, 02:30 EST
		utc(3, 10, 6, 30),                    // 01:30 EST; 02:30 does not exist on the 10th
		utc(3, 11, 5, 30), utc(3, 11, 6, 30), // 01:30, 02:30 EDT
	}
	for i, w := range want {
		if got := step(); !got.Equal(w) {
			t.Fatalf("spring run %d at %v, want %v", i, got.In(ny), w.In(ny))
		}
	}
	// Jump to the autumn change.
	c.Cancel(task.ID)
	clk.AdvanceTo(time.Date(2024, 11, 2, 12, 0, 0, 0, ny))
	task.ID = ""
	if err := c.Schedule(task); err != nil {
		t.Fatal(err)
	}
	want = []time.Time{
		utc(11, 3, 5, 30), // 01:30 EDT, first occurrence; 01:30 EST is not repeated
		utc(11, 3, 7, 30), // 02:30 EST
		utc(11, 4, 6, 30), utc(11, 4, 7, 30),
	}
	for i, w := range want {
		if got := step(); !got.Equal(w) {
			t.Fatalf("autumn run %d at %v, want %v", i, got.In(ny), w.In(ny))
		}
	}
	if tasks := c.Tasks(); len(tasks) != 1 || tasks[0] != task {
		t.Fatalf("Tasks() = %v", tasks)
	}
	rep := mustStop(t, c)
	if rep.CancelledDelayed != 1 {
		t.Fatalf("report %+v", rep)
	}
	if err := c.Schedule(&CronTask{Run: task.Run}); !errors.Is(err, ErrStopped) {
		t.Fatalf("Schedule after Stop: %v", err)
	}
	if out := logged.String(); !contains(out, "odd runs fail") || !contains(out, "even runs panic") {
		t.Fatalf("failures not logged:\n%s", out)
	}
}

func contains(s, sub string) bool { return len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0) }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestCronNoOverlapAndCancel(t *testing.T) {
	clk := newFakeClock(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	l, logged := testLogger(t)
	c, _ := NewCron(4, WithClock(clk), WithLogger(l))
	var running, maxRunning, runs atomic.Int32
	gate := make(chan struct{})
	var once sync.Once
	task := &CronTask{Name: "slow", Loc: time.UTC, Spec: CronSpec{}, Run: func(context.Context) error {
		if r := running.Add(1); r > maxRunning.Load() {
			maxRunning.Store(r)
		}
		defer running.Add(-1)
		runs.Add(1)
		once.Do(func() { <-gate })
		return nil
	}}
	if err := c.Schedule(task); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute) // first run starts and blocks
	waitFor(t, "first run", func() bool { return runs.Load() == 1 })
	clk.Advance(5 * time.Minute) // no second run while the first is running
	time.Sleep(20 * time.Millisecond)
	if runs.Load() != 1 {
		t.Fatalf("overlapping run: %d", runs.Load())
	}
	close(gate)
	// Rescheduled from the completion time (00:06): next at 00:07.
	waitFor(t, "rearm", func() bool { _, ok := c.NextRun(task.ID); return ok })
	if next, _ := c.NextRun(task.ID); !next.Equal(time.Date(2024, 1, 1, 0, 7, 0, 0, time.UTC)) {
		t.Fatalf("next run %v", next)
	}
	clk.Advance(time.Minute)
	waitFor(t, "second run", func() bool { return runs.Load() == 2 })
	waitFor(t, "rearm", func() bool { _, ok := c.NextRun(task.ID); return ok })
	if contains(logged.String(), "lagging") {
		t.Fatalf("punctual run logged as lagging:\n%s", logged.String())
	}
	if !c.Cancel(task.ID) || c.Cancel(task.ID) {
		t.Fatal("Cancel results wrong")
	}
	if _, ok := c.Task(task.ID); ok {
		t.Fatal("cancelled task still registered")
	}
	clk.Advance(time.Hour)
	time.Sleep(20 * time.Millisecond)
	if runs.Load() != 2 || maxRunning.Load() != 1 {
		t.Fatalf("runs %d, max concurrent %d", runs.Load(), maxRunning.Load())
	}
	if err := c.Schedule(&CronTask{Spec: CronSpec{Months: []int{2}, Monthdays: []int{30}}, Run: task.Run}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("never-matching spec: %v", err)
	}
	if err := c.Schedule(&CronTask{Spec: CronSpec{Hours: []int{}}, Run: task.Run}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("invalid spec: %v", err)
	}
	if rep := mustStop(t, c); rep.CancelledDelayed != 0 {
		t.Fatalf("report %+v", rep)
	}
}

func TestCronLagging(t *testing.T) {
	clk := newFakeClock(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	l, logged := testLogger(t)
	c, _ := NewCron(1, WithClock(clk), WithLogger(l))
	gate, blocked, late := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var once sync.Once
	_ = c.Schedule(&CronTask{Name: "blocker", Loc: time.UTC, Run: func(context.Context) error {
		once.Do(func() { close(blocked); <-gate })
		return nil
	}})
	_ = c.Schedule(&CronTask{Name: "late", Loc: time.UTC, Spec: CronSpec{Minutes: []int{1}}, Run: func(context.Context) error {
		close(late)
		return nil
	}})
	clk.Advance(time.Minute) // both due at 00:01; the one worker runs "blocker"
	<-blocked
	clk.Advance(2 * time.Minute) // "late" waits in the queue
	close(gate)
	select {
	case <-late:
	case <-time.After(20 * time.Second):
		t.Fatal("late task never ran")
	}
	mustStop(t, c)
	if !contains(logged.String(), "lagging crontask found (name:late") {
		t.Fatalf("no lagging warning:\n%s", logged.String())
	}
}
