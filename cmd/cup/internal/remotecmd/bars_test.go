package remotecmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/internal/testenv"
)

func TestBarLine(t *testing.T) {
	for _, tc := range []struct {
		bytes, total int64
		rate         float64
		want         string
	}{
		{0, -1, 0, "h1     [------------------------]   ?%  0 B"},
		{512 << 10, 1 << 20, 2 << 20, "h1     [############------------]  50%  512.0 KiB / 1.0 MiB  2.0 MiB/s"},
		{1 << 20, 1 << 20, 0, "h1     [########################] 100%  1.0 MiB / 1.0 MiB"},
		{0, 0, 0, "h1     [########################] 100%  0 B / 0 B"},
	} {
		if got := barLine("h1", 5, tc.bytes, tc.total, tc.rate); got != tc.want {
			t.Errorf("barLine(%d, %d) = %q, want %q", tc.bytes, tc.total, got, tc.want)
		}
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 256 << 20: "256.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// On a terminal the copy draws one bar per host, redrawn in place, and
// ends with every bar full.
func TestCopyBars(t *testing.T) {
	env := testenv.SSHServers(t)
	base := t.TempDir()
	src := filepath.Join(base, "big")
	if err := os.WriteFile(src, bytes.Repeat([]byte{7}, 8<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	opts := &Options{
		IO:    cmdutil.TestIO(nil, &out, &errOut),
		Hosts: env.Hosts[:2], User: env.User, KeyFiles: []string{env.KeyFile}, KnownHosts: env.KnownHosts,
		Parallel: 2, Src: src, Dst: filepath.Join(base, "copy"), Bars: true,
	}
	// both hosts write the same path: that is fine, each renames its own temporary file
	if err := runCopy(context.Background(), opts); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
	}
	s := out.String()
	if !strings.Contains(s, "\x1b[2A") || strings.Count(s, "100%  8.0 MiB / 8.0 MiB") < 2 || errOut.Len() != 0 {
		t.Fatalf("bars: %q / %q", s, errOut.String())
	}
	if !strings.Contains(s, "HOST") || !strings.Contains(s, "copied 8.0 MiB") {
		t.Fatalf("no table after the bars: %q", s)
	}
}
