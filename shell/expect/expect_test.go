package expect_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/testenv"
	"github.com/cupgo/cup/internal/testutil"
	"github.com/cupgo/cup/shell/expect"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type syncBuffer = testutil.SyncBuffer

func spawn(t *testing.T, script string, o expect.Options) *expect.Session {
	t.Helper()
	s, err := expect.Spawn(context.Background(), "/bin/sh", []string{"-c", script}, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestDialogue(t *testing.T) {
	var log syncBuffer
	s := spawn(t, `printf 'name? '; read n; stty -echo; printf 'pass: '; read p; stty echo; echo; echo "hello $n, ${#p} chars"; exit 3`, expect.Options{Log: &log})
	if _, _, err := s.Expect(10*time.Second, regexp.MustCompile(`name\? `)); err != nil {
		t.Fatal(err)
	}
	if err := s.SendLine("bob"); err != nil {
		t.Fatal(err)
	}
	idx, _, err := s.Expect(10*time.Second, regexp.MustCompile(`nomatch`), regexp.MustCompile(`(?i)PASS: `))
	if err != nil || idx != 1 {
		t.Fatalf("Expect = %d, %v", idx, err)
	}
	if err := s.SendSecret("s3cr3t!"); err != nil {
		t.Fatal(err)
	}
	_, before, err := s.Expect(10*time.Second, regexp.MustCompile(`chars`))
	if err != nil || !strings.Contains(before, "hello bob, 7") {
		t.Fatalf("Expect = %q, %v", before, err)
	}
	if _, err := s.ExpectEOF(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if code, err := s.Wait(); err != nil || code != 3 {
		t.Fatalf("Wait = %d, %v; want 3", code, err)
	}
	if strings.Contains(log.String(), "s3cr3t") || !strings.Contains(log.String(), "********") {
		t.Fatalf("secret not masked in transcript:\n%s", log.String())
	}
	if err := s.SendLine("late"); !errors.Is(err, errs.ErrClosed) {
		t.Fatalf("Send after exit = %v, want ErrClosed", err)
	}
}

func TestEarliestMatchWins(t *testing.T) {
	s := spawn(t, `echo "aaa bbb ccc"; sleep 5`, expect.Options{})
	idx, before, err := s.Expect(10*time.Second, regexp.MustCompile(`ccc`), regexp.MustCompile(`bbb`))
	if err != nil || idx != 1 || before != "aaa " {
		t.Fatalf("Expect = %d, %q, %v; want 1, %q", idx, before, err, "aaa ")
	}
	// the match consumed "bbb": only " ccc" is left before the next one.
	_, before, err = s.Expect(10*time.Second, regexp.MustCompile(`ccc`))
	if err != nil || before != " " {
		t.Fatalf("second Expect = %q, %v", before, err)
	}
}

func TestTimeout(t *testing.T) {
	s := spawn(t, `echo started; exec sleep 30`, expect.Options{})
	if _, _, err := s.Expect(10*time.Second, regexp.MustCompile(`started`)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, _, err := s.Expect(200*time.Millisecond, regexp.MustCompile(`never`))
	if !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("Expect = %v, want ErrTimeout", err)
	}
	if time.Since(start) < 200*time.Millisecond {
		t.Fatal("Expect returned before its timeout")
	}
	if _, err := s.ExpectEOF(100 * time.Millisecond); !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("ExpectEOF = %v, want ErrTimeout", err)
	}
	pid := s.PID()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("process %d still exists after Close: %v", pid, err)
	}
	if code, _ := s.Wait(); code != -int(syscall.SIGKILL) {
		t.Fatalf("Wait after Close = %d, want -9", code)
	}
}

func TestEOFBeforeMatch(t *testing.T) {
	s := spawn(t, `echo done`, expect.Options{})
	_, before, err := s.Expect(10*time.Second, regexp.MustCompile(`never`))
	if !errors.Is(err, io.EOF) || !strings.Contains(before, "done") {
		t.Fatalf("Expect = %q, %v; want io.EOF with the output", before, err)
	}
	if code, err := s.Wait(); err != nil || code != 0 {
		t.Fatalf("Wait = %d, %v", code, err)
	}
}

func TestSignalStatus(t *testing.T) {
	s := spawn(t, `kill -9 $$`, expect.Options{})
	if code, err := s.Wait(); err != nil || code != -9 {
		t.Fatalf("Wait = %d, %v; want -9", code, err)
	}
}

func TestContextKillsGroup(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := expect.Spawn(ctx, "/bin/sh", []string{"-c", `sleep 30 & echo child $!; wait`}, expect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, _, err = s.Expect(10*time.Second, regexp.MustCompile(`child \d+\r?\n`))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if code, _ := s.Wait(); code != -9 {
		t.Fatalf("Wait after cancel = %d, want -9", code)
	}
}

func TestBadArguments(t *testing.T) {
	if _, err := expect.Spawn(context.Background(), "", nil, expect.Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("Spawn(\"\") = %v", err)
	}
	if _, err := expect.Spawn(context.Background(), "/nonexistent/prog", nil, expect.Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Spawn(missing) = %v", err)
	}
	s := spawn(t, `sleep 5`, expect.Options{})
	if _, _, err := s.Expect(time.Second); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("Expect() = %v", err)
	}
}

// TestPasswordLoginToRealSSHD drives the OpenSSH client through a real
// password prompt of the test sshd and runs a command, as CUP's go_ex did.
func TestPasswordLoginToRealSSHD(t *testing.T) {
	env := testenv.SSHServers(t)
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		testenv.Require(t, "ssh client", "ssh binary not found")
	}
	host, port, _ := net.SplitHostPort(env.Hosts[0])
	var log syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := expect.Spawn(ctx, sshBin, []string{"-p", port,
		"-o", "UserKnownHostsFile=" + env.KnownHosts, "-o", "StrictHostKeyChecking=yes",
		"-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=keyboard-interactive,password",
		"-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=10",
		env.PasswordUser + "@" + host, "echo remote-$((40+2)) $(id -un)"}, expect.Options{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Expect(30*time.Second, regexp.MustCompile(`(?i)password:`)); err != nil {
		t.Fatalf("no password prompt: %v\n%s", err, log.String())
	}
	if err := s.SendSecret(env.Password); err != nil {
		t.Fatal(err)
	}
	want := "remote-42 " + env.PasswordUser
	if _, _, err := s.Expect(30*time.Second, regexp.MustCompile(regexp.QuoteMeta(want))); err != nil {
		t.Fatalf("command output missing: %v\n%s", err, log.String())
	}
	if _, err := s.ExpectEOF(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	if code, err := s.Wait(); err != nil || code != 0 {
		t.Fatalf("ssh exit = %d, %v\n%s", code, err, log.String())
	}
	if strings.Contains(log.String(), env.Password) {
		t.Fatal("password leaked into the transcript")
	}
}

// TestSecretNeverInTranscript is the spec's checklist item: the program
// echoes the secret back, yet the transcript only ever shows the mask.
func TestSecretNeverInTranscript(t *testing.T) {
	var log syncBuffer
	s := spawn(t, `printf 'Password: '; read p; echo got:$p; echo "again:$p$p"; exit 4`, expect.Options{Log: &log})
	idx, _, err := s.Expect(10*time.Second, regexp.MustCompile(`(?i)password:`))
	if err != nil || idx != 0 {
		t.Fatalf("Expect = %d, %v", idx, err)
	}
	if err := s.SendSecret("s3cret"); err != nil {
		t.Fatal(err)
	}
	out, err := s.ExpectEOF(10 * time.Second)
	if err != nil || !strings.Contains(out, "got:s3cret") {
		t.Fatalf("ExpectEOF = %q, %v", out, err)
	}
	if code, err := s.Wait(); err != nil || code != 4 {
		t.Fatalf("Wait = %d, %v; want 4", code, err)
	}
	_ = s.Close()
	tr := log.String()
	if strings.Contains(tr, "s3cret") || !strings.Contains(tr, "got:********") || !strings.Contains(tr, "again:****************") {
		t.Fatalf("transcript leaks or lacks the mask:\n%s", tr)
	}
}
