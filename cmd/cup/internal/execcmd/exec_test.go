package execcmd_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/cmd/cup/internal/execcmd"
	"github.com/cupgo/cup/cmd/cup/internal/root"
	"github.com/cupgo/cup/internal/testutil"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestExecExitCodes(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		stdout     string
		stderrPart string
	}{
		{"ok", []string{"echo", "hi there"}, 0, "hi there\n", ""},
		{"exit 3", []string{"sh", "-c", "echo out; echo err >&2; exit 3"}, 3, "out\n", "err"},
		{"timeout", []string{"--timeout", "1s", "--", "sh", "-c", "sleep 30 & sleep 30"}, 124, "", "timed out after 1s"},
		{"no shell interpretation", []string{"echo", "$HOME;", "*", "`id`"}, 0, "$HOME; * `id`\n", ""},
		{"flags after CMD are CMD's", []string{"sh", "-c", "echo $1", "sh", "--timeout"}, 0, "--timeout\n", ""},
		{"signal", []string{"sh", "-c", "kill -TERM $$"}, 128 + 15, "", ""},
		{"not found", []string{filepath.Join(dir, "missing")}, 127, "", "not found"},
		{"negative timeout", []string{"--timeout", "-1s", "true"}, 2, "", "must not be negative"},
		{"no command", nil, 2, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := root.Run(context.Background(), cmdutil.TestIO(nil, &out, &errOut), append([]string{"exec"}, tc.args...))
			if code != tc.code {
				t.Fatalf("exit code %d, want %d; stderr %q", code, tc.code, errOut.String())
			}
			if out.String() != tc.stdout || !strings.Contains(errOut.String(), tc.stderrPart) {
				t.Fatalf("stdout %q stderr %q; want stdout %q, stderr containing %q", out.String(), errOut.String(), tc.stdout, tc.stderrPart)
			}
		})
	}
}

func TestExecStdin(t *testing.T) {
	var out bytes.Buffer
	code := root.Run(context.Background(), cmdutil.TestIO(strings.NewReader("from stdin\n"), &out, io.Discard), []string{"exec", "cat"})
	if code != 0 || out.String() != "from stdin\n" {
		t.Fatalf("code %d, out %q", code, out.String())
	}
}

type syncBuffer = testutil.SyncBuffer

// TestExecStreams: output reaches the writer while the command still runs.
func TestExecStreams(t *testing.T) {
	var out syncBuffer
	gate := filepath.Join(t.TempDir(), "gate")
	done := make(chan int, 1)
	go func() {
		done <- root.Run(context.Background(), cmdutil.TestIO(nil, &out, io.Discard),
			[]string{"exec", "--timeout", "60s", "sh", "-c", `echo first; while [ ! -e "$1" ]; do sleep 0.05; done; echo second`, "sh", gate})
	}()
	deadline := time.Now().Add(30 * time.Second)
	for out.String() != "first\n" {
		if time.Now().After(deadline) {
			t.Fatalf("first line not streamed; got %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 0 || out.String() != "first\nsecond\n" {
		t.Fatalf("code %d, out %q", code, out.String())
	}
}

func TestExecCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- root.Run(ctx, cmdutil.TestIO(nil, io.Discard, &errOut), []string{"exec", "sleep", "30"})
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	if code := <-done; code != root.ExitSignal {
		t.Fatalf("code %d, want %d; stderr %q", code, root.ExitSignal, errOut.String())
	}
}

func TestExecFlags(t *testing.T) {
	var got *execcmd.Options
	f := &cmdutil.Factory{IO: cmdutil.TestIO(nil, io.Discard, io.Discard)}
	cmd := execcmd.NewCmd(f, func(_ context.Context, o *execcmd.Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--timeout", "1m30s", "--kill-grace", "2s", "--", "ls", "-l", "--timeout"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Timeout != 90*time.Second || got.KillGrace != 2*time.Second || fmt.Sprint(got.Argv) != "[ls -l --timeout]" {
		t.Fatalf("parsed %+v", got)
	}
}
