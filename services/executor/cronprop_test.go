package executor

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// bruteNext is the reference for CronSpec.Next: walk absolute minutes and
// take the first whose wall clock matches and whose wall time has not
// already occurred (the second pass of a DST overlap does not count).
func bruteNext(c CronSpec, after time.Time, limit time.Duration) (time.Time, bool) {
	loc := after.Location()
	match := func(w time.Time) bool {
		wd := int(w.Weekday()+6)%7 + 1
		return allows(c.Minutes, w.Minute()) && allows(c.Hours, w.Hour()) && allows(c.Weekdays, wd) &&
			allows(c.Monthdays, w.Day()) && allows(c.Months, int(w.Month()))
	}
	sameWall := func(a, b time.Time) bool {
		ay, am, ad := a.Date()
		by, bm, bd := b.Date()
		return ay == by && am == bm && ad == bd && a.Hour() == b.Hour() && a.Minute() == b.Minute()
	}
	start := after.Truncate(time.Minute)
	for t := start.Add(time.Minute); t.Sub(start) <= limit; t = t.Add(time.Minute) {
		w := t.In(loc)
		if !match(w) {
			continue
		}
		repeat := false
		for _, back := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
			if sameWall(w, w.Add(-back).In(loc)) {
				repeat = true
			}
		}
		if !repeat {
			return w, true
		}
	}
	return time.Time{}, false
}

func TestCronNextMatchesBruteForce(t *testing.T) {
	zones := []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Shanghai", "UTC"}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(lo, hi, maxN int) []int {
		if rng.IntN(3) == 0 {
			return nil
		}
		var out []int
		for range 1 + rng.IntN(maxN) {
			out = append(out, lo+rng.IntN(hi-lo+1))
		}
		return out
	}
	// Start times near DST changes and month ends.
	starts := []string{"2024-03-10T00:30:00Z", "2024-03-31T00:10:00Z", "2024-10-27T00:50:00Z",
		"2024-11-03T05:10:00Z", "2024-11-03T06:20:00Z", "2024-04-06T14:30:00Z", "2024-02-28T23:59:30Z"}
	n := 300
	if testing.Short() {
		n = 60
	}
	compared := 0
	for i := range n {
		loc, err := time.LoadLocation(zones[i%len(zones)])
		if err != nil {
			t.Skip(err)
		}
		at, _ := time.Parse(time.RFC3339, starts[rng.IntN(len(starts))])
		after := at.Add(time.Duration(rng.IntN(180)) * time.Minute).In(loc)
		spec := CronSpec{Minutes: pick(0, 59, 3), Hours: pick(0, 23, 3)}
		if rng.IntN(2) == 0 {
			spec.Weekdays = pick(1, 7, 2)
		} else {
			spec.Monthdays = pick(1, 28, 2)
		}
		got, ok := spec.Next(after)
		want, wok := bruteNext(spec, after, 40*24*time.Hour)
		if !wok {
			continue // beyond the brute-force window
		}
		compared++
		if !ok || !got.Equal(want) {
			t.Fatalf("%v from %v (%s): Next = %v, %v; brute force %v", spec, after, loc, got, ok, want)
		}
		if !slices.Contains([]*time.Location{loc}, got.Location()) {
			t.Fatalf("result zone %v", got.Location())
		}
	}
	if compared < n*3/4 {
		t.Fatalf("only %d of %d specs compared", compared, n)
	}
}
