// Package cupinterop runs Baidu's CUP beside the tests that compare cup
// with it (the files built with -tags interop, run by
// scripts/interop-cup.sh). CUP's code is not part of this repository: the
// tests find a checkout through CUP_SRC and the interpreters through
// CUP_PYTHON (Python 2.7, CUP 3.2.7's own code base) and CUP_PYTHON3.
//
// A test that asks for CUP fails when CUP_SRC is not set; it never skips.
package cupinterop

import (
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stubModules are stand-ins for the third-party modules CUP 3.2.7 imports
// at package level (cup/__init__.py, cup/net, cup/shell) without needing
// them in the code under test.
var stubModules = map[string]string{
	"netifaces.py": "AF_INET = 2\nAF_INET6 = 10\ndef interfaces():\n    return []\ndef ifaddresses(name):\n    return {}\n",
	"pytz.py":      "",
	"pexpect.py":   "",
}

// Env is a CUP checkout made importable for one test.
type Env struct {
	// Src is the directory holding CUP's cup package.
	Src string
	// Stubs is the directory of stand-in modules, to be put on sys.path
	// after Src.
	Stubs string
	// Dir is the test's temporary directory.
	Dir string
	// Python2 and Python3 are the interpreters (CUP_PYTHON, default
	// python2.7; CUP_PYTHON3, default python3).
	Python2, Python3 string
}

// Setup checks CUP_SRC (which must hold each of the files in need, paths
// relative to it such as "cup/util/conf.py") and writes the stand-in
// modules into a temporary directory.
func Setup(t testing.TB, need ...string) *Env {
	t.Helper()
	src := os.Getenv("CUP_SRC")
	if src == "" {
		t.Fatal("CUP_SRC is not set: the directory of a github.com/baidu/CUP checkout at tag 3.2.7 (see scripts/interop-cup.sh)")
	}
	for _, n := range need {
		if _, err := os.Stat(filepath.Join(src, n)); err != nil {
			t.Fatalf("CUP_SRC=%s has no %s: %v", src, n, err)
		}
	}
	e := &Env{Src: src, Dir: t.TempDir(), Python2: os.Getenv("CUP_PYTHON"), Python3: os.Getenv("CUP_PYTHON3")}
	if e.Python2 == "" {
		e.Python2 = "python2.7"
	}
	if e.Python3 == "" {
		e.Python3 = "python3"
	}
	e.Stubs = filepath.Join(e.Dir, "stubs")
	if err := os.Mkdir(e.Stubs, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range stubModules {
		if err := os.WriteFile(filepath.Join(e.Stubs, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// Prelude starts every script that Script writes: print as a function
// (Python 2 and 3 alike), CUP and the stand-ins on sys.path (Command passes
// Src and Stubs as the first two arguments), and kick.
//
// kick works around a lost wake-up in CUP 3.2.7's message writer: a
// message queued while the writing thread is finishing finds the
// context's write lock taken, its write job returns, and the message
// waits for the next message or EPOLLOUT edge (found by
// netasync's TestInteropCUPBulk). kick(center) hands every non-empty send
// queue of a CUP IMessageCenter to the writer again and returns how many
// it found. echo(center, m, ip, port) posts m back to its sender from
// ip:port, with the same flag, type, uniq_id and body. serve(center, drive) runs drive in a thread beside
// center.run(); drive ends with finish(center), which stops the center and
// exits the process a second later (CUP's stop leaves threads running).
const Prelude = `from __future__ import print_function
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]

try:
    from cup.net.asyn import msg as amsg
except ImportError:  # the script does not use the message center
    pass

def kick(center):
    n = 0
    for ctx in list(center._conn_mgr._peer2context.values()):
        if ctx._send_queue.qsize() > 0:
            n += 1
            center._conn_mgr._handle_new_send(ctx)
    return n

def echo(center, m, ip, port):
    r = amsg.CNetMsg(is_postmsg=True)
    r.set_from_addr((ip, port), (0, 0))
    r.set_to_addr(*m.get_from_addr())
    r.set_flag(m.get_flag())
    r.set_msg_type(m.get_msg_type())
    r.set_uniq_id(m.get_uniq_id())
    r.set_body(m.get_body())
    center.post_msg(r)

def serve(center, drive):
    import threading
    t = threading.Thread(target=drive)
    t.daemon = True
    t.start()
    center.run()

def finish(center):
    import os, threading
    threading.Timer(1, os._exit, [0]).start()
    center.stop(force_stop=True)
`

// Script writes Prelude and text as a Python script into the test's
// directory and returns its path.
func (e *Env) Script(t testing.TB, name, text string) string {
	t.Helper()
	p := filepath.Join(e.Dir, name)
	if err := os.WriteFile(p, []byte(Prelude+text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Start starts cmd with its standard output on the returned pipe and its
// standard error collected in the returned builder, failing the test if it
// cannot start. The caller waits for or kills the process.
func Start(t testing.TB, cmd *exec.Cmd) (io.Reader, *strings.Builder) {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := new(strings.Builder)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	return stdout, stderr
}

// FreePort returns a loopback TCP port that was free a moment ago, for a
// CUP peer to listen on.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Command returns python running script with Src, Stubs and args.
func (e *Env) Command(python, script string, args ...string) *exec.Cmd {
	return exec.Command(python, append([]string{script, e.Src, e.Stubs}, args...)...)
}

// Output runs cmd and returns its standard output, failing the test with
// the standard error when it fails.
func Output(t testing.TB, cmd *exec.Cmd) []byte {
	t.Helper()
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("%s: %v\n%s", filepath.Base(cmd.Args[1]), err, stderr)
	}
	return out
}
