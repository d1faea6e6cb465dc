package remote_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/crypto/ssh"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/testenv"
	"github.com/cupgo/cup/shell/remote"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func keyConfig(env testenv.SSH, host string) remote.Config {
	return remote.Config{Host: host, User: env.User, KeyFiles: []string{env.KeyFile},
		KnownHostsFiles: []string{env.KnownHosts}, ConnectTimeout: 10 * time.Second}
}

func dial(t *testing.T, cfg remote.Config) *remote.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := remote.Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func run(t *testing.T, c *remote.Client, cmd string) *remote.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := c.Run(ctx, cmd)
	if err != nil {
		t.Fatalf("Run(%q): %v", cmd, err)
	}
	return res
}

func TestRunStatuses(t *testing.T) {
	env := testenv.SSHServers(t)
	c := dial(t, keyConfig(env, env.Hosts[0]))
	res := run(t, c, "echo out; echo err >&2; exit 7")
	if res.ExitStatus != 0 || res.RemoteExitStatus != 7 || res.Stdout != "out\n" || res.Stderr != "err\n" {
		t.Fatalf("Run = %+v", res)
	}
	var ee *remote.ExitError
	if !errors.As(res.Err(), &ee) || ee.Status != 7 {
		t.Fatalf("Err() = %v, want *ExitError 7", res.Err())
	}
	for _, code := range []int{0, 1, 255} {
		if r := run(t, c, fmt.Sprintf("exit %d", code)); r.RemoteExitStatus != code || r.ExitStatus != 0 {
			t.Errorf("exit %d: got %+v", code, r)
		}
	}
	if r := run(t, c, "true"); r.Err() != nil {
		t.Errorf("true: Err() = %v", r.Err())
	}
	r := run(t, c, "kill -9 $$")
	if r.RemoteExitStatus != 128+9 {
		t.Errorf("killed by signal 9: RemoteExitStatus = %d, want 137", r.RemoteExitStatus)
	}
}

func TestRunVerbatim(t *testing.T) {
	env := testenv.SSHServers(t)
	c := dial(t, keyConfig(env, env.Hosts[1]))
	cmd := "printf '%s|' \"it's\" '$HOME' \"a  b\"; echo\necho 'line2'"
	res := run(t, c, cmd)
	if want := "it's|$HOME|a  b|\nline2\n"; res.Stdout != want {
		t.Fatalf("Stdout = %q, want %q", res.Stdout, want)
	}
}

func TestRunLargeOutput(t *testing.T) {
	env := testenv.SSHServers(t)
	c := dial(t, keyConfig(env, env.Hosts[2]))
	res := run(t, c, "head -c 8388608 /dev/zero; head -c 1048576 /dev/zero >&2")
	if len(res.Stdout) != 8<<20 || len(res.Stderr) != 1<<20 || len(res.Output) != 9<<20 {
		t.Fatalf("got %d/%d/%d bytes", len(res.Stdout), len(res.Stderr), len(res.Output))
	}
}

func TestRunTimeoutKillsRemoteTree(t *testing.T) {
	env := testenv.SSHServers(t)
	c := dial(t, keyConfig(env, env.Hosts[3]))
	marker := fmt.Sprintf("%d", 3000+os.Getpid()%1000)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	res, err := c.Run(ctx, "echo started; sleep "+marker+" & sleep "+marker+"; echo never")
	if !errors.Is(err, errs.ErrTimeout) || res.ExitStatus != 1 {
		t.Fatalf("Run = %+v, %v; want ExitStatus 1 and ErrTimeout", res, err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("timeout took %v", el)
	}
	if !strings.Contains(res.Stdout, "started") {
		t.Fatalf("partial output lost: %q", res.Stdout)
	}
	// No "sleep <marker>" may survive on the remote side.
	check := "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done | grep -c '^sleep " + marker + " ' || true"
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := run(t, c, check)
		if strings.TrimSpace(r.Stdout) == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("remote sleep processes survive the timeout: %s", r.Stdout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestPasswordAuth(t *testing.T) {
	env := testenv.SSHServers(t)
	cfg := remote.Config{Host: env.Hosts[0], User: env.PasswordUser, Password: env.Password, KnownHostsFiles: []string{env.KnownHosts}}
	c := dial(t, cfg)
	if r := run(t, c, "id -un"); strings.TrimSpace(r.Stdout) != env.PasswordUser {
		t.Fatalf("id -un = %q", r.Stdout)
	}
	cfg.Password = "wrong-" + env.Password
	var out bytes.Buffer
	cfg.Stdout, cfg.Stderr = &out, &out
	res := remote.GoEx(context.Background(), cfg, "true")
	if !errors.Is(res.Err(), errs.ErrSSHAuth) || res.ExitStatus != -1 || res.RemoteExitStatus != -1 {
		t.Fatalf("wrong password: %+v, %v", res, res.Err())
	}
	if strings.Contains(res.Output, cfg.Password) || strings.Contains(out.String(), cfg.Password) {
		t.Fatal("password appears in the output")
	}
}

func TestWrongKey(t *testing.T) {
	env := testenv.SSHServers(t)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	blk, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	kf := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(kf, pem.EncodeToMemory(blk), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := keyConfig(env, env.Hosts[0])
	cfg.KeyFiles = []string{kf}
	_, err = remote.Dial(context.Background(), cfg)
	if !errors.Is(err, errs.ErrSSHAuth) {
		t.Fatalf("Dial with an unknown key = %v, want ErrSSHAuth", err)
	}
	cfg.KeyFiles = []string{filepath.Join(t.TempDir(), "missing")}
	if _, err := remote.Dial(context.Background(), cfg); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing key file = %v", err)
	}
	cfg.KeyFiles = nil
	if _, err := remote.Dial(context.Background(), cfg); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("no credentials = %v", err)
	}
}

func TestHostKeys(t *testing.T) {
	env := testenv.SSHServers(t)
	kh, err := os.ReadFile(env.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(kh)), "\n")
	dir := t.TempDir()

	// Unknown host: refused by default.
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := keyConfig(env, env.Hosts[0])
	cfg.KnownHostsFiles = []string{empty}
	if _, err := remote.Dial(context.Background(), cfg); !errors.Is(err, errs.ErrSSHHostKey) {
		t.Fatalf("unknown host = %v, want ErrSSHHostKey", err)
	}
	// Trust on first use records the key, and the next dial needs no help.
	cfg.AcceptNewHostKeys = true
	c := dial(t, cfg)
	c.Close()
	rec, _ := os.ReadFile(empty)
	if !strings.Contains(string(rec), "ssh-ed25519") {
		t.Fatalf("key not recorded: %q", rec)
	}
	cfg.AcceptNewHostKeys = false
	dial(t, cfg).Close()

	// Changed key: host 0 listed with host 1's key. Refused even with
	// AcceptNewHostKeys.
	host0 := "[" + strings.Replace(env.Hosts[0], ":", "]:", 1)
	key1 := strings.SplitN(lines[1], " ", 2)[1]
	changed := filepath.Join(dir, "changed")
	if err := os.WriteFile(changed, []byte(host0+" "+key1+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.KnownHostsFiles = []string{changed}
	for _, accept := range []bool{false, true} {
		cfg.AcceptNewHostKeys = accept
		_, err := remote.Dial(context.Background(), cfg)
		if !errors.Is(err, errs.ErrSSHHostKey) || !strings.Contains(err.Error(), "differs") {
			t.Fatalf("changed key (accept=%v) = %v", accept, err)
		}
	}
	// Insecure opt-out connects regardless.
	cfg.InsecureIgnoreHostKey = true
	dial(t, cfg).Close()
}

func TestCheckSSH(t *testing.T) {
	env := testenv.SSHServers(t)
	if err := remote.CheckSSH(context.Background(), keyConfig(env, env.Hosts[0])); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cfg := keyConfig(env, env.DeadHosts[0])
	cfg.ConnectTimeout = 3 * time.Second
	err := remote.CheckSSH(context.Background(), cfg)
	if err == nil || !errors.Is(err, errs.ErrNet) {
		t.Fatalf("CheckSSH(dead) = %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("CheckSSH on a dead host exceeded its connect timeout")
	}
}

func TestBadConfig(t *testing.T) {
	for _, cfg := range []remote.Config{{}, {Host: "h:0"}, {Host: "h:99999"}, {Host: "h:22", Port: 23}, {Host: ":22"}} {
		cfg.Password = "x"
		if _, err := remote.Dial(context.Background(), cfg); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("Dial(%+v) = %v, want ErrInvalidArgument", cfg, err)
		}
	}
}

// TestFanOut runs on 8 hosts: 6 with sshd, 2 without, and one of the six
// drops the connection mid-run (the command kills its own sshd session).
func TestFanOut(t *testing.T) {
	env := testenv.SSHServers(t)
	hosts := append(append([]string{}, env.Hosts[:6]...), env.DeadHosts[:2]...)
	var cfgs []remote.Config
	for _, h := range hosts {
		cfg := keyConfig(env, h)
		cfg.ConnectTimeout = 5 * time.Second
		cfgs = append(cfgs, cfg)
	}
	dropper := strings.Split(env.Hosts[5], ":")[0]
	cmd := `sleep 1; case "$SSH_CONNECTION" in *" ` + dropper + ` "*) kill -9 $PPID;; esac; echo ok`
	var mu sync.Mutex
	var calls []int
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	results := remote.FanOut{Parallelism: 8, Progress: func(done, total int, r remote.HostResult) {
		mu.Lock()
		calls = append(calls, done)
		mu.Unlock()
	}}.Run(ctx, cfgs, cmd)
	elapsed := time.Since(start)
	if len(results) != 8 || len(calls) != 8 {
		t.Fatalf("%d results, %d progress calls", len(results), len(calls))
	}
	var ok, failed int
	for i, r := range results {
		if r.Host != hosts[i] {
			t.Fatalf("result %d is for %s, want %s (input order)", i, r.Host, hosts[i])
		}
		if r.Err == nil {
			ok++
			if r.Result.Stdout != "ok\n" {
				t.Errorf("%s: stdout %q", r.Host, r.Result.Stdout)
			}
			continue
		}
		failed++
		if r.Result.ExitStatus != -1 || !errors.Is(r.Err, errs.ErrNet) {
			t.Errorf("%s: unclear failure %+v: %v", r.Host, r.Result, r.Err)
		}
	}
	if ok != 5 || failed != 3 {
		for _, r := range results {
			t.Logf("%s: %v", r.Host, r.Err)
		}
		t.Fatalf("%d ok, %d failed; want 5 and 3", ok, failed)
	}
	if elapsed > 20*time.Second {
		t.Fatalf("fan-out took %v", elapsed)
	}
}

func writeTree(t *testing.T, root string) {
	t.Helper()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "sub dir", "deep"), 0o755))
	must(os.WriteFile(filepath.Join(root, "a.txt"), []byte("alpha\n"), 0o644))
	must(os.WriteFile(filepath.Join(root, "run.sh"), []byte("#!/bin/sh\necho hi\n"), 0o750))
	big := make([]byte, 3<<20+17)
	_, _ = rand.Read(big)
	must(os.WriteFile(filepath.Join(root, "sub dir", "big.bin"), big, 0o600))
	must(os.WriteFile(filepath.Join(root, "sub dir", "deep", "it's $x"), []byte("quoted"), 0o640))
	must(os.Chmod(filepath.Join(root, "sub dir", "deep"), 0o711))
}

// sameTree compares two local trees: names, contents and permission bits.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	err := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		q := filepath.Join(b, rel)
		ai, _ := os.Stat(p)
		bi, err := os.Stat(q)
		if err != nil {
			return fmt.Errorf("%s missing in copy: %w", rel, err)
		}
		if ai.Mode() != bi.Mode() {
			return fmt.Errorf("%s: mode %v, copy has %v", rel, ai.Mode(), bi.Mode())
		}
		if ai.Mode().IsRegular() {
			x, _ := os.ReadFile(p)
			y, _ := os.ReadFile(q)
			if !bytes.Equal(x, y) {
				return fmt.Errorf("%s: content differs", rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The remote host is this machine, so remote paths can be checked with
// the os package.
func TestUploadDownloadRoundTrip(t *testing.T) {
	env := testenv.SSHServers(t)
	c := dial(t, keyConfig(env, env.Hosts[4]))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := t.TempDir()
	src := filepath.Join(base, "src tree")
	writeTree(t, src)

	remoteDir := filepath.Join(base, "remote 'dest' $HOME")
	if err := os.Mkdir(remoteDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// into an existing directory: lands under the base name
	if err := c.Upload(ctx, src, remoteDir); err != nil {
		t.Fatal(err)
	}
	sameTree(t, src, filepath.Join(remoteDir, "src tree"))
	// to a new path: created with that name
	if err := c.Upload(ctx, src, filepath.Join(remoteDir, "renamed")); err != nil {
		t.Fatal(err)
	}
	sameTree(t, src, filepath.Join(remoteDir, "renamed"))
	// a single file
	if err := c.Upload(ctx, filepath.Join(src, "a.txt"), filepath.Join(remoteDir, "one.txt")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(remoteDir, "one.txt")); string(b) != "alpha\n" {
		t.Fatalf("one.txt = %q", b)
	}
	// missing source: error, nothing created
	err := c.Upload(ctx, filepath.Join(base, "nope"), filepath.Join(remoteDir, "nope"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Upload(missing) = %v", err)
	}
	if _, err := os.Stat(filepath.Join(remoteDir, "nope")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("Upload of a missing source created something")
	}

	// and back
	back := filepath.Join(base, "back")
	if err := os.Mkdir(back, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.Download(ctx, filepath.Join(remoteDir, "src tree"), back); err != nil {
		t.Fatal(err)
	}
	sameTree(t, src, filepath.Join(back, "src tree"))
	if err := c.Download(ctx, filepath.Join(remoteDir, "nope"), back); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Download(missing) = %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(remoteDir, "*", ".*cup-tmp*"))
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

func TestDownloadInterrupted(t *testing.T) {
	env := testenv.SSHServers(t)
	c := dial(t, keyConfig(env, env.Hosts[4]))
	base := t.TempDir()
	big := filepath.Join(base, "big")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(4 << 30); err != nil { // sparse: costs no disk remotely
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(base, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = c.Download(ctx, big, out)
	if !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("Download = %v, want a timeout", err)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

func TestRunScript(t *testing.T) {
	env := testenv.SSHServers(t)
	c := dial(t, keyConfig(env, env.Hosts[0]))
	tmp := t.TempDir()
	script := "x='it'\"'\"'s'\ncat <<'EOF'\n$x stays literal\nEOF\necho \"$x\"\nexit 3\n"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := c.RunScript(ctx, script, tmp)
	if err != nil || res.RemoteExitStatus != 3 || res.Stdout != "$x stays literal\nit's\n" || res.CleanupErr != nil {
		t.Fatalf("RunScript = %+v, %v", res, err)
	}
	tctx, tcancel := context.WithTimeout(context.Background(), time.Second)
	defer tcancel()
	res, err = c.RunScript(tctx, "sleep 20", tmp)
	if !errors.Is(err, errs.ErrTimeout) || res.ExitStatus != 1 {
		t.Fatalf("RunScript timeout = %+v, %v", res, err)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Fatalf("script files left in %s: %v", tmp, entries)
	}
	r := remote.GoWithScp(context.Background(), keyConfig(env, env.Hosts[1]), "echo via-scp", tmp)
	if r.Err() != nil || r.Stdout != "via-scp\n" {
		t.Fatalf("GoWithScp = %+v, %v", r, r.Err())
	}
}
