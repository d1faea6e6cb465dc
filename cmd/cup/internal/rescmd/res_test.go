package rescmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/errs"
)

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		interval time.Duration
		json     bool
		flagErr  bool
	}{
		{nil, time.Second, false, false},
		{[]string{"--interval", "250ms", "--json"}, 250 * time.Millisecond, true, false},
		{[]string{"--interval", "0s"}, 0, false, true},
		{[]string{"--interval", "-1s"}, 0, false, true},
		{[]string{"extra"}, 0, false, true},
	} {
		var got *Options
		var out bytes.Buffer
		cmd := NewCmd(&cmdutil.Factory{IO: cmdutil.TestIO(nil, &out, &out)}, func(_ context.Context, o *Options) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if tc.flagErr {
			if err == nil || got != nil {
				t.Errorf("%v: want a usage error, got %v", tc.args, err)
			}
			continue
		}
		if err != nil || got.Interval != tc.interval || got.JSON != tc.json {
			t.Errorf("%v: options %+v, %v", tc.args, got, err)
		}
	}
}

func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCmd(&cmdutil.Factory{IO: cmdutil.TestIO(nil, &out, &errOut)}, nil)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestSummaryLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	out, err := execute(t, "--interval", "100ms")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Kernel", "CPU", "Load", "Memory", "Swap", "Booted", "INTERFACE", "\nlo "} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	out, err = execute(t, "--interval", "100ms", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if s.CPUs < 1 || s.Memory.Total == 0 || s.Kernel.Release == "" || len(s.NICs) == 0 || s.Interval != 100*time.Millisecond {
		t.Fatalf("summary %+v", s)
	}
	lo := false
	for _, n := range s.NICs {
		if n.Name == "lo" && len(n.Addrs) > 0 {
			lo = true
		}
	}
	if !lo {
		t.Errorf("no lo with an address in %+v", s.NICs)
	}
}

func TestSummaryCancelled(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	cmd := NewCmd(&cmdutil.Factory{IO: cmdutil.TestIO(nil, &out, &out)}, nil)
	cmd.SetArgs([]string{"--interval", "1h"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if err := cmd.ExecuteContext(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run = %v", err)
	}
}

func TestProcLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	pid := strconv.Itoa(os.Getpid())
	out, err := execute(t, "proc", pid)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "PID       "+pid) || !strings.Contains(out, "Exe") {
		t.Errorf("table:\n%s", out)
	}
	out, err = execute(t, "proc", pid, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r ProcReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	exe, _ := os.Executable()
	if r.PID != os.Getpid() || r.PPID != os.Getppid() || r.Exe != exe || r.NumThreads < 1 || r.Memory.RSS == 0 {
		t.Errorf("report %+v", r)
	}
	if _, err := execute(t, "proc", "abc"); !cmdutil.IsFlagError(err) {
		t.Errorf("proc abc = %v, want a usage error", err)
	}
	if _, err := execute(t, "proc", "0"); !cmdutil.IsFlagError(err) {
		t.Errorf("proc 0 = %v, want a usage error", err)
	}
	if _, err := execute(t, "proc", strconv.Itoa(1<<22)); !errors.Is(err, errs.ErrNoSuchProcess) {
		t.Errorf("proc of a missing pid = %v", err)
	}
}

func TestBytesIEC(t *testing.T) {
	for n, want := range map[uint64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 5 << 30: "5.0 GiB"} {
		if got := bytesIEC(n); got != want {
			t.Errorf("bytesIEC(%d) = %q, want %q", n, got, want)
		}
	}
	if got := duration(26*time.Hour + 3*time.Minute); got != "1d 2h 3m" {
		t.Errorf("duration = %q", got)
	}
}
