package executor

import (
	"slices"
	"time"

	"github.com/cupgo/cup/errs"
)

// CronSpec selects wall-clock minutes (newest CUP's CronTask timer_dict).
// A nil field means every value; a non-nil field lists the allowed values.
// All fields must match (CUP's AND semantics: unlike Unix cron, a day must
// satisfy both Monthdays and Weekdays).
type CronSpec struct {
	Minutes   []int // 0..59
	Hours     []int // 0..23
	Weekdays  []int // 1..7, Monday = 1 (ISO, as CUP)
	Monthdays []int // 1..31
	Months    []int // 1..12
}

// cronHorizonYears bounds the search of Next (leap days every four years
// fit comfortably).
const cronHorizonYears = 5

// Validate reports a non-nil empty list or a value out of range as an
// error wrapping errs.ErrInvalidArgument, naming the field.
func (c CronSpec) Validate() error {
	fields := []struct {
		name   string
		vals   []int
		lo, hi int
	}{
		{"minute", c.Minutes, 0, 59},
		{"hour", c.Hours, 0, 23},
		{"weekday", c.Weekdays, 1, 7},
		{"monthday", c.Monthdays, 1, 31},
		{"month", c.Months, 1, 12},
	}
	for _, f := range fields {
		if f.vals != nil && len(f.vals) == 0 {
			return errs.New(errs.ErrInvalidArgument, "executor: cron %s: empty list (use nil for every value)", f.name)
		}
		for _, v := range f.vals {
			if v < f.lo || v > f.hi {
				return errs.New(errs.ErrInvalidArgument, "executor: cron %s %d out of range %d..%d", f.name, v, f.lo, f.hi)
			}
		}
	}
	return nil
}

// values returns the sorted allowed values, or lo..hi for nil.
func values(vals []int, lo, hi int) []int {
	if vals == nil {
		out := make([]int, 0, hi-lo+1)
		for v := lo; v <= hi; v++ {
			out = append(out, v)
		}
		return out
	}
	out := slices.Clone(vals)
	slices.Sort(out)
	return slices.Compact(out)
}

func allows(vals []int, v int) bool { return vals == nil || slices.Contains(vals, v) }

// Next returns the first matching minute strictly after after's minute
// (seconds are ignored), in after.Location(), searching up to five years
// ahead; false if there is none (for example February 30th) or the spec is
// invalid.
//
// Wall-clock minutes that do not exist in the zone that day (a DST gap) are
// skipped; a minute that occurs twice (a DST overlap) matches once, at its
// first occurrence.
func (c CronSpec) Next(after time.Time) (time.Time, bool) {
	if c.Validate() != nil {
		return time.Time{}, false
	}
	loc := after.Location()
	start := after.Truncate(time.Minute)
	hours := values(c.Hours, 0, 23)
	minutes := values(c.Minutes, 0, 59)
	y, m, d := after.Date()
	// Walk calendar days in UTC so the walk itself knows nothing of DST.
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	end := day.AddDate(cronHorizonYears, 0, 0)
	for ; !day.After(end); day = day.AddDate(0, 0, 1) {
		dy, dm, dd := day.Date()
		wd := int(day.Weekday()+6)%7 + 1
		if !allows(c.Months, int(dm)) || !allows(c.Monthdays, dd) || !allows(c.Weekdays, wd) {
			continue
		}
		for _, h := range hours {
			for _, mi := range minutes {
				t, ok := wallTime(dy, dm, dd, h, mi, loc)
				if ok && t.After(start) {
					return t, true
				}
			}
		}
	}
	return time.Time{}, false
}

// wallTime returns the first instant at which the wall clock in loc reads
// y-m-d h:mi, or false if it never does (DST gap).
func wallTime(y int, m time.Month, d, h, mi int, loc *time.Location) (time.Time, bool) {
	t := time.Date(y, m, d, h, mi, 0, 0, loc)
	same := func(t time.Time) bool {
		ty, tm, td := t.Date()
		return ty == y && tm == m && td == d && t.Hour() == h && t.Minute() == mi
	}
	if !same(t) {
		return time.Time{}, false
	}
	// time.Date may pick either occurrence of an ambiguous time; look for
	// an earlier one (overlaps are 30 minutes to 2 hours long).
	for _, back := range []time.Duration{2 * time.Hour, time.Hour, 30 * time.Minute} {
		if e := t.Add(-back); same(e) {
			return e, true
		}
	}
	return t, true
}
