package log_test

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	cuplog "github.com/cupgo/cup/log"
)

func TestHandlerFormat(t *testing.T) {
	var buf syncBuffer
	l := slog.New(cuplog.NewHandler(&buf, nil))
	l.Info("m", "k", "v w")
	src := prevLine()
	l.Warn("warned", "n", 3, "ok", true, "f", 1.5, "d", time.Second, "e", errors.New("boom x"), "empty", "")
	l.Debug("not shown")
	l.With("a", 1).WithGroup("g").Error("grouped", "b", 2, slog.Group("h", "c", "x=y"))
	l.Log(t.Context(), slog.Level(12), "crit")
	l.Log(t.Context(), slog.Level(2), "info+2")
	lines := buf.Lines()
	want := []struct{ level, msg string }{
		{"INFO", `m k="v w"`},
		{"WARNING", `warned n=3 ok=true f=1.5 d=1s e="boom x" empty=""`},
		{"ERROR", `grouped a=1 g.b=2 g.h.c="x=y"`},
		{"CRITICAL", "crit"},
		{"INFO", "info+2"},
	}
	if len(lines) != len(want) {
		t.Fatalf("lines %q", lines)
	}
	for i, w := range want {
		p := mustMatch(t, lines[i])
		if p.level != w.level || p.msg != w.msg {
			t.Errorf("line %d: %s %q, want %s %q", i, p.level, p.msg, w.level, w.msg)
		}
	}
	if p := mustMatch(t, lines[0]); p.src != src {
		t.Errorf("source %s, want %s", p.src, src)
	}
}

func TestHandlerOptions(t *testing.T) {
	var buf syncBuffer
	lv := new(slog.LevelVar)
	lv.Set(slog.LevelWarn)
	h := cuplog.NewHandler(&buf, &cuplog.HandlerOptions{Level: lv, ShowTimezone: true})
	l := slog.New(h)
	l.Info("hidden")
	l.Warn("shown")
	lv.Set(slog.LevelDebug)
	l.Debug("now shown")
	lines := buf.Lines()
	if len(lines) != 2 {
		t.Fatalf("%q", lines)
	}
	for _, line := range lines {
		e, err := cuplog.Parse(line)
		if err != nil || !e.HasTZ {
			t.Errorf("Parse(%q) = %+v, %v", line, e, err)
		}
	}
}

// TestSlogtest runs the standard conformance suite. The results map is
// rebuilt from the CUP line: the level and time columns, the message, and
// key=value attributes with dotted keys as nested groups.
func TestSlogtest(t *testing.T) {
	var buf bytes.Buffer
	err := slogtest.TestHandler(cuplog.NewHandler(&buf, nil), func() []map[string]any {
		var out []map[string]any
		for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
			out = append(out, parseSlogLine(t, line))
		}
		return out
	})
	if err != nil {
		t.Error(err)
	}
	t.Log(buf.String())
}

func TestSlogtestLoggerHandler(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f")
	l, err := cuplog.New("s", cuplog.Options{File: f})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	slogtest.Run(t, func(*testing.T) slog.Handler {
		os.Truncate(f, 0)
		return l.Handler()
	}, func(t *testing.T) map[string]any {
		lines := readLines(t, f)
		if len(lines) != 1 {
			t.Fatalf("lines %q", lines)
		}
		return parseSlogLine(t, lines[0])
	})
}

func parseSlogLine(t *testing.T, line string) map[string]any {
	e, err := cuplog.Parse(line)
	if err != nil {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	m := map[string]any{slog.LevelKey: e.Level}
	if !e.At.IsZero() {
		m[slog.TimeKey] = e.At
	}
	msg, attrs, _ := strings.Cut(e.Msg, " ")
	m[slog.MessageKey] = msg
	for _, kv := range splitLogfmt(t, attrs) {
		k, v := kv[0], kv[1]
		cur := m
		keys := strings.Split(k, ".")
		for _, g := range keys[:len(keys)-1] {
			sub, ok := cur[g].(map[string]any)
			if !ok {
				sub = map[string]any{}
				cur[g] = sub
			}
			cur = sub
		}
		cur[keys[len(keys)-1]] = v
	}
	return m
}

// splitLogfmt splits `a=1 b="x y"` into pairs.
func splitLogfmt(t *testing.T, s string) [][2]string {
	var out [][2]string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			t.Fatalf("no '=' in %q", s)
		}
		var v string
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				t.Fatalf("bad quoted value in %q", rest)
			}
			v, _ = strconv.Unquote(q)
			rest = rest[len(q):]
		} else {
			v, rest, _ = strings.Cut(rest, " ")
		}
		out = append(out, [2]string{k, v})
		s = rest
	}
	return out
}

func TestLoggerSlogRouting(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f")
	var con syncBuffer
	if err := cuplog.Init("t", cuplog.Options{File: f, WarnFile: true, Console: true, ConsoleWriter: &con}); err != nil {
		t.Fatal(err)
	}
	old := slog.Default()
	defer slog.SetDefault(old)
	slog.SetDefault(cuplog.Default().Slog())
	slog.Debug("hidden")
	slog.Info("via slog", "k", 1)
	src := prevLine()
	slog.Warn("warn via slog")
	cuplog.SetLevel(cuplog.LevelDebug)
	slog.Debug("debug now")
	lines := readLines(t, f)
	if got := msgs(t, f); !slices.Equal(got, []string{cuplog.BannerInit, "via slog k=1", "debug now"}) {
		t.Errorf("main %q", got)
	}
	if p := mustMatch(t, lines[1]); p.src != src {
		t.Errorf("src %s, want %s", p.src, src)
	}
	if got := msgs(t, f+".wf"); !slices.Equal(got, []string{"warn via slog"}) {
		t.Errorf("wf %q", got)
	}
	if got := len(con.Lines()); got != 4 {
		t.Errorf("console %d lines", got)
	}
}

func TestLevelMapping(t *testing.T) {
	pairs := []struct {
		cup  cuplog.Level
		slog slog.Level
	}{
		{cuplog.LevelDebug, slog.LevelDebug},
		{cuplog.LevelInfo, slog.LevelInfo},
		{cuplog.LevelWarning, slog.LevelWarn},
		{cuplog.LevelError, slog.LevelError},
		{cuplog.LevelCritical, slog.Level(12)},
	}
	for _, p := range pairs {
		if got := p.cup.SlogLevel(); got != p.slog {
			t.Errorf("%v.SlogLevel() = %v, want %v", p.cup, got, p.slog)
		}
		if got := cuplog.FromSlog(p.slog); got != p.cup {
			t.Errorf("FromSlog(%v) = %v, want %v", p.slog, got, p.cup)
		}
	}
	for l, want := range map[slog.Level]cuplog.Level{-8: cuplog.LevelDebug, -1: cuplog.LevelDebug, 1: cuplog.LevelInfo,
		5: cuplog.LevelWarning, 9: cuplog.LevelError, 20: cuplog.LevelCritical} {
		if got := cuplog.FromSlog(l); got != want {
			t.Errorf("FromSlog(%v) = %v, want %v", l, got, want)
		}
	}
	if got := cuplog.Level(15).SlogLevel(); got != -2 {
		t.Errorf("Level(15).SlogLevel() = %v", got)
	}
}
