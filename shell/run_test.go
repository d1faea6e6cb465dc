//go:build linux

package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

func TestRunResultFields(t *testing.T) {
	res, err := Run(context.Background(), "echo hi; echo err >&2; exit 3", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stdout != "hi\n" || res.Stderr != "err\n" || res.ReturnCode != 3 || res.TimedOut || res.PID <= 0 {
		t.Fatalf("got %+v", res)
	}
	assertReaped(t, res.PID)
}

func TestRunTable(t *testing.T) {
	wd, _ := os.Getwd()
	spaced := filepath.Join(t.TempDir(), "dir with spaces;$(x)")
	if err := os.Mkdir(spaced, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		e      Exec
		cmd    string
		stdout string
		stderr string
		rc     int
	}{
		{name: "pwd", cmd: "pwd", stdout: wd + "\n"},
		{name: "dir with spaces", e: Exec{Dir: spaced}, cmd: "pwd", stdout: spaced + "\n"},
		{name: "killed by signal", cmd: "kill -9 $$", rc: -9},
		{name: "sigpipe default", cmd: "yes | head -1", stdout: "y\n"},
		{name: "stdin empty", cmd: "cat", stdout: ""},
		{name: "stdin given", e: Exec{Stdin: strings.NewReader("in\n")}, cmd: "cat", stdout: "in\n"},
		{name: "env", e: Exec{Env: []string{"CUP_X=1 2"}}, cmd: `echo "$CUP_X"`, stdout: "1 2\n"},
		{name: "shell from PATH", e: Exec{Shell: "sh"}, cmd: "echo ok", stdout: "ok\n"},
		{name: "compound", cmd: "echo a; echo b >&2; false", stdout: "a\n", stderr: "b\n", rc: 1},
		{name: "empty", cmd: ""},
		{name: "raw bytes", cmd: `printf '\377\000x'`, stdout: "\xff\x00x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.e.Run(context.Background(), tc.cmd, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if res.Stdout != tc.stdout || res.Stderr != tc.stderr || res.ReturnCode != tc.rc {
				t.Fatalf("got stdout %q stderr %q rc %d, want %q %q %d", res.Stdout, res.Stderr, res.ReturnCode, tc.stdout, tc.stderr, tc.rc)
			}
		})
	}
}

func TestRunTimeoutKillsBackgroundJobs(t *testing.T) {
	token := fmt.Sprintf("CUP_SHELL_TEST_TOKEN=%d-%d", os.Getpid(), time.Now().UnixNano())
	e := Exec{Env: append(os.Environ(), token)}
	cmd := "sleep 30 & sleep 30; echo never"
	start := time.Now()
	res, err := e.Run(context.Background(), cmd, 1500*time.Millisecond)
	elapsed := time.Since(start)
	if !errors.Is(err, errs.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrTimeout and DeadlineExceeded", err)
	}
	want := `Shell "sleep 30 & sleep 30; echo never"execution timout:1. Killed it`
	if res.ReturnCode != 999 || !res.TimedOut || !strings.HasPrefix(res.Stderr, want) || res.Stdout != "" {
		t.Fatalf("got %+v", res)
	}
	if elapsed < 1500*time.Millisecond {
		t.Fatalf("returned after %v, before the timeout", elapsed)
	}
	assertReaped(t, res.PID)
	// Every process that carries the token in its environment must be dead.
	waitDead(t, processesWithEnv(t, token))
}

// processesWithEnv finds live processes whose environment holds kv.
func processesWithEnv(t *testing.T, kv string) []tracked {
	t.Helper()
	ents, _ := os.ReadDir("/proc")
	var out []tracked
	for _, e := range ents {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(b, []byte("\x00"+kv+"\x00")) && !bytes.HasPrefix(b, []byte(kv+"\x00")) {
			continue
		}
		p := tracked{name: "env " + e.Name(), pid: pid}
		if st, err := procfsStat(pid); err == nil {
			p.start = st.StartTime
			out = append(out, p)
		}
	}
	return out
}

// TestTimeoutKillsTree: a 3-level tree with a setsid grandchild (and its
// child) is entirely gone after a timeout, for each kill sequence.
func TestTimeoutKillsTree(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Exec
	}{
		{"sigkill", Exec{}},
		{"grace", Exec{KillGrace: 200 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var (
				res  Result
				err  error
				done = make(chan struct{})
			)
			go func() {
				defer close(done)
				res, err = tc.e.Run(context.Background(), helperCmd("tree", dir)+"; echo never", 4*time.Second)
			}()
			procs := readPIDs(t, dir, "l1", "l2", "l2s", "l3")
			<-done
			if !errors.Is(err, errs.ErrTimeout) || res.ReturnCode != 999 || !res.TimedOut {
				t.Fatalf("got %+v, %v", res, err)
			}
			assertReaped(t, res.PID)
			waitDead(t, procs)
		})
	}
}

func TestCancelKillsTree(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var (
		res  Result
		err  error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		res, err = Run(ctx, helperCmd("tree", dir), 0)
	}()
	procs := readPIDs(t, dir, "l1", "l2", "l2s", "l3")
	cancel()
	<-done
	if !errors.Is(err, context.Canceled) || errors.Is(err, errs.ErrTimeout) || res.ReturnCode != -1 || res.TimedOut {
		t.Fatalf("got %+v, %v", res, err)
	}
	assertReaped(t, res.PID)
	waitDead(t, procs)
}

func TestCtxDeadlineIsTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	res, err := Run(ctx, "sleep 30", 0)
	if !errors.Is(err, errs.ErrTimeout) || res.ReturnCode != 999 || !strings.HasPrefix(res.Stderr, `Shell "sleep 30"execution timout:`) {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestAlreadyDoneCtx(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	res, err := Run(ctx, "touch "+Quote(filepath.Join(dir, "x")), 0)
	if !errors.Is(err, context.Canceled) || res.ReturnCode != -1 || res.PID != 0 {
		t.Fatalf("got %+v, %v", res, err)
	}
	if n := countEntries(t, dir); len(n) != 0 {
		t.Fatalf("command ran: %v", n)
	}
}

// TestKillGraceSequence: with KillGrace a process that handles SIGTERM
// gets it, and one that ignores SIGTERM is killed after the grace; with
// KillGrace 0 nothing gets SIGTERM.
func TestKillGraceSequence(t *testing.T) {
	for _, tc := range []struct {
		grace    time.Duration
		wantTerm bool
	}{{0, false}, {300 * time.Millisecond, true}} {
		t.Run(fmt.Sprint(tc.grace), func(t *testing.T) {
			dir := t.TempDir()
			e := Exec{KillGrace: tc.grace}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := e.Run(ctx, helperCmd("noteterm", dir, "nt")+" & "+helperCmd("ignoreterm", dir, "it")+"; wait", 0)
				done <- err
			}()
			procs := readPIDs(t, dir, "nt", "it")
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
			waitDead(t, procs)
			_, err := os.Stat(filepath.Join(dir, "nt.term"))
			if got := err == nil; got != tc.wantTerm {
				t.Fatalf("SIGTERM handled = %v, want %v", got, tc.wantTerm)
			}
		})
	}
}

// TestEscapedGrandchildHoldingPipes: a daemon that escaped the tree before
// the kill (its parent exited) keeps stdout open; Run must still return,
// after WaitDelay, with the output read so far.
func TestEscapedGrandchildHoldingPipes(t *testing.T) {
	dir := t.TempDir()
	e := Exec{WaitDelay: 200 * time.Millisecond}
	res, err := e.Run(context.Background(), "echo before; "+helperCmd("escape", dir)+"; sleep 30", 3*time.Second)
	esc := readPIDs(t, dir, "esc")
	defer killTracked(esc)
	if !errors.Is(err, errs.ErrTimeout) || res.Stdout != "before\n" {
		t.Fatalf("got %+v, %v", res, err)
	}
	if dead(esc[0]) {
		t.Fatal("the escaped grandchild was killed: the test does not exercise WaitDelay")
	}
	assertReaped(t, res.PID)
}

// TestBackgroundJobOutputIsWaitedFor: without a kill, Run reads until the
// last writer closes the pipes, like CUP.
func TestBackgroundJobOutputIsWaitedFor(t *testing.T) {
	res, err := Run(context.Background(), "(sleep 0.3; echo late) & echo early", 10*time.Second)
	if err != nil || res.Stdout != "early\nlate\n" || res.ReturnCode != 0 {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestLargeOutputBothStreams(t *testing.T) {
	const n = 10 << 20
	want := make([]byte, n)
	for i := range want {
		want[i] = patternByte(i)
	}
	t.Run("full", func(t *testing.T) {
		res, err := Run(context.Background(), helperCmd("bigout", fmt.Sprint(n)), 2*time.Minute)
		if err != nil || res.ReturnCode != 0 {
			t.Fatalf("rc %d, %v", res.ReturnCode, err)
		}
		if res.Stdout != string(want) || res.Stderr != string(want) || res.StdoutDropped != 0 {
			t.Fatalf("stdout %d bytes, stderr %d bytes, want %d each, identical", len(res.Stdout), len(res.Stderr), n)
		}
	})
	t.Run("capped", func(t *testing.T) {
		const max = 1001
		e := Exec{MaxOutput: max}
		res, err := e.Run(context.Background(), helperCmd("bigout", fmt.Sprint(n)), 2*time.Minute)
		if err != nil || res.ReturnCode != 0 {
			t.Fatalf("rc %d, %v", res.ReturnCode, err)
		}
		wantCapped := string(want[:max-max/2]) + string(want[n-max/2:])
		for _, s := range []struct {
			got     string
			dropped int64
		}{{res.Stdout, res.StdoutDropped}, {res.Stderr, res.StderrDropped}} {
			if s.got != wantCapped || s.dropped != n-max {
				t.Fatalf("capped stream %d bytes, dropped %d; want %d bytes (head+tail), dropped %d", len(s.got), s.dropped, max, n-max)
			}
		}
	})
}

func TestLongScriptTempFile(t *testing.T) {
	var b strings.Builder
	lines := 0
	for b.Len() < 300<<10 {
		fmt.Fprintf(&b, "echo line%d\n", lines)
		lines++
	}
	script := b.String()
	t.Run("success", func(t *testing.T) {
		tmp := t.TempDir()
		e := Exec{TmpDir: tmp}
		res, err := e.Run(context.Background(), script, time.Minute)
		if err != nil || res.ReturnCode != 0 {
			t.Fatalf("rc %d, %v", res.ReturnCode, err)
		}
		if got := strings.Count(res.Stdout, "\n"); got != lines || !strings.HasSuffix(res.Stdout, fmt.Sprintf("line%d\n", lines-1)) {
			t.Fatalf("got %d lines, want %d", got, lines)
		}
		if left := countEntries(t, tmp); len(left) != 0 {
			t.Fatalf("left behind: %v", left)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		tmp := t.TempDir()
		e := Exec{TmpDir: tmp}
		res, err := e.Run(context.Background(), script+"sleep 30\n", time.Second)
		if !errors.Is(err, errs.ErrTimeout) || res.ReturnCode != 999 {
			t.Fatalf("got rc %d, %v", res.ReturnCode, err)
		}
		if left := countEntries(t, tmp); len(left) != 0 {
			t.Fatalf("left behind: %v", left)
		}
	})
	t.Run("start failure", func(t *testing.T) {
		tmp := t.TempDir()
		e := Exec{TmpDir: tmp, Shell: "/nonexistent/sh"}
		res, err := e.Run(context.Background(), script, time.Minute)
		if err == nil || res.ReturnCode != -1 {
			t.Fatalf("got rc %d, %v", res.ReturnCode, err)
		}
		if left := countEntries(t, tmp); len(left) != 0 {
			t.Fatalf("left behind: %v", left)
		}
	})
	t.Run("unwritable TmpDir", func(t *testing.T) {
		e := Exec{TmpDir: filepath.Join(t.TempDir(), "missing")}
		res, err := e.Run(context.Background(), script, time.Minute)
		if !errors.Is(err, fs.ErrNotExist) || res.ReturnCode != -1 {
			t.Fatalf("got rc %d, %v", res.ReturnCode, err)
		}
	})
}

func TestInvalidArguments(t *testing.T) {
	dir := t.TempDir()
	marker := "touch " + Quote(filepath.Join(dir, "ran"))
	for _, tc := range []struct {
		name    string
		e       Exec
		cmd     string
		timeout time.Duration
	}{
		{"negative timeout", Exec{}, marker, -time.Second},
		{"negative MaxOutput", Exec{MaxOutput: -1}, marker, 0},
		{"negative KillGrace", Exec{KillGrace: -1}, marker, 0},
		{"negative WaitDelay", Exec{WaitDelay: -1}, marker, 0},
		{"NUL in command", Exec{}, marker + "\x00", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.e.Run(context.Background(), tc.cmd, tc.timeout)
			if !errors.Is(err, errs.ErrInvalidArgument) || res.ReturnCode != -1 {
				t.Fatalf("got rc %d, %v", res.ReturnCode, err)
			}
			if left := countEntries(t, dir); len(left) != 0 {
				t.Fatalf("command ran: %v", left)
			}
		})
	}
}

func TestStartFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Exec
		want error
	}{
		{"missing shell", Exec{Shell: "/nonexistent"}, fs.ErrNotExist},
		{"missing dir", Exec{Dir: "/nonexistent/dir"}, fs.ErrNotExist},
		{"shell not in PATH", Exec{Shell: "no-such-shell-xyz"}, exec.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.e.Run(context.Background(), "echo hi", time.Second)
			if err == nil || res.ReturnCode != -1 || res.PID != 0 {
				t.Fatalf("got %+v, %v", res, err)
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v does not wrap the OS error", err)
			}
		})
	}
}

func TestConcurrentRuns(t *testing.T) {
	e := &Exec{MaxOutput: 1 << 20}
	var wg sync.WaitGroup
	errc := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			res, err := e.Run(context.Background(), fmt.Sprintf("echo out%d; echo err%d >&2", i, i), time.Minute)
			if err != nil {
				errc <- err
				return
			}
			if res.Stdout != fmt.Sprintf("out%d\n", i) || res.Stderr != fmt.Sprintf("err%d\n", i) {
				errc <- fmt.Errorf("run %d got %q %q", i, res.Stdout, res.Stderr)
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}

type recLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recLogger) Debug(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func TestStreamingDestinationsAndLogger(t *testing.T) {
	var both bytes.Buffer
	lg := &recLogger{}
	e := Exec{Stdout: &both, Stderr: &both, Logger: lg}
	res, err := e.Run(context.Background(), "echo a; sleep 0.1; echo b >&2", 10*time.Second)
	if err != nil || res.Stdout != "a\n" || res.Stderr != "b\n" {
		t.Fatalf("got %+v, %v", res, err)
	}
	if both.String() != "a\nb\n" {
		t.Fatalf("streamed %q", both.String())
	}
	if len(lg.lines) != 1 || !strings.HasPrefix(lg.lines[0], "cup shell execute echo a;") || !strings.Contains(lg.lines[0], `"/bin/sh" "-c"`) {
		t.Fatalf("log lines %q", lg.lines)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken") }

func TestFailingDestinationKeepsCapture(t *testing.T) {
	e := Exec{Stdout: failWriter{}}
	res, err := e.Run(context.Background(), "echo a; echo b", 10*time.Second)
	if err != nil || res.Stdout != "a\nb\n" {
		t.Fatalf("got %+v, %v", res, err)
	}
}
