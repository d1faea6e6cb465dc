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
