package procfs

import (
	"errors"
	"testing"

	"github.com/cupgo/cup/errs"
)

// Malformed input: each parser reports the offending line.
func TestParserErrorsNameLine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		parse func([]byte) error
		in    string
		line  int
	}{
		{"stat cpu column", func(b []byte) error { _, err := ParseSystemStat(b); return err }, "cpu 1 2 3 4\ncpu0 1 x 3 4\n", 2},
		{"stat short cpu", func(b []byte) error { _, err := ParseSystemStat(b); return err }, "cpu 1 2 3\n", 1},
		{"stat btime", func(b []byte) error { _, err := ParseSystemStat(b); return err }, "cpu 1 2 3 4\nbtime x\n", 2},
		{"meminfo", func(b []byte) error { _, err := ParseMeminfo(b); return err }, "MemTotal: 1 kB\nMemFree 2 kB\n", 2},
		{"meminfo unit", func(b []byte) error { _, err := ParseMeminfo(b); return err }, "MemTotal: 1 MB\n", 1},
		{"swaps header", func(b []byte) error { _, err := ParseSwaps(b); return err }, "junk\n", 1},
		{"swaps row", func(b []byte) error { _, err := ParseSwaps(b); return err }, "Filename Type Size Used Priority\n/a partition x 0 -2\n", 2},
		{"net/dev", func(b []byte) error { _, err := ParseNetDev(b); return err }, "a|b\nc|d\n eth0: 1 2 3\n", 3},
		{"status", func(b []byte) error { _, err := ParseStatus(b); return err }, "Name:\tx\nPPid:\tx\n", 2},
		{"io", func(b []byte) error { _, err := ParseIO(b); return err }, "rchar: 1\nsyscr: -1\n", 2},
		{"statm", func(b []byte) error { _, err := ParseStatm(b); return err }, "1 2 3\n", 1},
		{"tcp", func(b []byte) error { _, err := ParseInetSockets(b); return err }, "h\n 0: 0100007F:0016 00000000:0000 0A 0 0 0 0 0 zz\n", 2},
		{"unix", func(b []byte) error { _, err := ParseUnixSockets(b); return err }, "h\nbad\n", 2},
		{"vmstat", func(b []byte) error { _, err := ParseVMStat(b); return err }, "nr_free_pages 1\npswpin x\n", 2},
		{"loadavg", func(b []byte) error { _, err := ParseLoadAvg(b); return err }, "1 2 3 4 5\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.parse([]byte(tc.in))
			var pe *errs.ParseError
			if !errors.As(err, &pe) || pe.Line != tc.line || !errors.Is(err, errs.ErrParse) {
				t.Fatalf("got %v, want a parse error at line %d", err, tc.line)
			}
		})
	}
}

func TestReaderNamesFile(t *testing.T) {
	fs := NewFS(t.TempDir())
	_, err := fs.Meminfo()
	if err == nil {
		t.Fatal("Meminfo of an empty root succeeded")
	}
	_, err = NewFS("testdata/proc").Status(999999)
	if !errors.Is(err, errs.ErrNoSuchProcess) {
		t.Fatalf("Status(999999) = %v", err)
	}
}

func TestParseCmdline(t *testing.T) {
	for in, want := range map[string][]string{"": {}, "a\x00": {"a"}, "a\x00\x00b\x00": {"a", "", "b"}, "a b": {"a b"}, "a\x00\x00": {"a", ""}} {
		got := ParseCmdline([]byte(in))
		if len(got) != len(want) {
			t.Errorf("ParseCmdline(%q) = %q", in, got)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("ParseCmdline(%q) = %q", in, got)
			}
		}
	}
}
