package autowait

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

// startHelper starts the test binary as a helper; closing the returned
// writer ends it.
func startHelper(t *testing.T, mode string) (*exec.Cmd, io.WriteCloser, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CUP_AUTOWAIT_HELPER="+mode)
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Process.Kill(); cmd.Wait() })
	return cmd, in, bufio.NewReader(out)
}

func TestProcessByPath(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	ctx := context.Background()
	root := t.TempDir()
	app2 := filepath.Join(root, "app2")
	os.Mkdir(app2, 0o755)
	os.Mkdir(filepath.Join(root, "app"), 0o755)
	cmd := exec.Command(sleep, "60")
	cmd.Dir = app2
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	if err := UntilProcessExists(ctx, filepath.Join(app2, "sleep"), Timeout(10*time.Second), Interval(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	// /…/app does not match a process under /…/app2 (CUP's prefix match did).
	if err := UntilProcessExists(ctx, filepath.Join(root, "app", "sleep"), Timeout(0)); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("app vs app2: %v", err)
	}
	// The name must be the executable's, not a substring of it.
	if err := UntilProcessExists(ctx, filepath.Join(app2, "slee"), Timeout(0)); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("substring name matched: %v", err)
	}
	if err := UntilProcessNamed(ctx, "sleep", Timeout(0)); err != nil {
		t.Fatal(err)
	}
	if err := UntilPIDExists(ctx, cmd.Process.Pid, Timeout(0)); err != nil {
		t.Fatal(err)
	}

	// UntilProcessKilled with a process that never exits times out after
	// about Timeout (CUP: Timeout²/Interval).
	start := time.Now()
	err = UntilProcessKilled(ctx, filepath.Join(app2, "sleep"), nil, Timeout(time.Second), Interval(200*time.Millisecond))
	if e := time.Since(start); !errors.Is(err, errs.ErrTimeout) || e < time.Second || e > time.Second+slack {
		t.Fatalf("UntilProcessKilled: %v after %v", err, e)
	}

	time.AfterFunc(200*time.Millisecond, func() { cmd.Process.Kill(); cmd.Wait() })
	if err := UntilProcessGone(ctx, filepath.Join(app2, "sleep"), Timeout(20*time.Second), Interval(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := UntilPIDGone(ctx, cmd.Process.Pid, Timeout(20*time.Second), Interval(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := UntilProcessKilled(ctx, filepath.Join(app2, "sleep"), []int{1}, Timeout(0)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []error{
		UntilProcessExists(ctx, "", Timeout(0)),
		UntilProcessNamed(ctx, "a/b", Timeout(0)),
		UntilPIDGone(ctx, 0, Timeout(0)),
		UntilPortUsed(ctx, 0, Timeout(0)),
		UntilProcessUsesPorts(ctx, "/x", []int{70000}, Timeout(0)),
	} {
		if !errors.Is(bad, errs.ErrInvalidArgument) {
			t.Errorf("bad argument: %v", bad)
		}
	}
	// The caller never counts as the process it waits for.
	exe, _ := os.Executable()
	if err := UntilProcessExists(ctx, exe, Timeout(0)); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("matched itself: %v", err)
	}
}

func TestPorts(t *testing.T) {
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := UntilPortUsed(ctx, port, Timeout(0)); err != nil {
		t.Fatal(err)
	}
	if err := UntilPortFree(ctx, port, Timeout(0)); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("UntilPortFree on a listening port: %v", err)
	}
	time.AfterFunc(100*time.Millisecond, func() { l.Close() })
	if err := UntilPortFree(ctx, port, Timeout(20*time.Second), Interval(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
}

func TestProcessUsesPorts(t *testing.T) {
	ctx := context.Background()
	cmd, in, out := startHelper(t, "listen")
	line, err := out.ReadString('\n')
	if err != nil {
		t.Skipf("helper could not listen on IPv4 and IPv6 loopback: %v", err)
	}
	port, _ := strconv.Atoi(line[:len(line)-1])
	exe, _ := os.Executable()
	if err := UntilProcessUsesPorts(ctx, exe, []int{port}, Timeout(10*time.Second), Interval(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := UntilProcessUsesPorts(ctx, exe, nil, Timeout(0)); err != nil {
		t.Fatal("empty ports:", err)
	}
	if err := UntilProcessUsesPorts(ctx, "/nonexistent/prog", []int{port}, Timeout(0)); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("other path: %v", err)
	}
	if err := UntilProcessKilled(ctx, exe, []int{port}, Timeout(0)); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("killed while running: %v", err)
	}
	in.Close()
	cmd.Wait()
	if err := UntilProcessKilled(ctx, exe, []int{port}, Timeout(20*time.Second), Interval(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
}
