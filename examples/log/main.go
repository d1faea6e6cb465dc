// Command log shows the CUP logger: Init with size rotation, a console
// mirror and a .wf file for warnings; levels; Depth; a named logger;
// routing log/slog into the CUP file; Close.
//
//	go run ./examples/log
//
// It writes under a new directory in os.TempDir() and prints where.
package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	cuplog "github.com/cupgo/cup/log"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	dir, err := os.MkdirTemp("", "cup-log-example-")
	if err != nil {
		return err
	}
	file := filepath.Join(dir, "app.log")

	// The default logger: rotate at 2 KiB keeping 3 numbered backups
	// (app.log.1 is the newest), mirror to stderr, and put WARNING and
	// above into app.log.wf as well (WarnCopy; WarnSplit would keep them
	// out of app.log, like CUP 3.2.7).
	err = cuplog.Init("app", cuplog.Options{
		Level:        cuplog.LevelInfo,
		File:         file,
		MaxSize:      2 << 10,
		MaxBackups:   3,
		Console:      true,
		WarnFile:     true,
		WarnFileMode: cuplog.WarnCopy,
	})
	if err != nil {
		return err
	}
	defer cuplog.Close()

	// Levels: DEBUG is below the configured INFO and is dropped until
	// SetLevel lowers the level of every output (file, .wf and console).
	cuplog.Debug("not written")
	cuplog.Info("started with %d workers", 4)
	cuplog.Warn("disk %s is %d%% full", "/data", 91)
	cuplog.SetLevel(cuplog.LevelDebug)
	cuplog.Debug("now written: 100% verbatim without arguments")
	cuplog.SetLevel(cuplog.LevelInfo)

	// Depth: a helper logs with its caller's file and line.
	checkConfig("timeout", "")

	// Enough lines to rotate a few times.
	for i := range 60 {
		cuplog.Info("request %03d served", i)
	}

	// A named logger with its own file (newest CUP's xinit_comlog).
	audit, err := cuplog.New("audit", cuplog.Options{File: filepath.Join(dir, "audit.log"), Mode: cuplog.Infinite})
	if err != nil {
		return err
	}
	audit.Info("user %s logged in", "alice")
	if l, ok := cuplog.Get("audit"); ok {
		l.Info("found by name")
	}

	// slog: route the standard structured logger into the CUP file.
	slog.SetDefault(cuplog.Default().Slog())
	slog.Info("via slog", "user", "bob", "items", 3)
	slog.Error("slog error", "err", os.ErrNotExist)

	// Close flushes and closes every file; afterwards the default logger
	// writes WARNING and above to stderr again.
	if err := cuplog.Close(); err != nil {
		return err
	}

	fmt.Println("wrote logs under", dir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		info, _ := e.Info()
		fmt.Printf("  %-14s %5d bytes\n", e.Name(), info.Size())
	}
	data, err := os.ReadFile(file + ".wf")
	if err != nil {
		return err
	}
	fmt.Println("app.log.wf:")
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		e, err := cuplog.Parse(line)
		if err != nil {
			return err
		}
		fmt.Printf("  %-8s %-12s %s\n", e.Level, e.Src, e.Msg)
	}
	return nil
}

// checkConfig warns about an empty value on behalf of its caller.
func checkConfig(key, value string) {
	if value == "" {
		cuplog.WarnDepth(1, "config key %q is empty", key)
	}
}
