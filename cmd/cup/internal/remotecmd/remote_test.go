package remotecmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/cmd/cup/internal/remotecmd"
	"github.com/cupgo/cup/cmd/cup/internal/root"
	"github.com/cupgo/cup/internal/testenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// cup runs the cup command tree and returns exit code, stdout, stderr.
func cup(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := root.Run(context.Background(), cmdutil.TestIO(nil, &out, &errOut), args)
	return code, out.String(), errOut.String()
}

// fleetArgs are the connection flags for the test fleet.
func fleetArgs(env testenv.SSH, hosts ...string) []string {
	return []string{"--hosts", strings.Join(hosts, ","), "--user", env.User, "--key", env.KeyFile,
		"--known-hosts", env.KnownHosts, "--connect-timeout", "5s"}
}

// rows parses the table into host -> fields.
func rows(t *testing.T, out string) map[string][]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "HOST") {
		t.Fatalf("no table in %q", out)
	}
	m := map[string][]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		m[f[0]] = f
	}
	return m
}

func TestRunTable(t *testing.T) {
	env := testenv.SSHServers(t)
	hosts := append(append([]string{}, env.Hosts...), env.DeadHosts[0])
	// Words with spaces, quotes, $ and ; arrive verbatim: no injection.
	args := append([]string{"remote", "run"}, fleetArgs(env, hosts...)...)
	args = append(args, "--", "printf", "%s|", "a  b", "it's", "$HOME", ";id", "`id`")
	code, out, errOut := cup(t, args...)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one dead host); stderr %q", code, errOut)
	}
	m := rows(t, out)
	if len(m) != len(hosts) {
		t.Fatalf("%d rows for %d hosts:\n%s", len(m), len(hosts), out)
	}
	for _, h := range env.Hosts {
		r := m[h]
		if r[1] != "ok" || r[2] != "0" || !strings.Contains(out, h+"  ok") {
			t.Errorf("%s: %v", h, r)
		}
	}
	if !strings.Contains(out, "a  b|it's|$HOME|;id|`id`|") {
		t.Errorf("arguments not passed verbatim:\n%s", out)
	}
	dead := m[env.DeadHosts[0]]
	if dead[1] != "error" || dead[2] != "-" || !strings.Contains(out, "connection refused") {
		t.Errorf("dead host row: %v\n%s", dead, out)
	}
	if !strings.Contains(errOut, "1 of 7 hosts failed") {
		t.Errorf("stderr %q", errOut)
	}

	// every host fine: exit 0
	args = append([]string{"remote", "run"}, fleetArgs(env, env.Hosts[:2]...)...)
	if code, out, errOut := cup(t, append(args, "--", "true")...); code != 0 || errOut != "" {
		t.Fatalf("exit %d, out %q, stderr %q", code, out, errOut)
	}
}

func TestRunJSON(t *testing.T) {
	env := testenv.SSHServers(t)
	hosts := []string{env.Hosts[0], env.DeadHosts[1], env.Hosts[1]}
	args := append([]string{"remote", "run", "--json"}, fleetArgs(env, hosts...)...)
	code, out, _ := cup(t, append(args, "--", "sh", "-c", `echo "out $1"; echo err >&2; exit 3`, "sh", "x y")...)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var rep remotecmd.ReportJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if rep.Command != "run" || rep.Succeeded != 0 || rep.Failed != 3 || len(rep.Hosts) != 3 {
		t.Fatalf("report %+v", rep)
	}
	for i, h := range rep.Hosts {
		if h.Host != hosts[i] {
			t.Fatalf("host %d is %s, want %s (input order)", i, h.Host, hosts[i])
		}
	}
	for _, h := range []remotecmd.HostJSON{rep.Hosts[0], rep.Hosts[2]} {
		if h.Status != "failed" || h.ExitStatus == nil || *h.ExitStatus != 3 || h.Stdout != "out x y\n" || h.Stderr != "err\n" || h.Error == "" {
			t.Errorf("live host %+v", h)
		}
	}
	if d := rep.Hosts[1]; d.Status != "error" || d.ExitStatus != nil || !strings.Contains(d.Error, "connection refused") {
		t.Errorf("dead host %+v", d)
	}
	// the raw keys, as scripts see them
	var raw map[string]any
	_ = json.Unmarshal([]byte(out), &raw)
	first := raw["hosts"].([]any)[0].(map[string]any)
	for _, k := range []string{"host", "status", "exit_status", "stdout", "stderr", "error", "duration_ms"} {
		if _, ok := first[k]; !ok {
			t.Errorf("key %q missing in %v", k, first)
		}
	}
}

func TestRunTimeout(t *testing.T) {
	env := testenv.SSHServers(t)
	args := append([]string{"remote", "run", "--timeout", "1s"}, fleetArgs(env, env.Hosts[2], env.Hosts[3])...)
	code, out, _ := cup(t, append(args, "--", "sleep", "30")...)
	if code != 124 {
		t.Fatalf("exit %d, want 124\n%s", code, out)
	}
	for _, r := range rows(t, out) {
		if r[1] != "timeout" {
			t.Errorf("row %v", r)
		}
	}
	// a timeout and a dead host: 1, not 124
	args = append([]string{"remote", "run", "--timeout", "1s"}, fleetArgs(env, env.Hosts[2], env.DeadHosts[0])...)
	if code, out, _ := cup(t, append(args, "--", "sleep", "30")...); code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
}

func TestRunPassword(t *testing.T) {
	env := testenv.SSHServers(t)
	t.Setenv("CUP_TEST_PW", env.Password)
	code, out, errOut := cup(t, "remote", "run", "--hosts", env.Hosts[0], "--user", env.PasswordUser,
		"--password-env", "CUP_TEST_PW", "--known-hosts", env.KnownHosts, "--", "id", "-un")
	if code != 0 || !strings.Contains(out, env.PasswordUser) {
		t.Fatalf("exit %d out %q err %q", code, out, errOut)
	}
	if strings.Contains(out+errOut, env.Password) {
		t.Fatal("password printed")
	}
}

func TestUsage(t *testing.T) {
	env := testenv.SSHServers(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	key := []string{"--key", env.KeyFile}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no hosts", append([]string{"remote", "run"}, append(key, "--", "true")...), "hosts"},
		{"empty hosts", append([]string{"remote", "run", "--hosts", ","}, append(key, "--", "true")...), "no host"},
		{"bad port", append([]string{"remote", "run", "--hosts", "h:0"}, append(key, "--", "true")...), "port"},
		{"no command", append([]string{"remote", "run", "--hosts", "h"}, key...), "requires at least"},
		{"parallel 0", append([]string{"remote", "run", "--hosts", "h", "--parallel", "0"}, append(key, "--", "true")...), "--parallel"},
		{"password env unset", []string{"remote", "run", "--hosts", "h", "--password-env", "CUP_NOT_SET_ANYWHERE", "--", "true"}, "CUP_NOT_SET_ANYWHERE"},
		{"missing key", []string{"remote", "run", "--hosts", "h", "--key", filepath.Join(dir, "nokey"), "--", "true"}, "--key"},
		{"copy missing src", append([]string{"remote", "copy", filepath.Join(dir, "none"), "/tmp", "--hosts", "h"}, key...), "SRC"},
		{"copy --tar of a file", append([]string{"remote", "copy", "--tar", file, "/tmp", "--hosts", "h"}, key...), "not one"},
		{"copy one arg", append([]string{"remote", "copy", file, "--hosts", "h"}, key...), "accepts 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := cup(t, tc.args...)
			if code != 2 || out != "" || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, out %q, stderr %q; want 2 and %q", code, out, errOut, tc.want)
			}
		})
	}
}

func TestCopy(t *testing.T) {
	env := testenv.SSHServers(t)
	base := t.TempDir()
	src := filepath.Join(base, "data $x 'q'.bin")
	content := bytes.Repeat([]byte("0123456789abcdef"), 1<<17) // 2 MiB: "large"
	if err := os.WriteFile(src, content, 0o640); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(base, "dst")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	hosts := []string{env.Hosts[0], env.Hosts[1], env.DeadHosts[0]}
	args := append([]string{"remote", "copy", src, dst}, fleetArgs(env, hosts...)...)
	code, out, errOut := cup(t, args...)
	if code != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	m := rows(t, out)
	for _, h := range hosts[:2] {
		if r := m[h]; r[1] != "ok" || !strings.Contains(out, "copied 2.0 MiB") {
			t.Errorf("%s: %v", h, r)
		}
	}
	if r := m[env.DeadHosts[0]]; r[1] != "error" {
		t.Errorf("dead: %v", r)
	}
	// not a terminal: one plain progress line per host on stderr, no bars
	if strings.Count(errOut, "cup remote copy: [") != 3 || strings.Contains(out+errOut, "\x1b[") {
		t.Errorf("progress lines: %q", errOut)
	}
	got, err := os.ReadFile(filepath.Join(dst, filepath.Base(src)))
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("copy differs: %v", err)
	}

	// --tar, --json
	tree := filepath.Join(base, "tree")
	if err := os.MkdirAll(filepath.Join(tree, "sub"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tree, "sub", "run.sh"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tdst := filepath.Join(base, "tar dst")
	args = append([]string{"remote", "copy", "--tar", "--json", tree, tdst}, fleetArgs(env, env.Hosts[2])...)
	code, out, errOut = cup(t, args...)
	var rep remotecmd.ReportJSON
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil {
		t.Fatalf("exit %d, %v: %s %s", code, err, out, errOut)
	}
	if h := rep.Hosts[0]; rep.Command != "copy" || h.Status != "ok" || h.Bytes == nil || *h.Bytes != 10 {
		t.Fatalf("report %+v", rep)
	}
	fi, err := os.Stat(filepath.Join(tdst, "tree", "sub", "run.sh"))
	if err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("tar copy: %v, %v", fi, err)
	}
}

func TestHostKeyFlags(t *testing.T) {
	env := testenv.SSHServers(t)
	kh := filepath.Join(t.TempDir(), "known_hosts") // does not exist yet
	base := []string{"remote", "run", "--user", env.User, "--key", env.KeyFile, "--known-hosts", kh}
	// unknown hosts without --accept-new-host-keys: refused up front (no file)
	if code, _, errOut := cup(t, append(base, "--hosts", env.Hosts[0], "--", "true")...); code != 2 || !strings.Contains(errOut, "--known-hosts") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	code, out, errOut := cup(t, append(base, "--accept-new-host-keys", "--hosts", env.Hosts[0]+","+env.Hosts[1], "--", "true")...)
	if code != 0 {
		t.Fatalf("accept-new: exit %d\n%s%s", code, out, errOut)
	}
	if b, _ := os.ReadFile(kh); strings.Count(string(b), "\n") != 2 {
		t.Fatalf("known_hosts after accepting two hosts:\n%s", b)
	}
	// a third host is not in the file: refused, and the row says so
	code, out, _ = cup(t, append(base, "--hosts", env.Hosts[0]+","+env.Hosts[2], "--", "true")...)
	m := rows(t, out)
	if code != 1 || m[env.Hosts[0]][1] != "ok" || m[env.Hosts[2]][1] != "error" || !strings.Contains(out, "known_hosts") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}
