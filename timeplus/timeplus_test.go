package timeplus

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

func TestStrNowDefaultFormat(t *testing.T) {
	before := time.Now().Truncate(time.Second)
	got := StrNow(DefaultFormat)
	after := time.Now()
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$`).MatchString(got) {
		t.Fatalf("StrNow(DefaultFormat) = %q, want YYYY-mm-dd-HH-MM-SS", got)
	}
	parsed, err := time.ParseInLocation("2006-01-02-15-04-05", got, time.Local)
	if err != nil {
		t.Fatalf("parse %q: %v", got, err)
	}
	if parsed.Before(before.Add(-time.Second)) || parsed.After(after.Add(time.Second)) {
		t.Errorf("StrNow = %v, want between %v and %v (±1s)", parsed, before, after)
	}
	if n := NowString(); len(n) != len(got) {
		t.Errorf("NowString() = %q, want DefaultFormat layout", n)
	}
}

func TestStrftime(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// 2024-03-05 07:08:09 +0800, a Tuesday, day 65 of a leap year.
	tm := time.Date(2024, 3, 5, 7, 8, 9, 123456789, shanghai)
	pm := time.Date(2009, 12, 31, 23, 0, 0, 0, time.UTC)
	noon := time.Date(2009, 1, 1, 12, 0, 0, 0, time.UTC)
	midnight := time.Date(2009, 1, 15, 0, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		t      time.Time
		format string
		want   string
	}{
		{"checklist", tm, "%Y%m%d %H:%M:%S %%", tm.Format("20060102 15:04:05") + " %"},
		{"unknown verb kept", tm, "%Q", "%Q"},
		{"unknown verb among others", tm, "a%Qb%Y", "a%Qb2024"},
		{"trailing percent", tm, "100%", "100%"},
		{"double percent", tm, "%%Y", "%Y"},
		{"empty", tm, "", ""},
		{"no verbs", tm, "plain text", "plain text"},
		{"default", tm, DefaultFormat, "2024-03-05-07-08-09"},
		{"y", tm, "%y", "24"},
		{"names", tm, "%a %A %b %B", "Tue Tuesday Mar March"},
		{"j", tm, "%j", "065"},
		{"e", tm, "[%e]", "[ 5]"},
		{"e two digits", pm, "[%e]", "[31]"},
		{"I and p morning", tm, "%I %p", "07 AM"},
		{"I and p evening", pm, "%I %p", "11 PM"},
		{"I noon", noon, "%I %p", "12 PM"},
		{"I midnight", midnight, "%I %p", "12 AM"},
		{"z", tm, "%z", "+0800"},
		{"z utc", pm, "%z", "+0000"},
		{"Z", tm, "%Z", "CST"},
		{"Z utc", pm, "%Z", "UTC"},
		{"F T", tm, "%F %T", "2024-03-05 07:08:09"},
		{"s", tm, "%s", "1709593689"},
		{"year 2000 y", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), "%y", "00"},
		{"small year padded", time.Date(33, 1, 1, 0, 0, 0, 0, time.UTC), "%Y", "0033"},
		{"non-ascii kept", tm, "日期 %Y", "日期 2024"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Strftime(tc.t, tc.format); got != tc.want {
				t.Errorf("Strftime(%v, %q) = %q, want %q", tc.t, tc.format, got, tc.want)
			}
		})
	}
}

func TestAppendStrftimeReusesBuffer(t *testing.T) {
	buf := make([]byte, 0, 64)
	buf = AppendStrftime(buf, time.Unix(0, 0).UTC(), "x=%F")
	if string(buf) != "x=1970-01-01" {
		t.Fatalf("got %q", buf)
	}
}

func TestZones(t *testing.T) {
	tp, err := NewByName("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	utc := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	local := tp.UTCToLocal(utc)
	if got := local.Format("2006-01-02 15:04 -0700"); got != "2024-01-01 08:00 +0800" {
		t.Errorf("UTCToLocal = %s, want 2024-01-01 08:00 +0800", got)
	}
	back := tp.LocalToUTC(local)
	if !back.Equal(utc) || back.Location() != time.UTC {
		t.Errorf("LocalToUTC(%v) = %v, want %v in UTC", local, back, utc)
	}
	if tp.Location().String() != "Asia/Shanghai" {
		t.Errorf("Location() = %v", tp.Location())
	}
	if _, off := tp.Now().Zone(); off != 8*3600 {
		t.Errorf("Now() offset = %d, want 28800", off)
	}

	if err := tp.SetLocation(time.UTC); err != nil {
		t.Fatal(err)
	}
	if tp.UTCToLocal(utc).Hour() != 0 {
		t.Errorf("after SetLocation(UTC) hour = %d", tp.UTCToLocal(utc).Hour())
	}
	if err := tp.SetLocation(nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("SetLocation(nil) = %v, want ErrInvalidArgument", err)
	}
	if tp.Location() != time.UTC {
		t.Errorf("SetLocation(nil) changed the location to %v", tp.Location())
	}
}

func TestNewErrors(t *testing.T) {
	_, err := NewByName("Aisa/Shanghai")
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "Aisa/Shanghai") {
		t.Errorf("NewByName(misspelt) = %v, want ErrInvalidArgument naming the zone", err)
	}
	if _, err := New(nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("New(nil) = %v, want ErrInvalidArgument", err)
	}
}

func TestUTCNow(t *testing.T) {
	now := UTCNow()
	if now.Location() != time.UTC {
		t.Errorf("UTCNow location = %v", now.Location())
	}
	if d := time.Since(now); d < 0 || d > time.Minute {
		t.Errorf("UTCNow off by %v", d)
	}
}

func TestTimestampToTime(t *testing.T) {
	tests := []struct {
		ts   float64
		want time.Time
	}{
		{1700000000.25, time.Date(2023, 11, 14, 22, 13, 20, 250000000, time.UTC)},
		{0, time.Unix(0, 0).UTC()},
		{1.5, time.Unix(1, 500000000).UTC()},
		{-1.5, time.Unix(-2, 500000000).UTC()},
		{1700000000.1, time.Date(2023, 11, 14, 22, 13, 20, 100000000, time.UTC)},
		{0.9999996, time.Unix(1, 0).UTC()},
	}
	for _, tc := range tests {
		got := TimestampToTime(tc.ts, time.UTC)
		if !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("TimestampToTime(%v, UTC) = %v, want %v", tc.ts, got, tc.want)
		}
	}
	if got := TimestampToTime(1700000000.25, nil); got.Location() != time.Local {
		t.Errorf("nil location gave %v, want Local", got.Location())
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := TimestampToTime(bad, time.UTC); !got.IsZero() {
			t.Errorf("TimestampToTime(%v) = %v, want zero", bad, got)
		}
	}
}

func TestSleep(t *testing.T) {
	start := time.Now()
	if err := Sleep(context.Background(), 100*time.Millisecond); err != nil {
		t.Fatalf("Sleep = %v", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("Sleep(100ms) returned after %v", d)
	}
}

func TestSleepCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(10*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	err := Sleep(ctx, time.Minute)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep = %v, want context.Canceled", err)
	}
	// Checklist: within 50 ms of the cancel. Allow slack for a loaded
	// machine; the point is that it did not wait the full minute.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Sleep returned %v after start, want soon after the 10ms cancel", d)
	}
}

func TestSleepNonPositive(t *testing.T) {
	if err := Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, -time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep(done ctx, -1s) = %v, want Canceled", err)
	}
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep(done ctx, 1h) = %v, want Canceled", err)
	}
}

// TestStrftimeMatchesDate compares Strftime with GNU date(1), which
// formats through glibc's strftime, for every supported directive.
func TestStrftimeMatchesDate(t *testing.T) {
	date, err := exec.LookPath("date")
	if err != nil {
		t.Skip("date(1) not installed")
	}
	const format = "%Y|%m|%d|%e|%j|%H|%I|%M|%S|%p|%s|%b|%B|%a|%A|%z|%Z|%F|%T|%y|%%"
	for _, zone := range []string{"UTC", "Asia/Shanghai", "America/New_York"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, ts := range []int64{0, 1709593689, 1700000000, 951782400 /* 2000-02-29 */, 1719792000} {
			cmd := exec.Command(date, "-d", "@"+strconv.FormatInt(ts, 10), "+"+format)
			cmd.Env = append(os.Environ(), "TZ="+zone, "LC_ALL=C")
			out, err := cmd.Output()
			if err != nil {
				t.Skipf("date(1) does not support -d @N: %v", err)
			}
			want := strings.TrimSuffix(string(out), "\n")
			if got := Strftime(time.Unix(ts, 0).In(loc), format); got != want {
				t.Errorf("TZ=%s ts=%d:\n got %s\nwant %s", zone, ts, got, want)
			}
		}
	}
}
