package log_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cuplog "github.com/cupgo/cup/log"
)

func TestLineFormat(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f.log")
	if err := cuplog.Init("t", cuplog.Options{File: f, Level: cuplog.LevelDebug}); err != nil {
		t.Fatal(err)
	}
	var want []string
	cuplog.Debug("debug line")
	want = append(want, "DEBUG "+prevLine()+" debug line")
	cuplog.Info("info line")
	want = append(want, "INFO "+prevLine()+" info line")
	cuplog.Warn("warn line")
	want = append(want, "WARNING "+prevLine()+" warn line")
	cuplog.Warning("warning %s", "line")
	want = append(want, "WARNING "+prevLine()+" warning line")
	cuplog.Error("error line %d", 1)
	want = append(want, "ERROR "+prevLine()+" error line 1")
	cuplog.Critical("critical line")
	want = append(want, "CRITICAL "+prevLine()+" critical line")
	cuplog.Info("100%")
	want = append(want, "INFO "+prevLine()+" 100%")
	cuplog.Info("%d%%", 5)
	want = append(want, "INFO "+prevLine()+" 5%")
	cuplog.Info("a\nb")
	want = append(want, "INFO "+prevLine()+" a") // continuation line has no prefix

	lines := readLines(t, f)
	if len(lines) != len(want)+2 { // banner + "b"
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want)+2, strings.Join(lines, "\n"))
	}
	// Item 4: the banner, exactly, from inside the package.
	b := mustMatch(t, lines[0])
	if b.level != "INFO" || b.msg != "--------------------Log Initialized Successfully--------------------" ||
		!strings.HasPrefix(b.src, "default.go:") {
		t.Errorf("banner = %q", lines[0])
	}
	if b.msg != "-"+strings.Repeat("-", 19)+"Log Initialized Successfully"+strings.Repeat("-", 20) {
		t.Errorf("banner dashes wrong: %q", b.msg)
	}
	for i, w := range want {
		p := mustMatch(t, lines[i+1])
		if got := p.level + " " + p.src + " " + p.msg; got != w {
			t.Errorf("line %d = %q, want %q", i+1, got, w)
		}
		if p.pid != strconv.Itoa(os.Getpid()) {
			t.Errorf("pid = %s, want %d", p.pid, os.Getpid())
		}
	}
	if lines[len(lines)-1] != "b" {
		t.Errorf("continuation line = %q, want %q", lines[len(lines)-1], "b")
	}
	// Byte for byte, except time, pid and tid.
	exact := regexp.MustCompile(`^WARNING:\t \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \* \[\d+:[0-9a-f]+\] \[format_test\.go:\d+\] warn line$`)
	if !exact.MatchString(lines[3]) {
		t.Errorf("line %q is not byte-exact", lines[3])
	}
}

func TestTimeField(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f.log")
	if err := cuplog.Init("t", cuplog.Options{File: f}); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Truncate(time.Millisecond)
	cuplog.Info("x")
	after := time.Now()
	lines := readLines(t, f)
	e, err := cuplog.Parse(lines[len(lines)-1])
	if err != nil {
		t.Fatal(err)
	}
	if e.At.Before(before) || e.At.After(after) {
		t.Errorf("time %v not within [%v, %v]", e.At, before, after)
	}
}

func TestShowTimezone(t *testing.T) {
	dir := fresh(t)
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skipf("no zoneinfo: %v", err)
	}
	old := time.Local
	time.Local = sh
	t.Cleanup(func() { time.Local = old })

	f := filepath.Join(dir, "f.log")
	if err := cuplog.Init("t", cuplog.Options{File: f, ShowTimezone: true}); err != nil {
		t.Fatal(err)
	}
	cuplog.Info("zoned")
	lines := readLines(t, f)
	re := regexp.MustCompile(`^INFO:\t \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \+0800\(CST\) \* \[\d+:[0-9a-f]+\] \[format_test\.go:\d+\] zoned$`)
	if !re.MatchString(lines[len(lines)-1]) {
		t.Errorf("zoned line = %q", lines[len(lines)-1])
	}
	e, err := cuplog.Parse(lines[len(lines)-1])
	if err != nil || e.TZ != "+0800" || e.TZName != "CST" || e.TZNum != 800 {
		t.Errorf("Parse = %+v, %v", e, err)
	}
}

// logVia is a helper that logs on behalf of its caller.
func logVia(msg string) { cuplog.InfoDepth(1, msg) }

func TestDepthAndIf(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f.log")
	if err := cuplog.Init("t", cuplog.Options{File: f, Level: cuplog.LevelDebug}); err != nil {
		t.Fatal(err)
	}
	var want []string
	logVia("via helper")
	want = append(want, prevLine()+" via helper")
	cuplog.InfoDepth(0, "depth 0")
	want = append(want, prevLine()+" depth 0")
	cuplog.InfoIf(false, "not written")
	cuplog.DebugIf(false, "not written")
	cuplog.WarnIf(false, "not written")
	cuplog.ErrorIf(false, "not written")
	cuplog.CriticalIf(false, "not written")
	cuplog.InfoIf(true, "x")
	want = append(want, prevLine()+" x")
	cuplog.DebugIf(true, "d%d", 1)
	want = append(want, prevLine()+" d1")
	cuplog.WarnIf(true, "w")
	want = append(want, prevLine()+" w")
	cuplog.ErrorIf(true, "e")
	want = append(want, prevLine()+" e")
	cuplog.CriticalIf(true, "c")
	want = append(want, prevLine()+" c")
	cuplog.DebugDepth(0, "dd")
	want = append(want, prevLine()+" dd")
	cuplog.WarnDepth(0, "wd")
	want = append(want, prevLine()+" wd")
	cuplog.ErrorDepth(0, "ed")
	want = append(want, prevLine()+" ed")
	cuplog.CriticalDepth(0, "cd")
	want = append(want, prevLine()+" cd")

	var got []string
	for _, l := range readLines(t, f)[1:] {
		p := mustMatch(t, l)
		got = append(got, p.src+" "+p.msg)
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoggerMethods(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "n.log")
	l, err := cuplog.New("n", cuplog.Options{File: f, Level: cuplog.LevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var want []string
	l.Debug("a")
	want = append(want, "DEBUG "+prevLine()+" a")
	l.Info("b %d", 2)
	want = append(want, "INFO "+prevLine()+" b 2")
	l.Warn("c")
	want = append(want, "WARNING "+prevLine()+" c")
	l.Warning("c2")
	want = append(want, "WARNING "+prevLine()+" c2")
	l.Error("d")
	want = append(want, "ERROR "+prevLine()+" d")
	l.Critical("e")
	want = append(want, "CRITICAL "+prevLine()+" e")
	func() { l.InfoDepth(1, "f") }()
	want = append(want, "INFO "+prevLine()+" f")
	l.DebugDepth(0, "g")
	want = append(want, "DEBUG "+prevLine()+" g")
	l.WarnDepth(0, "h")
	want = append(want, "WARNING "+prevLine()+" h")
	l.ErrorDepth(0, "i")
	want = append(want, "ERROR "+prevLine()+" i")
	l.CriticalDepth(0, "j")
	want = append(want, "CRITICAL "+prevLine()+" j")
	l.InfoIf(true, "k")
	want = append(want, "INFO "+prevLine()+" k")
	l.DebugIf(true, "l")
	want = append(want, "DEBUG "+prevLine()+" l")
	l.WarnIf(true, "m")
	want = append(want, "WARNING "+prevLine()+" m")
	l.ErrorIf(true, "n")
	want = append(want, "ERROR "+prevLine()+" n")
	l.CriticalIf(true, "o")
	want = append(want, "CRITICAL "+prevLine()+" o")
	l.InfoIf(false, "no")
	l.DebugIf(false, "no")
	l.WarnIf(false, "no")
	l.ErrorIf(false, "no")
	l.CriticalIf(false, "no")
	if err := l.Sync(); err != nil {
		t.Error(err)
	}
	var got []string
	for _, line := range readLines(t, f) {
		p := mustMatch(t, line)
		got = append(got, p.level+" "+p.src+" "+p.msg)
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if l.Name() != "n" {
		t.Errorf("Name = %q", l.Name())
	}
}

func TestRoundTrip(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f.log")
	for _, tz := range []bool{false, true} {
		l, err := cuplog.New(fmt.Sprint("rt", tz), cuplog.Options{File: f, Level: cuplog.LevelDebug, ShowTimezone: tz})
		if err != nil {
			t.Fatal(err)
		}
		os.Truncate(f, 0)
		type rec struct {
			level string
			src   string
			msg   string
		}
		var want []rec
		l.Debug("plain")
		want = append(want, rec{"DEBUG", prevLine(), "plain"})
		l.Info("with ] and [x] brackets")
		want = append(want, rec{"INFO", prevLine(), "with ] and [x] brackets"})
		l.Warn("tabs\tinside")
		want = append(want, rec{"WARNING", prevLine(), "tabs\tinside"})
		l.Error("%s=%d", "n", 42)
		want = append(want, rec{"ERROR", prevLine(), "n=42"})
		l.Critical("crit")
		want = append(want, rec{"CRITICAL", prevLine(), "crit"})
		l.Close()
		lines := readLines(t, f)
		if len(lines) != len(want) {
			t.Fatalf("got %d lines", len(lines))
		}
		for i, line := range lines {
			e, err := cuplog.Parse(line)
			if err != nil {
				t.Fatalf("Parse(%q): %v", line, err)
			}
			if e.Level != want[i].level || e.Src != want[i].src || e.Msg != want[i].msg || e.PID != os.Getpid() ||
				e.File+":"+strconv.Itoa(e.Line) != want[i].src || e.HasTZ != tz {
				t.Errorf("Parse(%q) = %+v, want %+v", line, e, want[i])
			}
		}
	}
}
