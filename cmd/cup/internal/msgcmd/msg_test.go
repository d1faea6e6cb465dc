package msgcmd_test

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/cmd/cup/internal/root"
	"github.com/cupgo/cup/internal/testutil"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type syncBuffer = testutil.SyncBuffer

// serve runs "cup msg serve" until the test ends and returns its address.
func serve(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() {
		done <- root.Run(ctx, cmdutil.TestIO(nil, &out, &errOut), []string{"msg", "serve", "--listen", "127.0.0.1:0"})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, errOut.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if s, ok := strings.CutPrefix(out.String(), "listening on "); ok && strings.HasSuffix(s, "\n") {
			return strings.TrimSpace(s)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("serve did not start: %q %q", out.String(), errOut.String())
	return ""
}

func run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := root.Run(context.Background(), cmdutil.TestIO(nil, &out, &errOut), args)
	return code, out.String(), errOut.String()
}

func TestServeAndSend(t *testing.T) {
	addr := serve(t)
	code, out, errOut := run("msg", "send", "--listen", "127.0.0.1:0", "--to", addr, "--count", "500", "--type", "7", "--body", "héllo", "--wait", "30s")
	if code != 0 || out != "answered 500/500\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = run("msg", "send", "--listen", "127.0.0.1:0", "--to", addr, "--count", "3")
	if code != 0 || out != "posted 3\n" {
		t.Fatalf("without --wait: exit %d, %q", code, out)
	}
}

func TestSendTimeout(t *testing.T) {
	// A peer that accepts but never answers.
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	code, out, errOut := run("msg", "send", "--listen", "127.0.0.1:0", "--to", ln.Addr().String(), "--count", "5", "--wait", "300ms")
	if code != 124 || out != "answered 0/5\n" || !strings.Contains(errOut, "5 of 5 answers missing") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestErrors(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"msg", "serve"}, 2, "--listen IP:PORT is required"},
		{[]string{"msg", "serve", "--listen", "[::1]:80"}, 2, "want IPv4:PORT"},
		{[]string{"msg", "send", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:0"}, 2, "cannot send there"},
		{[]string{"msg", "send", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:1", "--count", "0"}, 2, "--count 0"},
		{[]string{"msg", "send", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:1", "--type", "-1"}, 2, "--type"},
		{[]string{"msg", "send", "--listen", "127.0.0.1:0", "--to", closed}, 1, "connection refused"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			code, _, errOut := run(tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.err) {
				t.Fatalf("exit %d (want %d), stderr %q", code, tt.code, errOut)
			}
		})
	}
}
