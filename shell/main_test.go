//go:build linux

package shell

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The test binary doubles as the child programs the tests need (the
// os/exec exec_test.go pattern): a shell command runs
// "CUP_SHELL_HELPER=<name> <test binary> args...", and TestMain runs the
// helper instead of the tests.
const helperEnv = "CUP_SHELL_HELPER"

// helpers are the child programs, by name.
var helpers = map[string]func(args []string){
	// pidsleep DIR NAME: record the pid as DIR/NAME, then sleep.
	"pidsleep": func(args []string) {
		writePID(args[0], args[1])
		time.Sleep(time.Hour)
	},
	// setsid DIR NAME [CHILD]: leave the process group and session, record
	// the pid, start a pidsleep child named CHILD if given, then sleep.
	"setsid": func(args []string) {
		if _, err := syscall.Setsid(); err != nil {
			fmt.Fprintln(os.Stderr, "setsid:", err)
			os.Exit(2)
		}
		writePID(args[0], args[1])
		if len(args) > 2 {
			startHelper("pidsleep", false, args[0], args[2])
		}
		time.Sleep(time.Hour)
	},
	// tree DIR: a child of the shell with two children of its own: a
	// pidsleep "l2" and a setsid "l2s" whose child is "l3".
	"tree": func(args []string) {
		startHelper("pidsleep", false, args[0], "l2")
		startHelper("setsid", false, args[0], "l2s", "l3")
		writePID(args[0], "l1")
		time.Sleep(time.Hour)
	},
	// ignoreterm DIR NAME: ignore SIGTERM, record the pid, sleep.
	"ignoreterm": func(args []string) {
		signal.Ignore(syscall.SIGTERM)
		writePID(args[0], args[1])
		time.Sleep(time.Hour)
	},
	// noteterm DIR NAME: on SIGTERM write DIR/NAME.term and exit 0.
	"noteterm": func(args []string) {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGTERM)
		writePID(args[0], args[1])
		<-c
		os.WriteFile(filepath.Join(args[0], args[1]+".term"), nil, 0o644)
		os.Exit(0)
	},
	// escape DIR: start a setsid grandchild "esc" that inherits stdout and
	// stderr and sleeps, then exit at once, so the grandchild is orphaned
	// before any kill can find it by its parent.
	"escape": func(args []string) {
		startHelper("setsid", true, args[0], "esc")
		waitPIDFile(args[0], "esc")
	},
	// bigout N: write N pattern bytes to stdout and to stderr,
	// interleaved in 64 KiB chunks.
	"bigout": func(args []string) {
		n, _ := strconv.Atoi(args[0])
		buf := make([]byte, 64<<10)
		for off := 0; off < n; off += len(buf) {
			m := min(len(buf), n-off)
			for i := range m {
				buf[i] = patternByte(off + i)
			}
			os.Stdout.Write(buf[:m])
			os.Stderr.Write(buf[:m])
		}
	},
}

// patternByte is byte i of bigout's stream.
func patternByte(i int) byte { return byte(i % 251) }

func TestMain(m *testing.M) {
	if name := os.Getenv(helperEnv); name != "" {
		os.Unsetenv(helperEnv)
		h, ok := helpers[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown helper %q\n", name)
			os.Exit(2)
		}
		h(os.Args[1:])
		os.Exit(0)
	}
	goleak.VerifyTestMain(helperCheck{m})
}

// helpersUsed records the helpers that tests ran (directly or through
// another helper); a full run fails if one is never used, so a stale
// helper is noticed (os/exec's rule).
var helpersUsed sync.Map

// helperDeps are the helpers a helper starts itself.
var helperDeps = map[string][]string{"tree": {"pidsleep", "setsid"}, "escape": {"setsid"}}

type helperCheck struct{ m *testing.M }

func (h helperCheck) Run() int {
	code := h.m.Run()
	if code != 0 || testing.Short() {
		return code
	}
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
		return code
	}
	if f := flag.Lookup("test.skip"); f != nil && f.Value.String() != "" {
		return code
	}
	for name := range helpers {
		if _, ok := helpersUsed.Load(name); !ok {
			fmt.Fprintf(os.Stderr, "helper %q is not used by any test\n", name)
			code = 1
		}
	}
	return code
}

// testExe is the path of the test binary.
func testExe() string {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	return exe
}

// helperCmd is the shell text that runs helper name with args.
func helperCmd(name string, args ...string) string {
	helpersUsed.Store(name, true)
	for _, d := range helperDeps[name] {
		helpersUsed.Store(d, true)
	}
	return helperEnv + "=" + name + " " + QuoteArgs(append([]string{testExe()}, args...))
}

// startHelper starts a helper from inside a helper; it is never waited
// for. inheritOut gives it the caller's stdout and stderr.
func startHelper(name string, inheritOut bool, args ...string) {
	c := exec.Command(testExe(), args...)
	c.Env = append(os.Environ(), helperEnv+"="+name)
	if inheritOut {
		c.Stdout, c.Stderr = os.Stdout, os.Stderr
	}
	if err := c.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "start helper:", err)
		os.Exit(2)
	}
}

// writePID records the caller's pid in dir/name atomically.
func writePID(dir, name string) {
	tmp := filepath.Join(dir, "."+name)
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		panic(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		panic(err)
	}
}

// waitPIDFile waits until dir/name exists (in a helper, bounded by the
// test's own timeout).
func waitPIDFile(dir, name string) {
	for {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}
