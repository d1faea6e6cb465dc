package jenkinscmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/jenkinstest"
	"github.com/cupgo/cup/jenkins"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func execute(t *testing.T, args []string, runF func(context.Context, *Options) error) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.TestIO(strings.NewReader(""), &out, &errOut)}
	cmd := NewCmd(f, runF)
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := cmd.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func TestFlags(t *testing.T) {
	t.Setenv("JENKINS_URL", "http://env.example")
	t.Setenv("JENKINS_USER", "envuser")
	t.Setenv("JENKINS_TOKEN", "envtok")
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
		check   func(*Options) bool
	}{
		{"env fallback", []string{"job", "list"}, "", func(o *Options) bool {
			return o.URL == "http://env.example" && o.User == "envuser" && o.Token == "envtok" && o.Command == "job list"
		}},
		{"flags win", []string{"--url", "http://flag", "--user", "u", "--token", "t", "status", "a/b", "7"}, "", func(o *Options) bool {
			return o.URL == "http://flag" && o.User == "u" && o.Job == "a/b" && o.Number == 7
		}},
		{"params", []string{"build", "x", "-p", "A=1", "-p", "B=x=y", "--wait", "--timeout", "1m"}, "", func(o *Options) bool {
			return o.Params["A"] == "1" && o.Params["B"] == "x=y" && o.Wait && o.WaitFor == time.Minute
		}},
		{"bad param", []string{"build", "x", "-p", "novalue"}, "KEY=VALUE", nil},
		{"bad number", []string{"console", "x", "seven"}, "positive integer", nil},
		{"no job", []string{"build"}, "accepts 1 arg", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *Options
			_, _, err := execute(t, tc.args, func(_ context.Context, o *Options) error { got = o; return nil })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(got) {
				t.Errorf("options %+v", got)
			}
		})
	}
	t.Setenv("JENKINS_URL", "")
	if _, _, err := execute(t, []string{"job", "list"}, func(context.Context, *Options) error { return nil }); !cmdutil.IsFlagError(err) {
		t.Errorf("missing URL: %v", err)
	}
}

func TestAgainstFake(t *testing.T) {
	s := jenkinstest.Start(jenkinstest.Options{User: "admin", Token: "tok", CSRF: true})
	defer s.Close()
	s.AddJob("deploy", &jenkinstest.Job{Params: []string{"ENV"}})
	s.AddJob("team", &jenkinstest.Job{Folder: true})
	s.AddJob("team/app", &jenkinstest.Job{Builds: []*jenkinstest.Build{{Number: 4, Result: "FAILURE", Duration: 2000, Timestamp: 1600000000123, Console: "boom\nFinished: FAILURE\n"}}})
	base := []string{"--url", s.URL, "--user", "admin", "--token", "tok", "--poll", "10ms"}

	out, _, err := execute(t, append(base, "job", "list"), nil)
	if err != nil || !strings.Contains(out, "deploy") || !strings.Contains(out, "team") || !strings.Contains(out, "folder") {
		t.Fatalf("job list %q %v", out, err)
	}
	out, _, err = execute(t, append(base, "job", "list", "team", "--json"), nil)
	var jobs []jenkins.JobInfo
	if err != nil || json.Unmarshal([]byte(out), &jobs) != nil || len(jobs) != 1 || jobs[0].Name != "app" {
		t.Fatalf("folder list %q %v", out, err)
	}

	out, errOut, err := execute(t, append(base, "build", "deploy", "-p", "ENV=staging", "--wait"), nil)
	if err != nil || !strings.Contains(out, "deploy #1: SUCCESS") || !strings.Contains(errOut, "queue item 1") {
		t.Fatalf("build --wait: out %q err %q %v", out, errOut, err)
	}
	out, _, err = execute(t, append(base, "build", "deploy", "-p", "ENV=prod", "--json"), nil)
	if err != nil || !strings.Contains(out, `"queueId": 2`) {
		t.Fatalf("build --json %q %v", out, err)
	}

	out, _, err = execute(t, append(base, "status", "team/app", "--json"), nil)
	var bi buildInfo
	if err != nil || json.Unmarshal([]byte(out), &bi) != nil || bi.Number != 4 || bi.Result != "FAILURE" || bi.Duration != 2*time.Second {
		t.Fatalf("status %q %v", out, err)
	}
	out, _, err = execute(t, append(base, "status", "team/app", "4"), nil)
	if err != nil || !strings.Contains(out, "team/app #4: FAILURE") {
		t.Fatalf("status text %q %v", out, err)
	}
	out, _, err = execute(t, append(base, "console", "team/app"), nil)
	if err != nil || out != "boom\nFinished: FAILURE\n" {
		t.Fatalf("console %q %v", out, err)
	}

	_, _, err = execute(t, append(base, "status", "nojob"), nil)
	if !errors.Is(err, jenkins.ErrUnknownJob) {
		t.Errorf("unknown job: %v", err)
	}
	_, _, err = execute(t, append(base, "status", "deploy", "99"), nil)
	if !errors.Is(err, jenkins.ErrNoBuildData) {
		t.Errorf("missing build: %v", err)
	}
	_, _, err = execute(t, []string{"--url", s.URL, "--user", "admin", "--token", "wrong", "job", "list"}, nil)
	if !errors.Is(err, jenkins.ErrUnauthorized) {
		t.Errorf("bad token: %v", err)
	}
}

func TestBuildWaitOutcomes(t *testing.T) {
	f := jenkinstest.Start(jenkinstest.Options{Result: "UNSTABLE"})
	defer f.Close()
	f.AddJob("flaky", &jenkinstest.Job{})
	out, _, err := execute(t, []string{"--url", f.URL, "--poll", "10ms", "build", "flaky", "--wait"}, nil)
	var ee *cmdutil.ExitError
	if !errors.As(err, &ee) || ee.Code != 1 || !strings.Contains(out, "flaky #1: UNSTABLE") {
		t.Errorf("unstable build: %q %v", out, err)
	}

	s := jenkinstest.Start(jenkinstest.Options{QueuePolls: -1})
	defer s.Close()
	s.AddJob("stuck", &jenkinstest.Job{})
	_, _, err = execute(t, []string{"--url", s.URL, "--poll", "10ms", "build", "stuck", "--wait", "--timeout", "150ms"}, nil)
	if !errors.Is(err, errs.ErrTimeout) {
		t.Errorf("timeout: %v (cup maps errs.ErrTimeout to exit 124)", err)
	}
}
