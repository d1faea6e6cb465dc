package heartbeatcmd_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/cmd/cup/internal/root"
)

// The subcommands are registered and usage errors exit 2.
func TestThroughRoot(t *testing.T) {
	for _, args := range [][]string{{"heartbeat", "agent"}, {"heartbeat", "master"}, {"heartbeat", "master", "--listen", ":0", "--lost-after", "-1s"}} {
		var out, errOut bytes.Buffer
		code := root.Run(context.Background(), cmdutil.TestIO(nil, &out, &errOut), args)
		if code != root.ExitUsage {
			t.Errorf("cup %s: exit %d, want %d (stderr %q)", strings.Join(args, " "), code, root.ExitUsage, errOut.String())
		}
	}
	var out bytes.Buffer
	if code := root.Run(context.Background(), cmdutil.TestIO(nil, &out, &out), []string{"heartbeat", "--help"}); code != 0 || !strings.Contains(out.String(), "master") {
		t.Errorf("cup heartbeat --help: exit %d, output %q", code, out.String())
	}
}
