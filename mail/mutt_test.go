package mail_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
	cupmail "github.com/cupgo/cup/mail"
)

// fakeMutt writes a script that records its argv (one per line) and stdin
// next to itself, then runs tail.
func fakeMutt(t *testing.T, tail string) (script, dir string) {
	t.Helper()
	dir = t.TempDir()
	script = filepath.Join(dir, "mutt")
	body := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + dir + "/argv\ncat > " + dir + "/stdin\n" + tail + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, dir
}

func TestMuttSend(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	t.Run("argv and stdin", func(t *testing.T) {
		script, dir := fakeMutt(t, "exit 0")
		err := cupmail.MuttSend(context.Background(), cupmail.MuttMessage{
			To: []string{"a@example.com", "b@example.com"}, Subject: "disk $HOME `id` full; rm -rf *",
			Body: "line 1\n$(whoami) *\n", Attachments: []string{"testdata/report.csv", "testdata/shot.png"},
			HTML: true, MuttPath: script,
		})
		if err != nil {
			t.Fatal(err)
		}
		argv, _ := os.ReadFile(filepath.Join(dir, "argv"))
		want := "-e\nmy_hdr Content-Type: text/html\n-s\ndisk $HOME `id` full; rm -rf *\n-a\ntestdata/report.csv\ntestdata/shot.png\n--\na@example.com\nb@example.com\n"
		if string(argv) != want {
			t.Errorf("argv:\n%s\nwant:\n%s", argv, want)
		}
		stdin, _ := os.ReadFile(filepath.Join(dir, "stdin"))
		if string(stdin) != "line 1\n$(whoami) *\n" {
			t.Errorf("stdin %q", stdin)
		}
	})
	t.Run("exit 1", func(t *testing.T) {
		script, _ := fakeMutt(t, "echo 'mutt: no such host' >&2; exit 1")
		err := cupmail.MuttSend(context.Background(), cupmail.MuttMessage{To: []string{"a@example.com"}, MuttPath: script})
		if err == nil || !strings.Contains(err.Error(), "no such host") || !strings.Contains(err.Error(), "status 1") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("timeout kills", func(t *testing.T) {
		script, _ := fakeMutt(t, "exec sleep 30")
		err := cupmail.MuttSend(context.Background(), cupmail.MuttMessage{To: []string{"a@example.com"}, MuttPath: script, Timeout: 300 * time.Millisecond})
		if !errors.Is(err, errs.ErrTimeout) {
			t.Fatalf("err = %v, want timeout", err)
		}
	})
	t.Run("not installed", func(t *testing.T) {
		err := cupmail.MuttSend(context.Background(), cupmail.MuttMessage{To: []string{"a@example.com"}, MuttPath: filepath.Join(t.TempDir(), "mutt")})
		if !errors.Is(err, exec.ErrNotFound) && !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "not installed") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("validation", func(t *testing.T) {
		script, dir := fakeMutt(t, "exit 0")
		for _, m := range []cupmail.MuttMessage{
			{MuttPath: script},
			{To: []string{"a@b.com\nx"}, MuttPath: script},
			{To: []string{"a@b.com"}, Subject: "a\nb", MuttPath: script},
			{To: []string{"a@b.com"}, Attachments: []string{"testdata/none"}, MuttPath: script},
		} {
			if err := cupmail.MuttSend(context.Background(), m); err == nil {
				t.Errorf("%+v accepted", m)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "argv")); err == nil {
			t.Error("mutt ran for an invalid message")
		}
	})
}
