package main

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := `goos: linux
BenchmarkLogFile/cup-2     	 1000000	      1052 ns/op	  950000 lines/s	       0 B/op	       0 allocs/op
BenchmarkLogFile/zap-2     	  500000	      2104 ns/op	  475000 lines/s	      64 B/op	       1 allocs/op
PASS`
	rs, err := parse(strings.NewReader(in))
	if err != nil || len(rs) != 2 {
		t.Fatalf("parse = %v, %v", rs, err)
	}
	if rs[0].name != "BenchmarkLogFile/cup" || rs[1].metrics["ns/op"] != 2104 || rs[0].metrics["lines/s"] != 950000 {
		t.Fatalf("parse = %+v", rs)
	}
}

func TestMedianAndRounds(t *testing.T) {
	cup := []map[string]float64{{"ns/op": 100}, {"ns/op": 300}, {"ns/op": 200}}
	peer := []map[string]float64{{"ns/op": 150}, {"ns/op": 240}, {"ns/op": 220}}
	if m := median(cup)["ns/op"]; m != 200 {
		t.Errorf("median = %v, want 200", m)
	}
	if m := median(cup[:2])["ns/op"]; m != 200 {
		t.Errorf("median of two = %v, want 200", m)
	}
	p := pair{cup: median(cup), other: median(peer), rounds: roundRatios(cup, peer)}
	// Per-round ratios 1.50, 0.80, 1.10: their median, not the ratio of
	// the medians (also 1.10 here by chance).
	if got, want := ratioCell(p), "1.10× (0.80–1.50, 2/3)"; got != want {
		t.Errorf("ratioCell = %q, want %q", got, want)
	}
	if got := ratioCell(pair{cup: cup[0], other: peer[0]}); got != "1.50×" {
		t.Errorf("single-round ratioCell = %q", got)
	}
}

func TestRatioIsMedianOfRounds(t *testing.T) {
	// The machine slows down 2x in the second round: the ratio of the
	// medians would say 1.45x, every round says cup is 10% slower.
	cup := []map[string]float64{{"ns/op": 110}, {"ns/op": 220}, {"ns/op": 110}, {"ns/op": 220}}
	peer := []map[string]float64{{"ns/op": 100}, {"ns/op": 200}, {"ns/op": 100}, {"ns/op": 200}}
	p := pair{cup: median(cup), other: median(peer), rounds: roundRatios(cup, peer)}
	if got, want := ratioCell(p), "0.91× (0.91–0.91, 0/4)"; got != want {
		t.Errorf("ratioCell = %q, want %q", got, want)
	}
}
