//go:build linux

package shell

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

func TestAsyncLifecycle(t *testing.T) {
	var e Exec
	a, err := e.Start(context.Background(), "sleep 1; echo done", 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if a.PID() <= 0 {
		t.Fatalf("pid %d", a.PID())
	}
	if r, ok := a.Result(); ok || r.ReturnCode != ReturnCodeRunning {
		t.Fatalf("while running: %+v, %v", r, ok)
	}
	// The shell waits for sleep: sleeping (poll briefly: it may be
	// running for an instant right after the start).
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, ok := a.Status()
		if ok && st == "STATUS_SLEEPING" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Status = %q, %v; want STATUS_SLEEPING", st, ok)
		}
		time.Sleep(10 * time.Millisecond)
	}
	res, err := a.Wait(context.Background())
	if err != nil || res.ReturnCode != 0 || res.Stdout != "done\n" {
		t.Fatalf("Wait = %+v, %v", res, err)
	}
	if _, ok := a.Status(); ok {
		t.Fatal("Status after the end reports ok")
	}
	if r, ok := a.Result(); !ok || r.Stdout != "done\n" {
		t.Fatalf("Result after the end = %+v, %v", r, ok)
	}
	select {
	case <-a.Done():
	default:
		t.Fatal("Done not closed after Wait")
	}
	assertReaped(t, res.PID)
	if err := a.Kill(); err != nil {
		t.Fatalf("Kill after the end: %v", err)
	}
}

func TestAsyncTimeout(t *testing.T) {
	var e Exec
	start := time.Now()
	a, err := e.Start(context.Background(), "sleep 10", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Wait(context.Background())
	if !errors.Is(err, errs.ErrTimeout) || res.ReturnCode != 999 || !res.TimedOut {
		t.Fatalf("got %+v, %v", res, err)
	}
	if time.Since(start) < time.Second {
		t.Fatal("returned before the timeout")
	}
}

func TestAsyncKillTree(t *testing.T) {
	dir := t.TempDir()
	var e Exec
	a, err := e.Start(context.Background(), helperCmd("tree", dir), 0)
	if err != nil {
		t.Fatal(err)
	}
	procs := readPIDs(t, dir, "l1", "l2", "l2s", "l3")
	if err := a.Kill(); err != nil {
		t.Fatal(err)
	}
	res, err := a.Wait(context.Background())
	if !errors.Is(err, context.Canceled) || res.ReturnCode != -1 {
		t.Fatalf("got %+v, %v", res, err)
	}
	assertReaped(t, a.PID())
	waitDead(t, procs)
}

func TestAsyncLargeOutput(t *testing.T) {
	var e Exec
	a, err := e.Start(context.Background(), "head -c 1048576 /dev/zero", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Wait(context.Background())
	if err != nil || res.ReturnCode != 0 || len(res.Stdout) != 1<<20 {
		t.Fatalf("rc %d, %d bytes, %v", res.ReturnCode, len(res.Stdout), err)
	}
}

func TestAsyncWaitCtx(t *testing.T) {
	var e Exec
	a, err := e.Start(context.Background(), "echo partial; sleep 30", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Kill()
	// Wait with a short ctx returns a snapshot and ctx's error; the
	// command goes on.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		res, err := a.Wait(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || res.ReturnCode != ReturnCodeRunning {
			t.Fatalf("got %+v, %v", res, err)
		}
		if res.Stdout == "partial\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("snapshot never showed the output: %+v", res)
		}
	}
	if _, ok := a.Status(); !ok {
		t.Fatal("command ended after Wait's ctx expired")
	}
}

func TestStartInvalid(t *testing.T) {
	var e Exec
	if a, err := e.Start(context.Background(), "true", -1); !errors.Is(err, errs.ErrInvalidArgument) || a != nil {
		t.Fatalf("got %v, %v", a, err)
	}
}
