package mailcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/internal/smtptest"
	"github.com/cupgo/cup/mail"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func execute(t *testing.T, in string, args []string, runF func(*Options) error) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.TestIO(strings.NewReader(in), &out, &errOut)}
	cmd := NewCmd(f, runF)
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func TestFlags(t *testing.T) {
	t.Setenv("CUP_SMTP_PASSWORD", "pw")
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
		check   func(*Options) bool
	}{
		{"lists", []string{"send", "--smtp", "h:2525", "--from", "f@x", "--to", "a@x,b@x", "--to", "c@x", "--bcc", "d@x", "--attach", "a,b.txt", "--user", "u"},
			"", func(o *Options) bool {
				return len(o.To) == 3 && o.Bcc[0] == "d@x" && len(o.Attach) == 1 && o.Attach[0] == "a,b.txt" && o.Password == "pw"
			}},
		{"missing smtp", []string{"send", "--from", "f@x", "--to", "a@x"}, "--smtp and --from are required", nil},
		{"no recipients", []string{"send", "--smtp", "h", "--from", "f@x"}, "at least one", nil},
		{"text and html", []string{"send", "--smtp", "h", "--from", "f@x", "--to", "a@x", "--text", "a", "--html", "b"}, "none of the others", nil},
		{"bad security", []string{"send", "--smtp", "h", "--from", "f@x", "--to", "a@x", "--security", "ssl3"}, "--security", nil},
		{"bad port", []string{"send", "--smtp", "h:99999", "--from", "f@x", "--to", "a@x"}, "bad port", nil},
		{"args", []string{"send", "--smtp", "h", "--from", "f@x", "--to", "a@x", "extra"}, "unknown command", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *Options
			_, _, err := execute(t, "", tc.args, func(o *Options) error { got = o; return nil })
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
}

func TestSendAgainstServer(t *testing.T) {
	srv, err := smtptest.Start(smtptest.Options{RejectRcpt: map[string]int{"bad@example.com": 550}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	html := filepath.Join(dir, "body.html")
	img := filepath.Join(dir, "chart.png")
	os.WriteFile(html, []byte(`<img src="cid:chart.png">`), 0o644)
	os.WriteFile(img, []byte("\x89PNG fake"), 0o644)

	out, _, err := execute(t, "", []string{"send", "--smtp", srv.Addr, "--from", "ops@example.com",
		"--to", "a@example.com,b@example.com", "--bcc", "hidden@example.com", "--subject", "nightly",
		"--html", html, "--inline", img, "--attach", html, "--json"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var r result
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Recipients) != 3 || r.Inline[0] != "chart.png" {
		t.Fatalf("json %q: %v", out, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || len(msgs[0].To) != 3 {
		t.Fatalf("server got %+v", msgs)
	}
	data := string(msgs[0].Data)
	if strings.Contains(data, "hidden@") || !strings.Contains(data, "multipart/related") || !strings.Contains(strings.ToLower(data), "content-id: <chart.png>") {
		t.Errorf("message:\n%s", data)
	}

	out, _, err = execute(t, "plain body from stdin\n", []string{"send", "--smtp", srv.Addr, "--from", "ops@example.com", "--to", "a@example.com", "--subject", "s", "--text", "-"}, nil)
	if err != nil || !strings.Contains(out, "sent \"s\" to 1 recipient(s)") {
		t.Fatalf("out %q err %v", out, err)
	}
	if msgs := srv.Messages(); !strings.Contains(string(msgs[1].Data), "plain body from stdin") {
		t.Errorf("stdin body missing:\n%s", msgs[1].Data)
	}

	_, _, err = execute(t, "", []string{"send", "--smtp", srv.Addr, "--from", "ops@example.com", "--to", "bad@example.com"}, nil)
	var se *mail.SendError
	if !errors.As(err, &se) || se.Refused[0] != "bad@example.com" || !strings.Contains(err.Error(), "bad@example.com") {
		t.Fatalf("err = %v", err)
	}

	_, _, err = execute(t, "", []string{"send", "--smtp", srv.Addr, "--from", "ops@example.com", "--to", "a@example.com", "--attach", filepath.Join(dir, "missing.csv")}, nil)
	if err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("%d messages", n)
	}
}
