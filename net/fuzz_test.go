package net

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

// FuzzParseRouteTable checks that no input panics, that strict-mode errors
// are *errs.ParseError values naming the file and a line that exists, and
// that every route parsed renders back to a line that parses to the same
// route.
func FuzzParseRouteTable(f *testing.F) {
	for _, name := range []string{"proc/net/route", "route-lookup", "route-malformed", "route-byteorder"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("eth0\t-1\t0\t0\t-5\t0\t0\tF\t0\t0\t0")
	f.Add("\t\t\t\t\t\t\t\t\t\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		lenient, err := ParseRouteTable(strings.NewReader(in))
		if err != nil {
			var pe *errs.ParseError
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("lenient error %v is not a ParseError with a line", err)
			}
			return
		}
		whole, err := RouteParser{}.parseBytes([]byte(in))
		if err == nil && (!reflect.DeepEqual(whole.Routes, lenient.Routes) || whole.Skipped != lenient.Skipped) {
			if len(whole.Routes) != 0 || len(lenient.Routes) != 0 || whole.Skipped != lenient.Skipped {
				t.Fatalf("file path and reader path disagree:\n%+v\n%+v", whole, lenient)
			}
		}
		strict, err := RouteParser{File: "fuzz", Strict: true}.Parse(strings.NewReader(in))
		if err != nil {
			var pe *errs.ParseError
			if !errors.As(err, &pe) || pe.File != "fuzz" || pe.Line < 1 || pe.Line > strings.Count(in, "\n")+1 {
				t.Fatalf("strict error %v lacks file or a valid line", err)
			}
			if lenient.Skipped == 0 {
				t.Fatalf("strict mode failed (%v) where lenient mode skipped nothing", err)
			}
		} else if len(strict.Routes) != len(lenient.Routes) || lenient.Skipped != 0 {
			t.Fatalf("strict %d routes, lenient %d routes %d skipped", len(strict.Routes), len(lenient.Routes), lenient.Skipped)
		}
		for _, r := range lenient.Routes {
			line := procLine(r)
			back, msg, ok := parseRouteLine([]byte(line), "")
			if !ok || back != r {
				t.Fatalf("round trip of %+v via %q: %+v ok=%v %s", r, line, back, ok, msg)
			}
			ip := r.Destination
			if _, err := lenient.Lookup(ip); err != nil && !errors.Is(err, errs.ErrNoRoute) {
				t.Fatalf("Lookup(%v): %v", ip, err)
			}
		}
	})
}

// procLine renders r as the kernel would.
func procLine(r Route) string {
	return fmt.Sprintf("%s\t%08X\t%08X\t%04X\t%d\t%d\t%d\t%08X\t%d\t%d\t%d",
		r.Iface, nativeUint(r.Destination), nativeUint(r.Gateway), r.Flags,
		r.RefCnt, r.Use, r.Metric, nativeUint(r.Mask), r.MTU, r.Window, r.IRTT)
}
