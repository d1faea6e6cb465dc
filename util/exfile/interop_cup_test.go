//go:build interop && linux

// A test against Baidu's own CUP: a CUP 3.2.7 LockFile in a Python process
// and LockFile here exclude each other on the same file, for every pair of
// lock types, and a blocking Lock here is granted when CUP unlocks. CUP's
// source is not part of this repository, so the test is built only with
// -tags interop:
//
//	CUP_SRC=/path/to/CUP-3.2.7 go test -tags interop -run TestInteropCUPLockFile ./util/exfile
//
// or scripts/interop-cup.sh. Once built with the tag, a missing CUP_SRC
// fails the test: it never skips.

package exfile

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/cupinterop"
)

// cupLockPeer holds one CUP LockFile per lock type on argv[3] and obeys
// commands on stdin: "try ex", "try sh" (non-blocking lock: prints "ok" or
// "busy") and "unlock ex", "unlock sh" (prints "ok").
const cupLockPeer = `
import sys
from cup import exfile, err
locks = {'ex': exfile.LockFile(sys.argv[3], exfile.FILELOCK_EXCLUSIVE),
         'sh': exfile.LockFile(sys.argv[3], exfile.FILELOCK_SHARED)}
print('ready'); sys.stdout.flush()
for line in sys.stdin:
    cmd, kind = line.split()
    if cmd == 'try':
        try:
            locks[kind].lock(blocking=False)
            print('ok')
        except err.LockFileError:
            print('busy')
    else:
        locks[kind].unlock()
        print('ok')
    sys.stdout.flush()
`

func TestInteropCUPLockFile(t *testing.T) {
	env := cupinterop.Setup(t, "cup/exfile.py")
	src, stubs, dir, python := env.Src, env.Stubs, env.Dir, env.Python3
	script := env.Script(t, "peer.py", cupLockPeer)
	path := filepath.Join(dir, "shared.lock")

	cmd := exec.Command(python, script, src, stubs, path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := cupinterop.Start(t, cmd)
	defer func() { _ = stdin.Close(); _ = cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	reply := func() string {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("CUP peer stopped: %s", stderr.String())
		}
		return lines.Text()
	}
	peer := func(c string) string {
		t.Helper()
		if _, err := io.WriteString(stdin, c+"\n"); err != nil {
			t.Fatal(err)
		}
		return reply()
	}
	if r := reply(); r != "ready" {
		t.Fatalf("CUP peer said %q", r)
	}

	ex, err := NewLockFile(path, LockExclusive)
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	sh, err := NewLockFile(path, LockShared)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	ours := map[string]*LockFile{"ex": ex, "sh": sh}

	// Every pair: one side holds, the other tries.
	for _, held := range []string{"ex", "sh"} {
		for _, tried := range []string{"ex", "sh"} {
			compatible := held == "sh" && tried == "sh"
			// Go holds, CUP tries.
			if err := ours[held].TryLock(); err != nil {
				t.Fatalf("Go %s lock on a free file: %v", held, err)
			}
			want := "busy"
			if compatible {
				want = "ok"
			}
			if got := peer("try " + tried); got != want {
				t.Errorf("Go holds %s, CUP tries %s: %s, want %s", held, tried, got, want)
			}
			if got := peer("unlock " + tried); got != "ok" {
				t.Fatalf("CUP unlock: %s", got)
			}
			if err := ours[held].Unlock(); err != nil {
				t.Fatal(err)
			}
			// CUP holds, Go tries.
			if got := peer("try " + held); got != "ok" {
				t.Fatalf("CUP %s lock on a free file: %s", held, got)
			}
			err := ours[tried].TryLock()
			switch {
			case compatible && err != nil:
				t.Errorf("CUP holds %s, Go tries %s: %v, want success", held, tried, err)
			case !compatible && !errors.Is(err, errs.ErrWouldBlock):
				t.Errorf("CUP holds %s, Go tries %s: %v, want ErrWouldBlock", held, tried, err)
			}
			if err == nil {
				_ = ours[tried].Unlock()
			}
			if got := peer("unlock " + held); got != "ok" {
				t.Fatalf("CUP unlock: %s", got)
			}
		}
	}

	// A blocking Lock here waits for CUP's exclusive lock and gets the
	// file once CUP unlocks.
	if got := peer("try ex"); got != "ok" {
		t.Fatalf("CUP exclusive lock: %s", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan error, 1)
	go func() { got <- ex.Lock(ctx) }()
	select {
	case err := <-got:
		t.Fatalf("Lock returned %v while CUP held the file", err)
	case <-time.After(200 * time.Millisecond):
	}
	if r := peer("unlock ex"); r != "ok" {
		t.Fatal(r)
	}
	if err := <-got; err != nil {
		t.Fatalf("Lock after CUP unlocked: %v", err)
	}
	if r := peer("try sh"); r != "busy" {
		t.Errorf("CUP shared lock while Go holds exclusive: %s", r)
	}
}
