//go:build linux

package shell

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/procfs"
)

func TestExecShell(t *testing.T) {
	var out bytes.Buffer
	rc, err := ExecShell(context.Background(), "echo hidden; exit 4", ExecShellOptions{Print: true, Out: &out})
	if err != nil || rc != 4 {
		t.Fatalf("rc %d, %v", rc, err)
	}
	if out.String() != "To exec cmd:echo hidden; exit 4\n" {
		t.Fatalf("printed %q", out.String())
	}
	rc, err = ExecShell(context.Background(), "sleep 30", ExecShellOptions{Timeout: 500 * time.Millisecond})
	if rc != 999 || !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("timeout: rc %d, %v", rc, err)
	}
	out.Reset()
	rc, err = ExecShell(context.Background(), "true", ExecShellOptions{Print: true, Out: &out, Timeout: -1})
	if !errors.Is(err, errs.ErrInvalidArgument) || rc != -1 || out.Len() != 0 {
		t.Fatalf("negative timeout: rc %d, %v, printed %q", rc, err, out.String())
	}
}

func TestOutputHelpers(t *testing.T) {
	ctx := context.Background()
	out, err := Output(ctx, "echo a; echo b >&2")
	if err != nil || out != "a\n" {
		t.Fatalf("Output = %q, %v", out, err)
	}
	ls, err := OutputLines(ctx, "echo a; echo b >&2; printf 'c\\n\\nd'")
	if err != nil || !slices.Equal(ls, []string{"a", "c", "", "d"}) {
		t.Fatalf("OutputLines = %q, %v", ls, err)
	}
	ls, err = CombinedOutputLines(ctx, "echo a; echo b >&2")
	if err != nil || !slices.Equal(ls, []string{"a", "b"}) {
		t.Fatalf("CombinedOutputLines = %q, %v", ls, err)
	}
	out, err = Output(ctx, "echo partial; echo why >&2; exit 2")
	var ee *ExitError
	if !errors.As(err, &ee) || ee.ReturnCode != 2 || ee.Stderr != "why\n" || out != "partial\n" || !errors.Is(err, errs.ErrShell) {
		t.Fatalf("Output failing = %q, %v", out, err)
	}
	ls, err = CombinedOutputLines(ctx, "echo x; kill -TERM $$")
	if !errors.As(err, &ee) || ee.ReturnCode != -15 || !slices.Equal(ls, []string{"x"}) {
		t.Fatalf("CombinedOutputLines killed = %q, %v", ls, err)
	}
	if ls, err := OutputLines(ctx, "true"); err != nil || ls != nil {
		t.Fatalf("OutputLines(true) = %q, %v", ls, err)
	}
}

func TestPipe(t *testing.T) {
	r, err := Pipe(context.Background(), "echo one; echo two >&2; echo three")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil || string(b) != "one\nthree\n" {
		t.Fatalf("read %q, %v", b, err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}

	r, err = Pipe(context.Background(), "echo x; exit 5")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(r)
	var ee *ExitError
	if err := r.Close(); !errors.As(err, &ee) || ee.ReturnCode != 5 {
		t.Fatalf("Close = %v, want exit status 5", err)
	}

	// Closing early: the writer gets SIGPIPE and Close returns.
	r, err = Pipe(context.Background(), "yes")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "y\ny\ny\ny\ny\n" {
		t.Fatalf("read %q, %v", buf, err)
	}
	// -13 if the shell exec'd yes, 141 (128+SIGPIPE) if it forked it.
	if err := r.Close(); !errors.As(err, &ee) || ee.ReturnCode != -13 && ee.ReturnCode != 141 {
		t.Fatalf("Close after early stop = %v, want SIGPIPE", err)
	}

	// Cancelling ctx kills the command.
	ctx, cancel := context.WithCancel(context.Background())
	r, err = Pipe(ctx, "sleep 30")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := r.Close(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close after cancel = %v", err)
	}
}

func TestStartDetached(t *testing.T) {
	f := filepath.Join(t.TempDir(), "touched")
	start := time.Now()
	pid, err := StartDetached("sleep 1; touch " + Quote(f))
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 900*time.Millisecond {
		t.Fatalf("StartDetached waited for the command (%v)", time.Since(start))
	}
	st, err := procfs.NewFS("").Stat(pid)
	if err != nil {
		t.Fatalf("detached pid %d: %v", pid, err)
	}
	if st.PPID == os.Getpid() {
		t.Fatalf("detached command is still our child")
	}
	if st.Session == sessionOf(t, os.Getpid()) {
		t.Fatalf("detached command shares our session %d", st.Session)
	}
	if z := zombieChildren(t); len(z) != 0 {
		t.Fatalf("zombie children of the test: %v", z)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(f); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("detached command never ran")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if z := zombieChildren(t); len(z) != 0 {
		t.Fatalf("zombie children of the test: %v", z)
	}
	if _, err := StartDetached("x\x00"); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("NUL: %v", err)
	}
}

func sessionOf(t *testing.T, pid int) int {
	st, err := procfs.NewFS("").Stat(pid)
	if err != nil {
		t.Fatal(err)
	}
	return st.Session
}

func zombieChildren(t *testing.T) []int {
	fs := procfs.NewFS("")
	pids, err := fs.AllPIDs()
	if err != nil {
		t.Fatal(err)
	}
	var z []int
	for _, p := range pids {
		if st, err := fs.Stat(p); err == nil && st.PPID == os.Getpid() && st.State == 'Z' {
			z = append(z, p)
		}
	}
	return z
}

func TestWhich(t *testing.T) {
	p, err := Which("sh")
	if err != nil || !filepath.IsAbs(p) {
		t.Fatalf("Which(sh) = %q, %v", p, err)
	}
	if p2, err := Which(p); err != nil || p2 != p {
		t.Fatalf("Which(%q) = %q, %v", p, p2, err)
	}
	if _, err := Which("no-such-cmd-xyz"); !errors.Is(err, exec.ErrNotFound) {
		t.Fatalf("Which(missing) = %v", err)
	}
	if _, err := Which("/etc/passwd"); err == nil || strings.Contains(err.Error(), "<nil>") {
		t.Fatalf("Which(non-executable) = %v", err)
	}
}
