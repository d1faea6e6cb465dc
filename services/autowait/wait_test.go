package autowait

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

// slack is the tolerance for timing assertions on a loaded machine.
const slack = 2 * time.Second

func TestTimeoutZeroChecksOnce(t *testing.T) {
	var calls atomic.Int32
	start := time.Now()
	err := Until(context.Background(), func(context.Context) (bool, error) { calls.Add(1); return false, nil }, Timeout(0))
	if !errors.Is(err, errs.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("%d checks, want exactly 1 (CUP made none)", calls.Load())
	}
	if time.Since(start) > slack {
		t.Fatal("Timeout(0) waited")
	}
	if err := Until(context.Background(), func(context.Context) (bool, error) { return true, nil }, Timeout(-time.Second)); err != nil {
		t.Fatalf("true condition with Timeout(-1s): %v", err)
	}
}

func TestTimeoutOnTime(t *testing.T) {
	const timeout = 250 * time.Millisecond
	var last time.Duration
	start := time.Now()
	err := Until(context.Background(), func(context.Context) (bool, error) {
		last = time.Since(start)
		return false, nil
	}, Timeout(timeout), Interval(200*time.Millisecond))
	elapsed := time.Since(start)
	if !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("err = %v", err)
	}
	if elapsed < timeout || elapsed > timeout+slack {
		t.Fatalf("returned after %v, want about %v", elapsed, timeout)
	}
	if last < timeout {
		t.Fatalf("last check at %v: no final check at the deadline", last)
	}
	// A slow probe does not stretch the wait (CUP counted only sleeps).
	start = time.Now()
	err = Until(context.Background(), func(context.Context) (bool, error) {
		time.Sleep(150 * time.Millisecond)
		return false, nil
	}, Timeout(300*time.Millisecond), Interval(10*time.Millisecond))
	if elapsed := time.Since(start); !errors.Is(err, errs.ErrTimeout) || elapsed > 300*time.Millisecond+150*time.Millisecond+slack {
		t.Fatalf("slow probe: %v after %v", err, elapsed)
	}
}

func TestUntilAndErrors(t *testing.T) {
	ctx := context.Background()
	var n atomic.Int32
	if err := Until(ctx, func(context.Context) (bool, error) { return n.Add(1) == 3, nil }, Interval(time.Millisecond)); err != nil || n.Load() != 3 {
		t.Fatalf("Until = %v after %d checks", err, n.Load())
	}
	n.Store(0)
	if err := UntilFalse(ctx, func(context.Context) (bool, error) { return n.Add(1) < 3, nil }, Interval(time.Millisecond)); err != nil || n.Load() != 3 {
		t.Fatalf("UntilFalse = %v after %d checks", err, n.Load())
	}
	boom := errors.New("probe failed")
	if err := Until(ctx, func(context.Context) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Fatalf("probe error: %v", err)
	}
	if err := UntilFalse(ctx, func(context.Context) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Fatalf("UntilFalse probe error: %v", err)
	}
	if err := Until(ctx, func(context.Context) (bool, error) { return true, nil }, Interval(0)); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("Interval(0): %v", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := Until(ctx, func(context.Context) (bool, error) { return false, nil }, Interval(10*time.Second), Timeout(time.Minute))
	if !errors.Is(err, context.Canceled) || time.Since(start) > slack {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
	if err := UntilFileExists(ctx, t.TempDir(), "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ctx: %v", err)
	}
}

func TestUntilFileExists(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ready"), nil, 0o644)
	start := time.Now()
	if err := UntilFileExists(ctx, dir, " ready \n", Timeout(0)); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > slack {
		t.Fatal("existing file not found at once")
	}
	time.AfterFunc(300*time.Millisecond, func() { os.WriteFile(filepath.Join(dir, "later"), nil, 0o644) })
	start = time.Now()
	if err := UntilFileExists(ctx, dir, "later", Interval(100*time.Millisecond), Timeout(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if e := time.Since(start); e < 300*time.Millisecond || e > 400*time.Millisecond+slack {
		t.Fatalf("found after %v", e)
	}
	start = time.Now()
	err := UntilFileExists(ctx, dir, "never", Interval(50*time.Millisecond), Timeout(200*time.Millisecond))
	if e := time.Since(start); !errors.Is(err, errs.ErrTimeout) || e < 200*time.Millisecond || e > 200*time.Millisecond+slack {
		t.Fatalf("timeout: %v after %v", err, e)
	}
	deep := filepath.Join(dir, "a", "b", "c")
	os.MkdirAll(deep, 0o755)
	os.WriteFile(filepath.Join(deep, "x.conf"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "dir.conf"), 0o755)
	tests := []struct {
		name string
		opts []Option
		ok   bool
	}{
		{"x.conf", []Option{Recursive()}, true},
		{"x.conf", nil, false},
		{"a/b/c/x.conf", nil, true},
		{"*.conf", []Option{Recursive()}, true},
		{"x.c?nf", []Option{Recursive(), FollowSymlinks()}, true},
		{"*.conf", nil, true}, // dir.conf exists at the top (a directory counts, as in CUP)
		{"*.ini", []Option{Recursive()}, false},
		{"c", []Option{Recursive()}, false}, // directories do not count when recursive
	}
	for _, tt := range tests {
		err := UntilFileExists(ctx, dir, tt.name, append(tt.opts, Timeout(0))...)
		if (err == nil) != tt.ok {
			t.Errorf("UntilFileExists(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
	if err := UntilFileExists(ctx, dir, "[", Timeout(0)); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("bad pattern: %v", err)
	}
	if err := UntilFileExists(ctx, filepath.Join(dir, "missing"), "*", Timeout(0)); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("missing dir: %v", err)
	}
	// Symlinked directories are followed only on request, loops once.
	link := t.TempDir()
	os.Symlink(deep, filepath.Join(link, "l"))
	os.Symlink(link, filepath.Join(link, "loop"))
	if err := UntilFileExists(ctx, link, "*.conf", Recursive(), Timeout(0)); err == nil {
		t.Fatal("followed a symlink without FollowSymlinks")
	}
	if err := UntilFileExists(ctx, link, "*.conf", Recursive(), FollowSymlinks(), Timeout(0)); err != nil {
		t.Fatal(err)
	}
}

func TestUntilRegexInFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	re := regexp.MustCompile(`hello world$`)
	appendText := func(s string) {
		f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		f.WriteString(s)
		f.Close()
	}
	// Written in two pieces between checks; the missing file appears later.
	time.AfterFunc(100*time.Millisecond, func() { appendText("start\nhello wor") })
	time.AfterFunc(400*time.Millisecond, func() { appendText("ld\n") })
	if err := UntilRegexInFile(ctx, path, re, Interval(50*time.Millisecond), Timeout(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	// Already-read content is not read again; new lines are.
	lr := &lineReader{path: path}
	if ok, _ := lr.scan(regexp.MustCompile("start"), false); !ok {
		t.Fatal("first scan missed")
	}
	if ok, _ := lr.scan(regexp.MustCompile("start"), false); ok {
		t.Fatal("old content matched twice")
	}
	// An unterminated last line counts at the deadline only.
	appendText("tail without newline")
	if ok, _ := lr.scan(regexp.MustCompile("without"), false); ok {
		t.Fatal("partial line matched before the deadline")
	}
	if ok, _ := lr.scan(regexp.MustCompile("without"), true); !ok {
		t.Fatal("partial line not matched at the deadline")
	}
	// Rotation: the file is replaced by a shorter one.
	lr = &lineReader{path: path}
	lr.scan(re, false)
	os.Rename(path, path+".1")
	os.WriteFile(path, []byte("fresh\n"), 0o644)
	if ok, _ := lr.scan(regexp.MustCompile("^fresh$"), false); !ok {
		t.Fatal("replaced file not re-read")
	}
	// Truncation in place.
	os.WriteFile(path, []byte("x\n"), 0o644)
	if ok, _ := lr.scan(regexp.MustCompile("^x$"), false); !ok {
		t.Fatal("truncated file not re-read")
	}
	start := time.Now()
	err := UntilRegexInFile(ctx, path, regexp.MustCompile("nope"), Timeout(150*time.Millisecond), Interval(50*time.Millisecond))
	if !errors.Is(err, errs.ErrTimeout) || time.Since(start) > 150*time.Millisecond+slack {
		t.Fatalf("timeout: %v", err)
	}
	if err := UntilRegexInFile(ctx, path, nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("nil regexp: %v", err)
	}
}
