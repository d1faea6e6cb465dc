package log_test

import (
	"io"
	"path/filepath"
	"testing"

	cuplog "github.com/cupgo/cup/log"
)

// TestAllocs is the allocation budget of the hot path: a message without
// arguments written to a file costs no allocation, nor does a record
// below the level.
func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	dir := fresh(t)
	l, err := cuplog.New("a", cuplog.Options{File: filepath.Join(dir, "f"), MaxSize: 1 << 20, WarnFile: true,
		Console: true, ConsoleWriter: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := cuplog.Init("d", cuplog.Options{File: filepath.Join(dir, "d"), MaxSize: 1 << 20}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    func()
	}{
		{"Logger.Info", func() { l.Info("a message without arguments") }},
		{"Logger.Warn to .wf", func() { l.Warn("a warning without arguments") }},
		{"package Info", func() { cuplog.Info("a message without arguments") }},
		{"InfoDepth", func() { cuplog.InfoDepth(0, "depth") }},
		{"disabled Debug with args", func() { l.Debug("x %d", 1) }},
	}
	for _, c := range cases {
		c.f() // warm the caller cache and the buffer pool
		if got := testing.AllocsPerRun(1000, c.f); got != 0 {
			t.Errorf("%s: %v allocs/op, want 0", c.name, got)
		}
	}
}
