package log_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
	cuplog "github.com/cupgo/cup/log"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name string
		line string
		want cuplog.Entry
	}{
		{
			name: "3.2.7 documented, decimal tid",
			line: "INFO: 2015-10-14 16:13:11,700  * [18635:139901983938272] [util.py:167] to compress folder into tarfile:/home/x.tar.gz",
			want: cuplog.Entry{Level: "INFO", Date: "2015-10-14", Time: "16:13:11,700", PID: 18635, TID: "139901983938272",
				Src: "util.py:167", File: "util.py", Line: 167, Msg: "to compress folder into tarfile:/home/x.tar.gz",
				At: time.Date(2015, 10, 14, 16, 13, 11, 700e6, time.Local)},
		},
		{
			name: "3.2.7 verified, tab",
			line: "WARNING:\t 2026-11-26 04:06:58,677 * [9638:7f96d8ba4b80] [t_log.py:15] warn line",
			want: cuplog.Entry{Level: "WARNING", Date: "2026-11-26", Time: "04:06:58,677", PID: 9638, TID: "7f96d8ba4b80",
				Src: "t_log.py:15", File: "t_log.py", Line: 15, Msg: "warn line",
				At: time.Date(2026, 11, 26, 4, 6, 58, 677e6, time.Local)},
		},
		{
			name: "newest with zone",
			line: "INFO:    2023-01-04 22:29:25,456 +0800(CST) * [34666:115f70600] [log.py:327] to compress folder",
			want: cuplog.Entry{Level: "INFO", Date: "2023-01-04", Time: "22:29:25,456", PID: 34666, TID: "115f70600",
				Src: "log.py:327", File: "log.py", Line: 327, Msg: "to compress folder",
				HasTZ: true, TZ: "+0800", TZName: "CST", TZNum: 800,
				At: time.Date(2023, 1, 4, 22, 29, 25, 456e6, time.FixedZone("CST", 8*3600))},
		},
		{
			name: "negative zone",
			line: "ERROR:\t 2023-01-04 22:29:25,456 -0530(XYZ) * [1:a] [a.go:9] m",
			want: cuplog.Entry{Level: "ERROR", Date: "2023-01-04", Time: "22:29:25,456", PID: 1, TID: "a",
				Src: "a.go:9", File: "a.go", Line: 9, Msg: "m",
				HasTZ: true, TZ: "-0530", TZName: "XYZ", TZNum: -530,
				At: time.Date(2023, 1, 4, 22, 29, 25, 456e6, time.FixedZone("XYZ", -(5*3600+30*60)))},
		},
		{
			name: "brackets in message",
			line: "WARNING:\t 2026-11-26 04:07:19,822 * [10533:7f0380e94b80] [a.go:9] w [x] y",
			want: cuplog.Entry{Level: "WARNING", Date: "2026-11-26", Time: "04:07:19,822", PID: 10533, TID: "7f0380e94b80",
				Src: "a.go:9", File: "a.go", Line: 9, Msg: "w [x] y",
				At: time.Date(2026, 11, 26, 4, 7, 19, 822e6, time.Local)},
		},
		{
			name: "backtrace line",
			line: "INFO:\t 2026-11-26 04:06:58,677 * [9638:7f96d8ba4b80] [log.py:342]  * [9638:140285857909632] [t_log.py:17] bt info",
			want: cuplog.Entry{Level: "INFO", Date: "2026-11-26", Time: "04:06:58,677", PID: 9638, TID: "7f96d8ba4b80",
				Src: "log.py:342", File: "log.py", Line: 342, Msg: "* [9638:140285857909632] [t_log.py:17] bt info",
				At: time.Date(2026, 11, 26, 4, 6, 58, 677e6, time.Local)},
		},
		{
			name: "empty message, newline",
			line: "DEBUG:\t 2026-11-26 04:06:58,677 * [1:2] [x.go:1]\n",
			want: cuplog.Entry{Level: "DEBUG", Date: "2026-11-26", Time: "04:06:58,677", PID: 1, TID: "2",
				Src: "x.go:1", File: "x.go", Line: 1, At: time.Date(2026, 11, 26, 4, 6, 58, 677e6, time.Local)},
		},
		{
			name: "zero time from slog",
			line: "INFO:\t 0000-00-00 00:00:00,000 * [1:2] [???:0] m",
			want: cuplog.Entry{Level: "INFO", Date: "0000-00-00", Time: "00:00:00,000", PID: 1, TID: "2",
				Src: "???:0", File: "???", Line: 0, Msg: "m"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := cuplog.Parse(c.line)
			if err != nil {
				t.Fatal(err)
			}
			if !got.At.Equal(c.want.At) {
				t.Errorf("At = %v, want %v", got.At, c.want.At)
			}
			got.At, c.want.At = time.Time{}, time.Time{}
			if got != c.want {
				t.Errorf("Parse =\n%+v\nwant\n%+v", got, c.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"xxxxxxxxsdfsdf  sdfsdf": "level",
		"":                       "level",
		"INFO:":                  "date",
		"info: 2015-10-14 16:13:11,700 * [1:2] [a:1] m":   "level",
		"INFO: 2015-1-14 16:13:11,700 * [1:2] [a:1] m":    "date",
		"INFO: 2015-10-14 16:13:11.700 * [1:2] [a:1] m":   "time",
		"INFO: 2015-10-14 16:13:11,700 + [1:2] [a:1] m":   "zone",
		"INFO: 2015-10-14 16:13:11,700 +0800(X) [1:2] m":  "'*'",
		"INFO: 2015-10-14 16:13:11,700 * 1:2 [a:1] m":     "[pid:tid]",
		"INFO: 2015-10-14 16:13:11,700 * [x:2] [a:1] m":   "pid",
		"INFO: 2015-10-14 16:13:11,700 * [1:zz] [a:1] m":  "tid",
		"INFO: 2015-10-14 16:13:11,700 * [1:2] a:1 m":     "[file:line]",
		"INFO: 2015-10-14 16:13:11,700 * [1:2] [a1] m":    "[file:line]",
		"INFO: 2015-10-14 16:13:11,700 * [1:2] [a:b] m":   "line number",
		"INFO: 2015-19-14 16:13:11,700 * [1:2] [a:1] m":   "date/time",
		"INFO: 2015-10-14 16:13:11,700 * [1:2]":           "[file:line]",
		"INFO: 2015-10-14 16:13:11,700 * [1:2] [a:1":      "[file:line]",
		"INFO: 2015-10-14 16:13:11,700 * [1:2] [:1] m":    "[file:line]",
		"INFO: 2015-10-14 16:13:11,700 * [1:2] [a:-1] m":  "line number",
		"INFO: 2015-10-14 16:13:11,700 *  [-1:2] [a:1] m": "pid",
	}
	for line, part := range cases {
		_, err := cuplog.Parse(line)
		var pe *errs.ParseError
		if !errors.Is(err, errs.ErrParse) || !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, want a parse error", line, err)
			continue
		}
		if !strings.Contains(err.Error(), part) {
			t.Errorf("Parse(%q) error %q does not name %q", line, err, part)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("INFO: 2015-10-14 16:13:11,700  * [18635:139901983938272] [util.py:167] to compress")
	f.Add("INFO:    2023-01-04 22:29:25,456 +0800(CST) * [34666:115f70600] [log.py:327] to compress folder")
	f.Add("WARNING:\t 2026-11-26 04:07:19,822 * [10533:7f0380e94b80] [a.go:9] w [x] y")
	f.Add("")
	f.Add("xxxxxxxxsdfsdf  sdfsdf")
	f.Fuzz(func(t *testing.T, line string) {
		e, err := cuplog.Parse(line)
		if err != nil {
			if !errors.Is(err, errs.ErrParse) {
				t.Fatalf("error %v does not wrap ErrParse", err)
			}
			return
		}
		// Property: a parsed line re-rendered canonically parses to the
		// same fields.
		tz := ""
		if e.HasTZ {
			tz = " " + e.TZ + "(" + e.TZName + ")"
		}
		canon := e.Level + ":\t " + e.Date + " " + e.Time + tz + " * [" + strconv.Itoa(e.PID) + ":" + e.TID + "] [" + e.Src + "] " + e.Msg
		e2, err := cuplog.Parse(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, line, err)
		}
		if !e2.At.Equal(e.At) {
			t.Fatalf("At differs: %v vs %v", e2.At, e.At)
		}
		e.At, e2.At = time.Time{}, time.Time{}
		if e != e2 {
			t.Fatalf("round trip of %q:\n%+v\n%+v", line, e, e2)
		}
	})
}
