package exfile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/errs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newLock(t *testing.T, path string, typ LockType) *LockFile {
	t.Helper()
	l, err := NewLockFile(path, typ)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func TestSameProcessSemantics(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	sh1 := newLock(t, path, LockShared)
	sh2 := newLock(t, path, LockShared)
	ex := newLock(t, path, LockExclusive)

	if err := sh1.TryLock(); err != nil {
		t.Fatal(err)
	}
	if err := sh2.TryLock(); err != nil {
		t.Fatalf("shared+shared: %v", err)
	}
	if err := ex.TryLock(); !errors.Is(err, errs.ErrWouldBlock) || !errors.Is(err, errs.ErrLockFile) {
		t.Fatalf("exclusive after shared = %v, want ErrWouldBlock", err)
	}
	if err := sh1.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := sh2.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := ex.TryLock(); err != nil {
		t.Fatalf("exclusive after shared unlocked: %v", err)
	}
	ex2 := newLock(t, path, LockExclusive)
	if err := ex2.TryLock(); !errors.Is(err, errs.ErrWouldBlock) {
		t.Errorf("second exclusive = %v", err)
	}
	if err := sh1.TryLock(); !errors.Is(err, errs.ErrWouldBlock) {
		t.Errorf("shared after exclusive = %v", err)
	}
	if err := ex.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := ex2.TryLock(); err != nil {
		t.Errorf("second exclusive after unlock: %v", err)
	}
	// Unlocking when not locked is not an error.
	if err := sh2.Unlock(); err != nil {
		t.Errorf("Unlock without lock: %v", err)
	}
}

func TestChildProcessSeesLock(t *testing.T) {
	flock, err := exec.LookPath("flock")
	if err != nil {
		t.Skip("flock(1) not installed")
	}
	path := filepath.Join(t.TempDir(), "lock")
	l := newLock(t, path, LockExclusive)
	if err := l.TryLock(); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command(flock, "-n", path, "true").Run(); err == nil {
		t.Fatal("child got the lock while we hold it")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(flock, "-n", path, "true").CombinedOutput(); err != nil {
		t.Fatalf("child after Close: %v %s", err, out)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := l.TryLock(); !errors.Is(err, errs.ErrClosed) {
		t.Errorf("TryLock after Close = %v", err)
	}
}

func TestLockWaitsAndTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	holder := newLock(t, path, LockExclusive)
	if err := holder.TryLock(); err != nil {
		t.Fatal(err)
	}
	waiter := newLock(t, path, LockShared)
	start := time.Now() // before the deadline is set, so elapsed >= 200ms exactly when Lock waits it out
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := waiter.Lock(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("Lock = %v, want DeadlineExceeded", err)
	}
	if time.Since(start) < 200*time.Millisecond {
		t.Error("returned before the deadline")
	}
	// It holds nothing: a third exclusive works once the holder leaves.
	if err := holder.Unlock(); err != nil {
		t.Fatal(err)
	}
	third := newLock(t, path, LockExclusive)
	if err := third.TryLock(); err != nil {
		t.Fatalf("timed-out waiter left a lock: %v", err)
	}
	_ = third.Unlock()

	// A blocked Lock succeeds as soon as the holder unlocks.
	if err := holder.TryLock(); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- waiter.Lock(context.Background()) }()
	time.Sleep(20 * time.Millisecond)
	if err := holder.Unlock(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Lock did not acquire after unlock")
	}
}

func TestConvertThroughSameObject(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	l := newLock(t, path, LockShared)
	if err := l.TryLock(); err != nil {
		t.Fatal(err)
	}
	// Re-locking through the same descriptor converts (here: to exclusive).
	ex := &LockFile{path: l.path, typ: LockExclusive, f: l.f}
	if err := ex.TryLock(); err != nil {
		t.Fatalf("convert shared->exclusive: %v", err)
	}
	other := newLock(t, path, LockShared)
	if err := other.TryLock(); !errors.Is(err, errs.ErrWouldBlock) {
		t.Errorf("shared after conversion to exclusive = %v", err)
	}
}

func TestNewLockFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := NewLockFile(filepath.Join(dir, "missing", "lock"), LockExclusive)
	if !errors.Is(err, errs.ErrLockFile) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing dir: %v", err)
	}
	_, err = NewLockFile(filepath.Join(dir, "bad"), LockType(99))
	if !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("bad type: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("invalid type created the file")
	}
	p := filepath.Join(dir, "mode")
	newLock(t, p, LockShared)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", fi.Mode().Perm())
	}
}

func ExampleLockFile() {
	path := filepath.Join(os.TempDir(), "cup-example.lock")
	l, err := NewLockFile(path, LockExclusive)
	if err != nil {
		panic(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.Lock(ctx); err != nil {
		panic(err)
	}
	// ... critical section shared with other processes ...
	err = l.Unlock()
	// Output:
}
