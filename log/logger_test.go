package log_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
	cuplog "github.com/cupgo/cup/log"
)

func TestLevelsAndSetLevel(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f.log")
	var con syncBuffer
	if err := cuplog.Init("t", cuplog.Options{File: f, Console: true, ConsoleWriter: &con}); err != nil {
		t.Fatal(err)
	}
	cuplog.Debug("hidden debug")
	cuplog.Info("shown info")
	cuplog.SetLevel(cuplog.LevelDebug)
	if cuplog.GetLevel() != cuplog.LevelDebug || cuplog.Default().Level() != cuplog.LevelDebug {
		t.Errorf("level = %v", cuplog.GetLevel())
	}
	cuplog.Debug("shown debug")
	cuplog.SetLevel(cuplog.LevelError)
	cuplog.Warn("hidden warn")
	cuplog.Error("shown error")

	want := []string{cuplog.BannerInit, "shown info", "shown debug", "shown error"}
	if got := msgs(t, f); !slices.Equal(got, want) {
		t.Errorf("file: got %q, want %q", got, want)
	}
	// Item 10: the console has each record once, in CUP format.
	var got []string
	for _, l := range con.Lines() {
		got = append(got, mustMatch(t, l).msg)
	}
	if !slices.Equal(got, want) {
		t.Errorf("console: got %q, want %q", got, want)
	}
	if strings.Contains(con.String(), ":root:") {
		t.Error("console has Python-style duplicates")
	}
	if !cuplog.Default().Enabled(cuplog.LevelCritical) || cuplog.Default().Enabled(cuplog.LevelWarning) {
		t.Error("Enabled wrong")
	}
}

func TestBeforeInit(t *testing.T) {
	dir := fresh(t)
	var stderr syncBuffer
	defer cuplog.SetFallbackWriter(&stderr)()
	cuplog.Debug("no debug")
	cuplog.Info("no info")
	cuplog.Warn("before init warn")
	lines := stderr.Lines()
	if len(lines) != 1 {
		t.Fatalf("stderr before Init: %q", lines)
	}
	if p := mustMatch(t, lines[0]); p.level != "WARNING" || p.msg != "before init warn" {
		t.Errorf("stderr line %q", lines[0])
	}
	f := filepath.Join(dir, "f.log")
	if err := cuplog.Init("t", cuplog.Options{File: f}); err != nil {
		t.Fatal(err)
	}
	cuplog.Warn("after init")
	cuplog.Error("after init error")
	if got := stderr.Lines(); len(got) != 1 {
		t.Errorf("stderr after Init got more lines: %q", got)
	}
	if got := msgs(t, f); !slices.Equal(got, []string{cuplog.BannerInit, "after init", "after init error"}) {
		t.Errorf("file: %q", got)
	}
	// SetLevel before Init is valid; Init then applies its own level.
	cuplog.ResetForTest()
	cuplog.SetLevel(cuplog.LevelDebug)
	cuplog.Debug("debug before init")
	if got := stderr.Lines(); len(got) != 2 || mustMatch(t, got[1]).msg != "debug before init" {
		t.Errorf("stderr: %q", got)
	}
}

func TestInitTwice(t *testing.T) {
	dir := fresh(t)
	f1, f2 := filepath.Join(dir, "1.log"), filepath.Join(dir, "2.log")
	if err := cuplog.Init("a", cuplog.Options{File: f1}); err != nil {
		t.Fatal(err)
	}
	err := cuplog.Init("b", cuplog.Options{File: f2, Level: cuplog.LevelDebug})
	if !errors.Is(err, errs.ErrAlreadyInitialized) {
		t.Fatalf("second Init: %v", err)
	}
	cuplog.Debug("d")
	cuplog.Info("i")
	if got := msgs(t, f1); !slices.Equal(got, []string{cuplog.BannerInit, "i"}) {
		t.Errorf("first file: %q", got)
	}
	if _, err := os.Stat(f2); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("second file exists: %v", err)
	}
	if got := cuplog.InitedNames(); !slices.Equal(got, []string{"a"}) {
		t.Errorf("names %q", got)
	}
}

// listDir returns the names in dir.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestBadOptionsCreateNothing(t *testing.T) {
	dir := fresh(t)
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, nil, 0o600)
	cases := []struct {
		name string
		opts cuplog.Options
		want []error
	}{
		{"mode 7", cuplog.Options{File: filepath.Join(dir, "a.log"), Mode: 7}, []error{errs.ErrInvalidArgument}},
		{"mode -1", cuplog.Options{File: filepath.Join(dir, "a.log"), Mode: -1}, []error{errs.ErrInvalidArgument}},
		{"negative level", cuplog.Options{File: filepath.Join(dir, "a.log"), Level: -5}, []error{errs.ErrInvalidArgument}},
		{"warn mode", cuplog.Options{File: filepath.Join(dir, "a.log"), WarnFile: true, WarnFileMode: 9}, []error{errs.ErrInvalidArgument}},
		{"file mode", cuplog.Options{File: filepath.Join(dir, "a.log"), FileMode: fs.ModeDir | 0o700}, []error{errs.ErrInvalidArgument}},
		{"directory", cuplog.Options{File: sub}, []error{errs.ErrLogger}},
		{"wf is directory", cuplog.Options{File: filepath.Join(dir, "b.log"), WarnFile: true}, []error{errs.ErrLogger}},
		{"missing parent", cuplog.Options{File: filepath.Join(dir, "nope", "a.log")}, []error{errs.ErrLogger, fs.ErrNotExist}},
		{"parent is file", cuplog.Options{File: filepath.Join(plain, "a.log")}, []error{errs.ErrLogger}},
	}
	if err := os.Mkdir(filepath.Join(dir, "b.log.wf"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := listDir(t, dir)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, call := range []struct {
				name string
				f    func() error
			}{
				{"Init", func() error { return cuplog.Init("x", c.opts) }},
				{"Reinit", func() error { return cuplog.Reinit("y", c.opts) }},
				{"New", func() error { _, err := cuplog.New("z", c.opts); return err }},
			} {
				err := call.f()
				for _, w := range c.want {
					if !errors.Is(err, w) {
						t.Errorf("%s: error %v does not match %v", call.name, err, w)
					}
				}
				if got := listDir(t, dir); !slices.Equal(got, before) {
					t.Errorf("%s: directory changed: %q -> %q", call.name, before, got)
				}
			}
			if strings.Contains(c.name, "directory") && !strings.Contains(cuplog.Init("x", c.opts).Error(), dir) {
				t.Errorf("error does not name the path")
			}
			if names := cuplog.InitedNames(); len(names) != 0 {
				t.Errorf("names recorded: %q", names)
			}
			if _, ok := cuplog.Get("z"); ok {
				t.Error("named logger registered")
			}
		})
	}
	// Item 13: state was not half-committed; a good Init now succeeds.
	good := filepath.Join(dir, "good.log")
	if err := cuplog.Init("x", cuplog.Options{File: good}); err != nil {
		t.Fatalf("Init after failures: %v", err)
	}
	cuplog.Info("ok")
	if got := msgs(t, good); !slices.Equal(got, []string{cuplog.BannerInit, "ok"}) {
		t.Errorf("good file: %q", got)
	}
}

func TestDefaultFileName(t *testing.T) {
	dir := fresh(t)
	t.Chdir(dir)
	if err := cuplog.Init("t", cuplog.Options{}); err != nil {
		t.Fatal(err)
	}
	cuplog.Info("default")
	// Resolved to an absolute path at Init: a later chdir does not move it.
	t.Chdir(t.TempDir())
	cuplog.Info("still there")
	if got := msgs(t, filepath.Join(dir, "cup.log")); !slices.Equal(got, []string{cuplog.BannerInit, "default", "still there"}) {
		t.Errorf("cup.log: %q", got)
	}
}

func TestReinit(t *testing.T) {
	dir := fresh(t)
	f1, f2 := filepath.Join(dir, "1.log"), filepath.Join(dir, "2.log")
	if err := cuplog.Init("a", cuplog.Options{File: f1}); err != nil {
		t.Fatal(err)
	}
	// Item 16: reusing the Init name fails; the old file still works.
	err := cuplog.Reinit("a", cuplog.Options{File: f2})
	if !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("Reinit(a): %v", err)
	}
	cuplog.Info("still old")
	if _, err := os.Stat(f2); err == nil {
		t.Error("failed Reinit created the file")
	}
	// Item 17.
	if err := cuplog.Reinit("b", cuplog.Options{File: f2, Level: cuplog.LevelDebug}); err != nil {
		t.Fatal(err)
	}
	cuplog.Debug("new debug")
	if got := msgs(t, f1); !slices.Equal(got, []string{cuplog.BannerInit, "still old"}) {
		t.Errorf("old file: %q", got)
	}
	if got := msgs(t, f2); !slices.Equal(got, []string{cuplog.BannerReinit, "new debug"}) {
		t.Errorf("new file: %q", got)
	}
	banner := mustMatch(t, readLines(t, f2)[0])
	if banner.level != "INFO" || banner.msg != "--------------------Log Reinitialized Successfully--------------------" ||
		!strings.HasPrefix(banner.src, "default.go:") {
		t.Errorf("reinit banner %+v", banner)
	}
	if err := cuplog.Reinit("b", cuplog.Options{File: f1}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("Reinit(b) again: %v", err)
	}
	if err := cuplog.Init("c", cuplog.Options{File: f1}); !errors.Is(err, errs.ErrAlreadyInitialized) {
		t.Errorf("Init after Reinit: %v", err)
	}
	// Item 19.
	names := cuplog.InitedNames()
	if !slices.Equal(names, []string{"a", "b"}) {
		t.Errorf("names %q", names)
	}
	names[0] = "mutated"
	if got := cuplog.InitedNames(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("names after mutation %q", got)
	}
	if cuplog.Default().Name() != "b" {
		t.Errorf("Default().Name() = %q", cuplog.Default().Name())
	}
}

func TestReinitWithoutInit(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "r.log")
	if err := cuplog.Reinit("r", cuplog.Options{File: f}); err != nil {
		t.Fatal(err)
	}
	cuplog.Info("x")
	if got := msgs(t, f); !slices.Equal(got, []string{cuplog.BannerReinit, "x"}) {
		t.Errorf("%q", got)
	}
}

func TestBannerSuppressedAboveInfo(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f.log")
	if err := cuplog.Init("t", cuplog.Options{File: f, Level: cuplog.LevelWarning}); err != nil {
		t.Fatal(err)
	}
	cuplog.Warn("w")
	if got := msgs(t, f); !slices.Equal(got, []string{"w"}) {
		t.Errorf("%q", got)
	}
}

func TestNamedLoggers(t *testing.T) {
	dir := fresh(t)
	def, xf, pf := filepath.Join(dir, "def.log"), filepath.Join(dir, "x.log"), filepath.Join(dir, "p.log")
	if err := cuplog.Init("main", cuplog.Options{File: def}); err != nil {
		t.Fatal(err)
	}
	x, err := cuplog.New("x", cuplog.Options{File: xf})
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := cuplog.Get("x"); !ok || g != x {
		t.Fatalf("Get(x) = %v, %v", g, ok)
	}
	if _, ok := cuplog.Get("nope"); ok {
		t.Error("Get(nope) found something")
	}
	if _, err := cuplog.New("x", cuplog.Options{File: pf}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("New(x) again: %v", err)
	}
	p, err := cuplog.New("p", cuplog.Options{File: pf, Propagate: true, Level: cuplog.LevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	x.Info("only x")
	p.Info("p and default")
	p.Debug("p only: default is at INFO")
	if got := msgs(t, xf); !slices.Equal(got, []string{"only x"}) {
		t.Errorf("x file %q", got)
	}
	if got := msgs(t, pf); !slices.Equal(got, []string{"p and default", "p only: default is at INFO"}) {
		t.Errorf("p file %q", got)
	}
	if got := msgs(t, def); !slices.Equal(got, []string{cuplog.BannerInit, "p and default"}) {
		t.Errorf("default file %q", got)
	}
	// Close: records dropped, Get no longer finds it, the name is free.
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	x.Info("after close")
	if got := msgs(t, xf); !slices.Equal(got, []string{"only x"}) {
		t.Errorf("x file after close %q", got)
	}
	if _, ok := cuplog.Get("x"); ok {
		t.Error("Get(x) after Close")
	}
	if err := x.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	x2, err := cuplog.New("x", cuplog.Options{File: xf})
	if err != nil {
		t.Fatalf("New(x) after Close: %v", err)
	}
	x2.Info("x2")
	x.Close() // closing the old one again does not unregister the new one
	if g, ok := cuplog.Get("x"); !ok || g != x2 {
		t.Error("Get(x) lost the new logger")
	}
	x2.Close()
	if got := msgs(t, xf); !slices.Equal(got, []string{"only x", "x2"}) {
		t.Errorf("x file %q", got)
	}
}

func TestClose(t *testing.T) {
	dir := fresh(t)
	var stderr syncBuffer
	defer cuplog.SetFallbackWriter(&stderr)()
	f := filepath.Join(dir, "f.log")
	if err := cuplog.Init("t", cuplog.Options{File: f, WarnFile: true}); err != nil {
		t.Fatal(err)
	}
	n, err := cuplog.New("n", cuplog.Options{File: filepath.Join(dir, "n.log")})
	if err != nil {
		t.Fatal(err)
	}
	cuplog.Info("before close")
	if err := cuplog.Close(); err != nil {
		t.Fatal(err)
	}
	cuplog.Info("after close info")
	cuplog.Warn("after close warn")
	n.Warn("named after close")
	if got := msgs(t, f); !slices.Equal(got, []string{cuplog.BannerInit, "before close"}) {
		t.Errorf("file %q", got)
	}
	if got := stderr.Lines(); len(got) != 1 || mustMatch(t, got[0]).msg != "after close warn" {
		t.Errorf("stderr %q", got)
	}
	if got := readLines(t, filepath.Join(dir, "n.log")); len(got) != 0 {
		t.Errorf("named file %q", got)
	}
	if err := cuplog.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// Init works again after Close.
	if err := cuplog.Init("t2", cuplog.Options{File: f}); err != nil {
		t.Fatal(err)
	}
	cuplog.Info("reopened")
	if err := cuplog.Default().Close(); err != nil {
		t.Fatal(err)
	}
	if got := msgs(t, f); got[len(got)-1] != "reopened" {
		t.Errorf("file %q", got)
	}
}

func TestParseLevel(t *testing.T) {
	cases := []struct {
		in   string
		want cuplog.Level
		ok   bool
	}{
		{"debug", cuplog.LevelDebug, true},
		{"INFO", cuplog.LevelInfo, true},
		{"warn", cuplog.LevelWarning, true},
		{"Warning", cuplog.LevelWarning, true},
		{"error", cuplog.LevelError, true},
		{"critical", cuplog.LevelCritical, true},
		{"FATAL", cuplog.LevelCritical, true},
		{"25", 25, true},
		{" info ", cuplog.LevelInfo, true},
		{"verbose", 0, false},
		{"", 0, false},
		{"-3", 0, false},
		{"0", 0, false},
	}
	for _, c := range cases {
		got, err := cuplog.ParseLevel(c.in)
		if c.ok && (err != nil || got != c.want) {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		if !c.ok && !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("ParseLevel(%q) error %v, want ErrInvalidArgument", c.in, err)
		}
	}
	names := map[cuplog.Level]string{cuplog.LevelDebug: "DEBUG", cuplog.LevelInfo: "INFO", cuplog.LevelWarning: "WARNING",
		cuplog.LevelError: "ERROR", cuplog.LevelCritical: "CRITICAL", 25: "Level 25"}
	for l, n := range names {
		if l.String() != n {
			t.Errorf("%d.String() = %q, want %q", int(l), l.String(), n)
		}
	}
}

func TestInBetweenLevelsPrintRoundedDown(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f.log")
	l, err := cuplog.New("n", cuplog.Options{File: f, Level: 25})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.Info("below 25")
	l.Slog().Log(t.Context(), cuplog.Level(35).SlogLevel(), "at 35")
	lines := readLines(t, f)
	if len(lines) != 1 || mustMatch(t, lines[0]).level != "WARNING" {
		t.Errorf("%q", lines)
	}
}

func TestZeroLogger(t *testing.T) {
	fresh(t)
	var l cuplog.Logger
	l.Info("dropped")
	l.Slog().Info("dropped")
	if l.Name() != "" || l.Sync() != nil || l.Close() != nil {
		t.Error("zero Logger misbehaves")
	}
}

func TestRotationWithGap(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f")
	l, err := cuplog.New("g", cuplog.Options{File: f, MaxSize: 200, MaxBackups: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range 40 {
		l.Info("line %03d", i)
		if i == 20 {
			os.Remove(f + ".2") // a backup removed by hand
		}
	}
	bk := backups(t, f)
	if len(bk) == 0 || bk[len(bk)-1] > 5 {
		t.Errorf("backups %v", bk)
	}
	if got := msgs(t, f); got[len(got)-1] != "line 039" {
		t.Errorf("live %q", got)
	}
}
