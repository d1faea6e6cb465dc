package waitcmd_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/goleak"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/cmd/cup/internal/root"
	"github.com/cupgo/cup/cmd/cup/internal/waitcmd"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestFlagParsing(t *testing.T) {
	tests := []struct {
		args  []string
		want  waitcmd.Options
		usage bool
	}{
		{args: []string{"file", "/tmp/x"}, want: waitcmd.Options{Kind: waitcmd.KindFile, Path: "/tmp/x", Timeout: 10 * time.Second, Interval: 500 * time.Millisecond}},
		{args: []string{"file", "-r", "/tmp/*.conf", "--timeout", "2s", "--interval", "1s"}, want: waitcmd.Options{Kind: waitcmd.KindFile, Path: "/tmp/*.conf", Recursive: true, Timeout: 2 * time.Second, Interval: time.Second}},
		{args: []string{"port", "8080", "--free"}, want: waitcmd.Options{Kind: waitcmd.KindPort, Port: 8080, Free: true, Timeout: 10 * time.Second, Interval: 500 * time.Millisecond}},
		{args: []string{"port", "127.0.0.1:22", "--timeout", "0"}, want: waitcmd.Options{Kind: waitcmd.KindPort, Host: "127.0.0.1", Port: 22, Interval: 500 * time.Millisecond}},
		{args: []string{"port", "[::1]:22"}, want: waitcmd.Options{Kind: waitcmd.KindPort, Host: "::1", Port: 22, Timeout: 10 * time.Second, Interval: 500 * time.Millisecond}},
		{args: []string{"process", "nginx", "--gone"}, want: waitcmd.Options{Kind: waitcmd.KindProcess, Name: "nginx", Gone: true, Timeout: 10 * time.Second, Interval: 500 * time.Millisecond}},
		{args: []string{"process", "--pid", "42"}, want: waitcmd.Options{Kind: waitcmd.KindProcess, PID: 42, Timeout: 10 * time.Second, Interval: 500 * time.Millisecond}},
		{args: []string{"process"}, usage: true},
		{args: []string{"process", "x", "--pid", "3"}, usage: true},
		{args: []string{"process", "--pid", "0"}, usage: true},
		{args: []string{"port", "99999"}, usage: true},
		{args: []string{"port", "host:"}, usage: true},
		{args: []string{"file", "x", "--timeout", "-1s"}, usage: true},
		{args: []string{"file", "x", "--interval", "0"}, usage: true},
		{args: []string{"file", "x", "--regexp", "("}, usage: true},
		{args: []string{"file", "x", "--regexp", "a", "-r"}, usage: true},
		{args: []string{"file"}, usage: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *waitcmd.Options
			f := &cmdutil.Factory{IO: cmdutil.TestIO(nil, &bytes.Buffer{}, &bytes.Buffer{})}
			cmd := waitcmd.NewCmd(f, func(_ context.Context, o *waitcmd.Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
			err := cmd.ExecuteContext(context.Background())
			if tt.usage {
				if err == nil {
					t.Fatal("want a usage error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO = nil
			if got.Regexp != nil {
				t.Fatal("unexpected regexp")
			}
			if *got != tt.want {
				t.Fatalf("options\n got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func run(t *testing.T, args ...string) (int, string, time.Duration) {
	t.Helper()
	var out, errOut bytes.Buffer
	start := time.Now()
	code := root.Run(context.Background(), cmdutil.TestIO(nil, &out, &errOut), append([]string{"wait"}, args...))
	return code, errOut.String(), time.Since(start)
}

func TestWaitCommands(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	os.WriteFile(log, []byte("booting\nready on port 80\n"), 0o644)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	freePort := strconv.Itoa(closed.Addr().(*net.TCPAddr).Port)
	closed.Close()
	sleep := exec.Command("sleep", "60")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleep.Process.Kill(); sleep.Wait() }()
	done := exec.Command("true")
	done.Run()

	tests := []struct {
		name string
		args []string
		code int
	}{
		{"file exists", []string{"file", log, "--timeout", "0"}, 0},
		{"file missing", []string{"file", filepath.Join(dir, "nope"), "--timeout", "300ms", "--interval", "100ms"}, 124},
		{"recursive glob", []string{"file", "-r", filepath.Join(filepath.Dir(dir), "*.log"), "--timeout", "0"}, 0},
		{"regexp found", []string{"file", log, "--regexp", `ready on port \d+`, "--timeout", "1s"}, 0},
		{"regexp missing", []string{"file", log, "--regexp", "^failed", "--timeout", "0"}, 124},
		{"port used", []string{"port", port, "--timeout", "0"}, 0},
		{"port free", []string{"port", freePort, "--free", "--timeout", "0"}, 0},
		{"port not free", []string{"port", port, "--free", "--timeout", "0"}, 124},
		{"host port dial", []string{"port", "127.0.0.1:" + port, "--timeout", "0"}, 0},
		{"host port refused", []string{"port", "127.0.0.1:" + freePort, "--timeout", "0"}, 124},
		{"host port free", []string{"port", "127.0.0.1:" + freePort, "--free", "--timeout", "0"}, 0},
		{"process by name", []string{"process", "sleep", "--timeout", "5s", "--interval", "50ms"}, 0},
		{"process exact name", []string{"process", "slee", "--timeout", "0"}, 124},
		{"process by path", []string{"process", "/nonexistent/sleep", "--timeout", "0"}, 124},
		{"pid exists", []string{"process", "--pid", strconv.Itoa(sleep.Process.Pid), "--timeout", "0"}, 0},
		{"pid gone", []string{"process", "--pid", strconv.Itoa(done.Process.Pid), "--gone", "--timeout", "0"}, 0},
		{"usage", []string{"port", "x"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr, elapsed := run(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, stderr)
			}
			if tt.code == 124 && !strings.Contains(stderr, "not met within") {
				t.Fatalf("stderr %q", stderr)
			}
			if tt.name == "file missing" && (elapsed < 300*time.Millisecond || elapsed > 5*time.Second) {
				t.Fatalf("timed out after %v, want about 300ms", elapsed)
			}
		})
	}
}
