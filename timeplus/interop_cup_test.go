//go:build interop

// A differential test of Strftime against the C library's strftime, which
// CUP's get_str_now calls through Python's time.strftime: random instants
// in three zones (one without DST, two with) and formats made of every
// supported directive must give the same text. It needs python3 (with the
// system's tzdata) and is built only with -tags interop, beside the tests
// against CUP itself (scripts/interop-cup.sh):
//
//	go test -tags interop -run TestInteropStrftime ./timeplus

package timeplus

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// strftimeOracle reads "zone unix-seconds format" lines (the format may
// contain spaces) and prints time.strftime(format, localtime(ts)) in that
// zone, one line each.
const strftimeOracle = `
import os, sys, time
for line in sys.stdin:
    zone, ts, fmt = line.rstrip('\n').split(' ', 2)
    os.environ['TZ'] = zone
    time.tzset()
    print(time.strftime(fmt, time.localtime(int(ts))))
    sys.stdout.flush()
`

func TestInteropStrftime(t *testing.T) {
	python := os.Getenv("CUP_PYTHON3")
	if python == "" {
		python = "python3"
	}
	zones := []string{"UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin"}
	directives := []string{"%Y", "%m", "%d", "%H", "%M", "%S", "%y", "%b", "%B", "%a", "%A",
		"%j", "%I", "%p", "%z", "%Z", "%e", "%F", "%T", "%s", "%%"}
	r := rand.New(rand.NewPCG(20261126, 7))
	type tc struct {
		zone   string
		ts     int64
		format string
	}
	var cases []tc
	for range 4000 {
		var f strings.Builder
		for range 1 + r.IntN(6) {
			f.WriteString(directives[r.IntN(len(directives))])
			f.WriteString([]string{"", "-", " ", ":", "x"}[r.IntN(5)])
		}
		// 1902 to 2037, and around DST changes of the zones above.
		ts := r.Int64N(4_260_000_000) - 2_130_000_000
		if r.IntN(4) == 0 {
			ts = 1_711_846_800 + r.Int64N(7_200) - 3_600 // 2024-03-31 01:00 UTC ± 1 h (Berlin)
		}
		cases = append(cases, tc{zones[r.IntN(len(zones))], ts, strings.TrimRight(f.String(), " ")})
	}
	cases = append(cases, tc{"UTC", 0, strings.Join(directives, " ")})

	var in bytes.Buffer
	for _, c := range cases {
		fmt.Fprintf(&in, "%s %d %s\n", c.zone, c.ts, c.format)
	}
	cmd := exec.Command(python, "-c", strftimeOracle)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", python, err, stderr.Bytes())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	locs := map[string]*time.Location{}
	bad := 0
	for _, c := range cases {
		if !sc.Scan() {
			t.Fatalf("oracle output ends early")
		}
		loc := locs[c.zone]
		if loc == nil {
			if loc, err = time.LoadLocation(c.zone); err != nil {
				t.Fatal(err)
			}
			locs[c.zone] = loc
		}
		tm := time.Unix(c.ts, 0).In(loc)
		if got, want := Strftime(tm, c.format), sc.Text(); got != want {
			bad++
			t.Errorf("%s %d (%v) %q:\ncup-go %q\nlibc   %q", c.zone, c.ts, tm, c.format, got, want)
			if bad > 20 {
				t.Fatal("too many differences")
			}
		}
	}
	t.Logf("%d instants and formats compared", len(cases))
}
