package thread

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/errs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestTerminateCooperative(t *testing.T) {
	th := Go(context.Background(), func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	})
	if !th.Alive() {
		t.Fatal("not alive after Go")
	}
	if !th.Terminate(10 * time.Second) {
		t.Fatal("Terminate returned false for a function honouring ctx")
	}
	err := th.Wait()
	if !errors.Is(err, errs.ErrThreadTerminated) || !errors.Is(err, context.Canceled) {
		t.Errorf("Wait() = %v, want ErrThreadTerminated and context.Canceled", err)
	}
	if th.Alive() {
		t.Error("alive after Terminate")
	}
	if th.Interrupt(nil) {
		t.Error("Interrupt on a finished thread returned true")
	}
}

func TestTerminateIgnoringContext(t *testing.T) {
	release := make(chan struct{})
	th := Go(context.Background(), func(ctx context.Context) error {
		<-release // ignores ctx
		return nil
	})
	start := time.Now()
	if th.Terminate(time.Second) {
		t.Fatal("Terminate returned true for a function ignoring ctx")
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("Terminate returned after %v, before its timeout", d)
	}
	if !th.Alive() {
		t.Error("thread should still be alive")
	}
	close(release)
	if err := th.Wait(); err != nil {
		t.Errorf("Wait() = %v", err)
	}
}

func TestInterruptCause(t *testing.T) {
	myErr := errors.New("stop now")
	th := Go(context.Background(), func(ctx context.Context) error {
		<-ctx.Done()
		return fmt.Errorf("worker: %w", ctx.Err())
	})
	if !th.Interrupt(myErr) {
		t.Fatal("Interrupt returned false")
	}
	<-th.Done()
	if err := th.Wait(); !errors.Is(err, myErr) {
		t.Errorf("Wait() = %v, want cause", err)
	}
}

func TestParentCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	th := Go(ctx, func(ctx context.Context) error { <-ctx.Done(); return nil })
	cancel()
	if err := th.Wait(); err != nil {
		t.Errorf("Wait() = %v", err)
	}
}

func TestPanicIsError(t *testing.T) {
	th := Go(context.Background(), func(ctx context.Context) error { panic("boom") })
	err := th.Wait()
	if err == nil || !strings.Contains(err.Error(), "panic: boom") {
		t.Errorf("Wait() = %v", err)
	}
}

func TestIDsSequential(t *testing.T) {
	a := Go(context.Background(), func(context.Context) error { return nil })
	b := Go(context.Background(), func(context.Context) error { return nil })
	_, _ = a.Wait(), b.Wait()
	if b.ID() <= a.ID() {
		t.Errorf("ids %d, %d not increasing", a.ID(), b.ID())
	}
}

func ExampleGo() {
	th := Go(context.Background(), func(ctx context.Context) error {
		<-ctx.Done() // a real worker would loop, checking ctx between steps
		return ctx.Err()
	})
	stopped := th.Terminate(time.Second)
	fmt.Println(stopped, errors.Is(th.Wait(), errs.ErrThreadTerminated))
	// Output: true true
}
