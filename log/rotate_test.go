package log_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cuplog "github.com/cupgo/cup/log"
)

// backups returns the numbered backups of f that exist, sorted by number.
func backups(t *testing.T, f string) []int {
	t.Helper()
	var out []int
	for _, name := range listDir(t, filepath.Dir(f)) {
		rest, ok := strings.CutPrefix(name, filepath.Base(f)+".")
		if !ok {
			continue
		}
		if n, err := strconv.Atoi(rest); err == nil {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func TestRotationNumbered(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f")
	l, err := cuplog.New("r", cuplog.Options{File: f, MaxSize: 300})
	if err != nil {
		t.Fatal(err)
	}
	const n = 60
	for i := range n {
		l.Info("line %03d", i)
	}
	l.Close()
	bk := backups(t, f)
	if len(bk) < 5 || bk[0] != 1 || bk[len(bk)-1] != len(bk) {
		t.Fatalf("backups %v", bk)
	}
	// Every line once; .1 is newer than .2; nothing reaches 300 bytes.
	var all []string
	for i := len(bk); i >= 0; i-- {
		p := f
		if i > 0 {
			p = f + "." + strconv.Itoa(i)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() >= 300 {
			t.Errorf("%s is %d bytes", p, st.Size())
		}
		all = append(all, msgs(t, p)...)
	}
	for i := range n {
		if all[i] != fmt.Sprintf("line %03d", i) {
			t.Fatalf("line %d = %q (order across backups wrong)", i, all[i])
		}
	}
	if len(all) != n {
		t.Errorf("%d lines, want %d", len(all), n)
	}
}

func TestRotationMaxBackups(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f")
	l, err := cuplog.New("r", cuplog.Options{File: f, MaxSize: 300, MaxBackups: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range 100 {
		l.Info("line %03d", i)
		if bk := backups(t, f); len(bk) > 2 || slices.Contains(bk, 3) {
			t.Fatalf("after %d lines backups are %v", i, bk)
		}
	}
	if bk := backups(t, f); !slices.Equal(bk, []int{1, 2}) {
		t.Errorf("backups %v", bk)
	}
	// The newest lines survive.
	if got := msgs(t, f); got[len(got)-1] != "line 099" {
		t.Errorf("live file ends %q", got[len(got)-1])
	}
}

func TestRotationOversizedLine(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f")
	l, err := cuplog.New("r", cuplog.Options{File: f, MaxSize: 300})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	big := strings.Repeat("x", 1000)
	l.Info(big)
	l.Info(big)
	l.Info("small")
	// Never rotates an empty file: no empty backups.
	if bk := backups(t, f); !slices.Equal(bk, []int{1, 2}) {
		t.Fatalf("backups %v", bk)
	}
	for _, p := range []string{f + ".2", f + ".1"} {
		if got := msgs(t, p); !slices.Equal(got, []string{big}) {
			t.Errorf("%s: %d lines", p, len(got))
		}
	}
	if got := msgs(t, f); !slices.Equal(got, []string{"small"}) {
		t.Errorf("live %q", got)
	}
}

func TestRotationKeepNone(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f")
	l, err := cuplog.New("r", cuplog.Options{File: f, MaxSize: 300, MaxBackups: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range 50 {
		l.Info("line %03d", i)
	}
	if bk := backups(t, f); len(bk) != 0 {
		t.Errorf("backups %v", bk)
	}
	got := msgs(t, f)
	if len(got) == 0 || len(got) >= 50 || got[len(got)-1] != "line 049" {
		t.Errorf("live file %q", got)
	}
}

func TestNoRotation(t *testing.T) {
	for _, c := range []struct {
		name string
		opts cuplog.Options
	}{
		{"infinite", cuplog.Options{Mode: cuplog.Infinite, MaxSize: 100}},
		{"negative size", cuplog.Options{Mode: cuplog.Rotation, MaxSize: -1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := fresh(t)
			f := filepath.Join(dir, "f")
			c.opts.File = f
			if err := cuplog.Init("t", c.opts); err != nil {
				t.Fatal(err)
			}
			for i := range 100 {
				cuplog.Info("line %d", i)
			}
			if bk := backups(t, f); len(bk) != 0 {
				t.Errorf("backups %v", bk)
			}
			if got := msgs(t, f); len(got) != 101 {
				t.Errorf("%d lines", len(got))
			}
		})
	}
}

func TestWarnFile(t *testing.T) {
	all := []string{"d", "i", "w", "e", "c"}
	for _, c := range []struct {
		mode     cuplog.WarnFileMode
		wantMain []string
	}{
		{cuplog.WarnSplit, []string{"d", "i"}},
		{cuplog.WarnCopy, all},
	} {
		t.Run(fmt.Sprint(c.mode), func(t *testing.T) {
			dir := fresh(t)
			f := filepath.Join(dir, "f")
			var con syncBuffer
			if err := cuplog.Init("t", cuplog.Options{File: f, Level: cuplog.LevelDebug, WarnFile: true,
				WarnFileMode: c.mode, Console: true, ConsoleWriter: &con}); err != nil {
				t.Fatal(err)
			}
			cuplog.Debug("d")
			cuplog.Info("i")
			cuplog.Warn("w")
			cuplog.Error("e")
			cuplog.Critical("c")
			if got := msgs(t, f)[1:]; !slices.Equal(got, c.wantMain) {
				t.Errorf("main %q, want %q", got, c.wantMain)
			}
			if got := msgs(t, f+".wf"); !slices.Equal(got, []string{"w", "e", "c"}) {
				t.Errorf("wf %q", got)
			}
			if got := len(con.Lines()); got != 6 {
				t.Errorf("console has %d lines, want 6 (not affected by the split)", got)
			}
		})
	}
}

func TestWarnFileRotates(t *testing.T) {
	dir := fresh(t)
	f := filepath.Join(dir, "f")
	l, err := cuplog.New("r", cuplog.Options{File: f, MaxSize: 300, WarnFile: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range 30 {
		l.Warn("warn %d", i)
	}
	if bk := backups(t, f+".wf"); len(bk) == 0 {
		t.Error(".wf did not rotate")
	}
	if _, err := os.Stat(f); err != nil {
		t.Error(err)
	}
}

func TestOutputWriter(t *testing.T) {
	dir := fresh(t)
	var out syncBuffer
	f := filepath.Join(dir, "f")
	if err := cuplog.Init("t", cuplog.Options{File: f, Output: &out, MaxSize: 100, WarnFile: true, WarnFileMode: cuplog.WarnCopy}); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		cuplog.Info("to output %d", i)
	}
	cuplog.Error("err")
	if got := len(out.Lines()); got != 22 {
		t.Errorf("output has %d lines", got)
	}
	if _, err := os.Stat(f); !os.IsNotExist(err) {
		t.Errorf("main file created despite Output: %v", err)
	}
	if got := msgs(t, f+".wf"); !slices.Equal(got, []string{"err"}) {
		t.Errorf("wf %q", got)
	}
}

// TestConcurrentRotation: item 26 and the 8 goroutines x 100k
// lines across at least 20 rotations; every line must be present exactly
// once and intact.
func TestConcurrentRotation(t *testing.T) {
	cases := []struct{ goroutines, lines int }{{16, 10_000}, {8, 100_000}}
	if testing.Short() {
		cases = []struct{ goroutines, lines int }{{16, 2_000}, {8, 5_000}}
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dx%d", c.goroutines, c.lines), func(t *testing.T) {
			dir := fresh(t)
			f := filepath.Join(dir, "f")
			// About 90 bytes a line: aim for ~25 rotations, keep them all.
			total := int64(c.goroutines * c.lines * 90)
			l, err := cuplog.New("c", cuplog.Options{File: f, MaxSize: total / 25, MaxBackups: 1000})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			var wg sync.WaitGroup
			for g := range c.goroutines {
				wg.Go(func() {
					for i := range c.lines {
						l.Info("g%d n%d", g, i)
					}
				})
			}
			wg.Wait()
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			t.Logf("written in %v", time.Since(start))
			checkAllOnce(t, f, c.goroutines, c.lines, 20)
		})
	}
}

// checkAllOnce reads f and its backups and checks that line "gG nI"
// appears exactly once for every G and I, and that there were at least
// minRotations rotations.
func checkAllOnce(t *testing.T, f string, goroutines, lines, minRotations int) {
	t.Helper()
	bk := backups(t, f)
	if len(bk) < minRotations {
		t.Errorf("%d rotations, want at least %d", len(bk), minRotations)
	}
	seen := make([][]uint8, goroutines)
	for g := range seen {
		seen[g] = make([]uint8, lines)
	}
	paths := []string{f}
	for _, n := range bk {
		paths = append(paths, f+"."+strconv.Itoa(n))
	}
	count := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for len(data) > 0 {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				t.Fatalf("%s: last line not terminated: %q", p, data)
			}
			line := string(data[:i])
			data = data[i+1:]
			e, err := cuplog.Parse(line)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			g, n, ok := splitGN(e.Msg)
			if !ok || g >= goroutines || n >= lines {
				t.Fatalf("%s: bad message in %q", p, line)
			}
			seen[g][n]++
			count++
		}
	}
	for g := range seen {
		for n, k := range seen[g] {
			if k != 1 {
				t.Fatalf("line g%d n%d seen %d times", g, n, k)
			}
		}
	}
	if count != goroutines*lines {
		t.Errorf("%d lines, want %d", count, goroutines*lines)
	}
}

// splitGN parses "gG nN".
func splitGN(s string) (g, n int, ok bool) {
	gs, ns, found := strings.Cut(s, " n")
	if !found || len(gs) < 2 || gs[0] != 'g' {
		return 0, 0, false
	}
	g, err1 := strconv.Atoi(gs[1:])
	n, err2 := strconv.Atoi(ns)
	return g, n, err1 == nil && err2 == nil
}

// TestConcurrentReinit: item 17; no record lost or duplicated while the
// default logger is switched to new files under load.
func TestConcurrentReinit(t *testing.T) {
	dir := fresh(t)
	const goroutines, lines, switches = 8, 5_000, 10
	if err := cuplog.Init("r0", cuplog.Options{File: filepath.Join(dir, "r0"), Mode: cuplog.Infinite}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range lines {
				cuplog.Info("g%d n%d", g, i)
			}
		})
	}
	for s := 1; s <= switches; s++ {
		name := "r" + strconv.Itoa(s)
		if err := cuplog.Reinit(name, cuplog.Options{File: filepath.Join(dir, name), Mode: cuplog.Infinite}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	cuplog.Close()
	count := map[string]int{}
	for s := 0; s <= switches; s++ {
		for _, m := range msgs(t, filepath.Join(dir, "r"+strconv.Itoa(s))) {
			count[m]++
		}
	}
	for g := range goroutines {
		for i := range lines {
			if k := count[fmt.Sprintf("g%d n%d", g, i)]; k != 1 {
				t.Fatalf("g%d n%d written %d times", g, i, k)
			}
		}
	}
}
