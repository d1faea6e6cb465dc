package oper

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

// token returns a string no other process on the machine has in its
// command line.
func token(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	rand.Read(b)
	return "cuptok" + hex.EncodeToString(b)
}

// start runs cmd and registers its cleanup: kill and reap.
func start(t *testing.T, cmd *exec.Cmd) *exec.Cmd {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	waitFor(t, "process "+strings.Join(cmd.Args, " ")+" to exec", func() bool {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", cmd.Process.Pid))
		return err == nil && strings.Contains(strings.ReplaceAll(string(b), "\x00", " "), cmd.Args[len(cmd.Args)-1])
	})
	return cmd
}

// helper starts the test binary as a sleeping helper whose argv ends
// with the given words.
func helper(t *testing.T, dir string, words ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{helperArg, "sleep"}, words...)...)
	cmd.Dir = dir
	return start(t, cmd)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// gone reports whether pid no longer runs: absent, or a zombie.
func gone(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && (s[i+2] == 'Z' || s[i+2] == 'X')
}

func TestIsProcessRunningAndGetPid(t *testing.T) {
	dir := t.TempDir()
	sleep := start(t, withDir(exec.Command("sleep", "300"), dir))
	pid := sleep.Process.Pid

	if ok, err := IsProcessRunning(dir, "sleep 300"); err != nil || !ok {
		t.Errorf("IsProcessRunning(T, sleep 300) = %v, %v; want true", ok, err)
	}
	if ok, err := IsProcessRunning(dir+"/", "sleep 300"); err != nil || !ok {
		t.Errorf("IsProcessRunning(T/, sleep 300) = %v, %v; want true", ok, err)
	}
	if ok, err := IsProcessRunning(dir+"x", "sleep 300"); err != nil || ok {
		t.Errorf("IsProcessRunning(Tx, sleep 300) = %v, %v; want false (path boundary)", ok, err)
	}
	if ok, err := IsProcessRunning(dir, "sleep 301"); err != nil || ok {
		t.Errorf("IsProcessRunning(T, sleep 301) = %v, %v; want false", ok, err)
	}
	// Through a symlink to T.
	link := filepath.Join(t.TempDir(), "link")
	mustSymlink(t, dir, link)
	if ok, err := IsProcessRunning(link, "sleep 300"); err != nil || !ok {
		t.Errorf("IsProcessRunning(link to T) = %v, %v; want true", ok, err)
	}
	if got, err := GetPid(dir, "sleep 300"); err != nil || got != pid {
		t.Errorf("GetPid(T, sleep 300) = %d, %v; want %d", got, err, pid)
	}
	if _, err := GetPid(dir+"x", "sleep 300"); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("GetPid(Tx) = %v, want ErrNotFound", err)
	}
	// Matching by executable: the helper's exe lives in the test
	// binary's directory, its cwd elsewhere.
	tok := token(t)
	h := helper(t, t.TempDir(), tok)
	exeDir := filepath.Dir(os.Args[0])
	if ok, err := IsProcessRunning(exeDir, tok); err != nil || !ok {
		t.Errorf("IsProcessRunning(exe dir, token) = %v, %v; want true", ok, err)
	}
	if got, err := GetPid(exeDir, tok); err != nil || got != h.Process.Pid {
		t.Errorf("GetPid(exe dir, token) = %d, %v; want %d", got, err, h.Process.Pid)
	}
	// The caller itself is never found, although its exe is in exeDir
	// and its command line contains its own flags.
	if got, err := GetPid(exeDir, helperArg); err == nil && got == os.Getpid() {
		t.Errorf("GetPid found the calling process")
	}
	for _, f := range []func() error{
		func() error { _, err := IsProcessRunning(dir, ""); return err },
		func() error { _, err := IsProcessRunning("", "x"); return err },
		func() error { _, err := GetPid(dir, ""); return err },
	} {
		if err := f(); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("empty argument: %v, want ErrInvalidArgument", err)
		}
	}
}

func TestGetPidSkipsViewers(t *testing.T) {
	dir := t.TempDir()
	tok := token(t)
	f := filepath.Join(dir, tok)
	mustWrite(t, f, "x\n")
	start(t, withDir(exec.Command("tail", "-f", f), dir))
	if _, err := GetPid(dir, tok); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("GetPid matched tail: %v", err)
	}
	if ok, _ := IsProcAlive(tok, ProcAliveOptions{}); !ok {
		t.Errorf("IsProcAlive(tail's file) = false without ServerTag")
	}
	if ok, _ := IsProcAlive(tok, ProcAliveOptions{ServerTag: true}); ok {
		t.Errorf("IsProcAlive(ServerTag) matched tail")
	}
}

func withDir(cmd *exec.Cmd, dir string) *exec.Cmd {
	cmd.Dir = dir
	return cmd
}

func TestKillChildrenFirst(t *testing.T) {
	dir := t.TempDir()
	sh := start(t, withDir(exec.Command("sh", "-c", "sleep 300 & sleep 300 & wait"), dir))
	var kids []int
	waitFor(t, "two sleep children", func() bool {
		kids = childrenOf(sh.Process.Pid)
		return len(kids) == 2
	})
	// A process with cwd "/" must not be killed (CUP's reverse prefix
	// match did).
	rootSleep := start(t, withDir(exec.Command("sleep", "300"), "/"))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pids, err := Kill(ctx, dir, "sleep 300", syscall.SIGTERM, true)
	if err != nil {
		t.Fatalf("Kill = %v", err)
	}
	want := append(slices.Clone(kids), sh.Process.Pid)
	if len(pids) != 3 || pids[2] != sh.Process.Pid || !sameSet(pids, want) {
		t.Fatalf("Kill signalled %v, want children %v then the shell %d", pids, kids, sh.Process.Pid)
	}
	sh.Wait()
	for _, k := range kids {
		waitFor(t, fmt.Sprintf("child %d to die", k), func() bool { return gone(k) })
	}
	if gone(rootSleep.Process.Pid) {
		t.Errorf("a process with cwd / was killed")
	}
	if _, err := Kill(ctx, dir, "", syscall.SIGTERM, false); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("Kill with empty name = %v", err)
	}
	if _, err := Kill(ctx, dir, "x", 0, false); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("Kill with signal 0 = %v", err)
	}
}

func TestKillWithoutChildrenAndCanceled(t *testing.T) {
	dir := t.TempDir()
	tok := token(t)
	h := helper(t, dir, tok)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pids, err := Kill(ctx, dir, tok, syscall.SIGKILL, false)
	if !errors.Is(err, context.Canceled) || len(pids) != 0 {
		t.Fatalf("Kill(canceled ctx) = %v, %v", pids, err)
	}
	if gone(h.Process.Pid) {
		t.Fatal("canceled Kill still killed")
	}
	pids, err = Kill(context.Background(), dir, tok, syscall.SIGKILL, false)
	if err != nil || !slices.Equal(pids, []int{h.Process.Pid}) {
		t.Fatalf("Kill = %v, %v; want [%d]", pids, err, h.Process.Pid)
	}
	h.Wait()
}

func childrenOf(pid int) []int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return nil
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		var n int
		fmt.Sscan(f, &n)
		out = append(out, n)
	}
	return out
}

func sameSet(a, b []int) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestKillByName(t *testing.T) {
	if _, err := Kill9ByName(""); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("Kill9ByName(\"\") = %v, want ErrInvalidArgument", err)
	}
	if _, err := KillByName("", syscall.SIGTERM); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("KillByName(\"\") = %v, want ErrInvalidArgument", err)
	}
	tok := token(t)
	a := helper(t, t.TempDir(), tok, "a")
	b := helper(t, t.TempDir(), tok, "b")
	pids, err := KillByName(tok, syscall.SIGTERM)
	if err != nil || !sameSet(pids, []int{a.Process.Pid, b.Process.Pid}) {
		t.Fatalf("KillByName = %v, %v; want both helpers", pids, err)
	}
	for _, c := range []*exec.Cmd{a, b} {
		err := c.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
			t.Errorf("helper exit: %v, want killed by SIGTERM", err)
		}
	}
	if pids, err := KillByName(tok, syscall.SIGTERM); err != nil || len(pids) != 0 {
		t.Errorf("second KillByName = %v, %v; want nothing", pids, err)
	}
}

// TestKill9ByNameSparesCaller runs Kill9ByName in a helper whose own
// command line contains the token, next to a sleeping helper with the
// same token: the sleeper dies, the caller survives.
func TestKill9ByNameSparesCaller(t *testing.T) {
	tok := token(t)
	sleeper := helper(t, t.TempDir(), tok)
	out, err := exec.Command(os.Args[0], helperArg, "killself", tok).CombinedOutput()
	if err != nil {
		t.Fatalf("killer helper: %v\n%s", err, out)
	}
	want := fmt.Sprintf("survived pids=[%d] err=<nil>\n", sleeper.Process.Pid)
	if string(out) != want {
		t.Errorf("killer printed %q, want %q", out, want)
	}
	err = sleeper.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("sleeper exit: %v, want SIGKILL", err)
	}
}

func TestIsProcAlive(t *testing.T) {
	start(t, exec.Command("sleep", "300"))
	if ok, err := IsProcAlive("sleep", ProcAliveOptions{}); err != nil || !ok {
		t.Errorf("IsProcAlive(sleep) = %v, %v", ok, err)
	}
	tok := token(t)
	helper(t, t.TempDir(), tok, "300")
	tests := []struct {
		name string
		o    ProcAliveOptions
		want bool
	}{
		{tok, ProcAliveOptions{}, true},
		{tok[:len(tok)-1], ProcAliveOptions{}, false}, // not a whole word
		{tok[1:], ProcAliveOptions{}, false},
		{tok + " 300", ProcAliveOptions{}, true},
		{tok, ProcAliveOptions{Filters: []string{"300"}}, false},
		{tok, ProcAliveOptions{Filters: []string{"301", "nothing"}}, true},
		{tok, ProcAliveOptions{WholeWord: true}, false}, // "300" follows
		{tok + " 300", ProcAliveOptions{WholeWord: true, Filters: []string{helperArg}}, false},
		{tok + " 300", ProcAliveOptions{WholeWord: true}, true},
		{tok, ProcAliveOptions{ServerTag: true}, true},
	}
	for _, tc := range tests {
		if got, err := IsProcAlive(tc.name, tc.o); err != nil || got != tc.want {
			t.Errorf("IsProcAlive(%q, %+v) = %v, %v; want %v", tc.name, tc.o, got, err, tc.want)
		}
	}
	if _, err := IsProcAlive("", ProcAliveOptions{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("empty name: %v", err)
	}
	if _, err := IsProcAlive("x", ProcAliveOptions{Filters: []string{""}}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("empty filter: %v", err)
	}
}

func TestHasWord(t *testing.T) {
	tests := []struct {
		s, w  string
		atEnd bool
		want  bool
	}{
		{"sleep 300", "sleep", false, true},
		{"sleep 300", "slee", false, false},
		{"/bin/sleep 300", "sleep", false, true},
		{"xsleep sleep", "sleep", false, true}, // second occurrence
		{"sleep_x", "sleep", false, false},
		{"a sleep", "sleep", true, true},
		{"sleep a", "sleep", true, false},
		{"sleep sleep", "sleep", true, true},
		{"-x y", "-x", false, true},
		{"", "x", false, false},
	}
	for _, tc := range tests {
		if got := hasWord(tc.s, tc.w, tc.atEnd); got != tc.want {
			t.Errorf("hasWord(%q, %q, %v) = %v", tc.s, tc.w, tc.atEnd, got)
		}
	}
}

func TestProcessExists(t *testing.T) {
	if ok, err := ProcessExists(os.Getpid()); !ok || err != nil {
		t.Errorf("ProcessExists(self) = %v, %v", ok, err)
	}
	if ok, err := ProcessExists(1); !ok || err != nil {
		t.Errorf("ProcessExists(1) = %v, %v", ok, err)
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if ok, err := ProcessExists(cmd.Process.Pid); ok || err != nil {
		t.Errorf("ProcessExists(reaped child) = %v, %v", ok, err)
	}
	for _, pid := range []int{0, -1} {
		if _, err := ProcessExists(pid); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("ProcessExists(%d) = %v", pid, err)
		}
	}
}

func TestSignalRefusesGroups(t *testing.T) {
	for _, pid := range []int{0, -1, -os.Getpid()} {
		if sent, err := signal(pid, syscall.Signal(0)); sent || !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("signal(%d) = %v, %v", pid, sent, err)
		}
	}
}

func TestIsPortUsed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if ok, err := IsPortUsed(port); err != nil || !ok {
		t.Errorf("IsPortUsed(listening %d) = %v, %v", port, ok, err)
	}
	exeDir := filepath.Dir(os.Args[0])
	if ok, err := IsProcessUsedPort(exeDir, port); err != nil || !ok {
		t.Errorf("IsProcessUsedPort(test binary dir, %d) = %v, %v", port, ok, err)
	}
	if ok, err := IsProcessUsedPort(t.TempDir(), port); err != nil || ok {
		t.Errorf("IsProcessUsedPort(other dir, %d) = %v, %v", port, ok, err)
	}

	// The client end of a connection is not a listener.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	clientPort := conn.LocalAddr().(*net.TCPAddr).Port
	if ok, err := IsPortUsed(clientPort); err != nil || ok {
		t.Errorf("IsPortUsed(client port %d) = %v, %v; want false", clientPort, ok, err)
	}
	conn.Close()
	server.Close()
	ln.Close()
	if ok, err := IsPortUsed(port); err != nil || ok {
		t.Errorf("IsPortUsed(closed %d) = %v, %v; want false", port, ok, err)
	}

	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	uport := udp.LocalAddr().(*net.UDPAddr).Port
	if ok, err := IsPortUsed(uport); err != nil || !ok {
		t.Errorf("IsPortUsed(bound udp %d) = %v, %v", uport, ok, err)
	}
	if ok, err := IsProcessUsedPort(exeDir, uport); err != nil || !ok {
		t.Errorf("IsProcessUsedPort(udp %d) = %v, %v", uport, ok, err)
	}

	if ln6, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		p6 := ln6.Addr().(*net.TCPAddr).Port
		if ok, err := IsPortUsed(p6); err != nil || !ok {
			t.Errorf("IsPortUsed(tcp6 %d) = %v, %v", p6, ok, err)
		}
		ln6.Close()
	}

	for _, p := range []int{0, -1, 65536, 70000} {
		if _, err := IsPortUsed(p); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("IsPortUsed(%d) = %v", p, err)
		}
		if _, err := IsProcessUsedPort(exeDir, p); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("IsProcessUsedPort(%d) = %v", p, err)
		}
	}
}

// TestIsPortUsedMatchesSS cross-checks the listeners found in /proc with
// ss(8) when it is installed.
func TestIsPortUsedMatchesSS(t *testing.T) {
	ss, err := exec.LookPath("ss")
	if err != nil {
		t.Skip("ss(8) not installed")
	}
	out, err := exec.Command(ss, "-Htlnu").Output()
	if err != nil {
		t.Skipf("ss: %v", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	checked := 0
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 {
			continue
		}
		local := f[4]
		i := strings.LastIndexByte(local, ':')
		var port int
		if _, err := fmt.Sscan(local[i+1:], &port); err != nil || port == 0 {
			continue
		}
		if ok, err := IsPortUsed(port); err != nil || !ok {
			// The socket may have closed since ss ran; only report a
			// port that is still listed.
			if again, _ := exec.Command(ss, "-Htlnu", "sport", "= :"+local[i+1:]).Output(); len(again) > 0 {
				t.Errorf("ss lists %s but IsPortUsed(%d) = %v, %v", local, port, ok, err)
			}
		}
		checked++
	}
	t.Logf("checked %d sockets listed by ss", checked)
}

func FuzzSocketInode(f *testing.F) {
	for _, s := range []string{"socket:[123]", "pipe:[1]", "socket:[]", "socket:[007]", "socket:[18446744073709551616]", "/dev/null"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := socketInode(s)
		if !ok {
			return
		}
		inner := strings.TrimSuffix(strings.TrimPrefix(s, "socket:["), "]")
		if trimmed := strings.TrimLeft(inner, "0"); trimmed != strconv.FormatUint(n, 10) && !(n == 0 && trimmed == "") {
			t.Fatalf("socketInode(%q) = %d, true", s, n)
		}
	})
}
