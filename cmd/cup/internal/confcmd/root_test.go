package confcmd_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/cmd/cup/internal/root"
)

// TestThroughRoot runs the real command tree: a malformed file exits 1
// with FILE:LINE: reason on stderr, printed once.
func TestThroughRoot(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.conf")
	os.WriteFile(bad, []byte("k: v\n[a]\n[...c]\n"), 0o644)
	var out, errOut bytes.Buffer
	code := root.Run(context.Background(), cmdutil.TestIO(nil, &out, &errOut), []string{"conf", "json", bad})
	if code != 1 || !strings.Contains(errOut.String(), bad+":3: section level skipped") || strings.Count(errOut.String(), "\n") != 1 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	out.Reset()
	errOut.Reset()
	code = root.Run(context.Background(), cmdutil.TestIO(strings.NewReader(`{"a":"1"}`), &out, &errOut), []string{"conf", "fmt", "-"})
	if code != 0 || out.String() != "a:1\n" {
		t.Fatalf("fmt: exit %d %q %q", code, out.String(), errOut.String())
	}
	code = root.Run(context.Background(), cmdutil.TestIO(nil, &out, &errOut), []string{"conf", "json"})
	if code != 2 {
		t.Fatalf("missing argument: exit %d", code)
	}
}
