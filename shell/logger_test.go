//go:build linux

package shell

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/log"
)

// A *log.Logger of this module is a Logger: the command is logged at
// DEBUG in CUP's line format.
func TestCupLogger(t *testing.T) {
	file := filepath.Join(t.TempDir(), "shell.log")
	l, err := log.New("shell-test-"+t.Name(), log.Options{Level: log.LevelDebug, File: file})
	if err != nil {
		t.Fatal(err)
	}
	var lg Logger = l
	e := Exec{Logger: lg}
	if _, err := e.Run(context.Background(), "echo logged", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "DEBUG:") || !strings.Contains(string(b), "cup shell execute echo logged with script") {
		t.Fatalf("log file: %q", b)
	}
}
