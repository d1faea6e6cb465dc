package netcmd_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/cmd/cup/internal/root"
)

// TestThroughRoot runs the real command tree: "cup net" is registered,
// an unknown interface exits 1 with one line on stderr, and a bad --get
// is a usage error (exit 2).
func TestThroughRoot(t *testing.T) {
	tests := []struct {
		args      []string
		code      int
		outPrefix string
		errPart   string
	}{
		{[]string{"net", "ip", "lo"}, 0, "IFACE", ""},
		{[]string{"net", "routes"}, 0, "DESTINATION", ""},
		{[]string{"net", "ip", "nope0"}, 1, "", `no such network interface "nope0"`},
		{[]string{"net", "routes", "--get", "1.2.3.256"}, 2, "", `--get "1.2.3.256"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := root.Run(context.Background(), cmdutil.TestIO(nil, &out, &errOut), tt.args)
			if code != tt.code || !strings.HasPrefix(out.String(), tt.outPrefix) || !strings.Contains(errOut.String(), tt.errPart) {
				t.Fatalf("exit %d (want %d)\nstdout %q\nstderr %q", code, tt.code, out.String(), errOut.String())
			}
		})
	}
}
