// Command oper shows the file, process and port helpers of package oper:
// rm -rf with its guards, a streaming MD5, an atomic backup, a port
// check and process lookups, each traced with decorators.Trace.
//
//	go run ./examples/oper
//
// It works under a new directory in os.TempDir() and removes it at the
// end. Linux only for the process and port part.
package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/cupgo/cup/decorators"
	"github.com/cupgo/cup/errs"
	cuplog "github.com/cupgo/cup/log"
	"github.com/cupgo/cup/oper"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	// Trace lines are INFO records of the CUP logger; mirror them to
	// stderr.
	logger, err := cuplog.New("oper-example", cuplog.Options{Output: os.Stderr})
	if err != nil {
		return err
	}
	defer logger.Close()
	trace := decorators.TraceOptions{Logger: logger, EnterMsg: "start", LeaveMsg: "done"}

	dir, err := os.MkdirTemp("", "cup-oper-example-")
	if err != nil {
		return err
	}
	defer oper.RmRF(dir, true)

	// 1. Safe mode: "/" however spelled, system directories and links
	// to them are refused, and nothing is deleted.
	link := filepath.Join(dir, "looks-harmless")
	if err := os.Symlink("/", link); err != nil {
		return err
	}
	for _, p := range []string{"/", "//", "/.", "/usr/", link} {
		err := oper.RmRF(p, true)
		fmt.Printf("RmRF(%q): refused=%v\n", p, errors.Is(err, errs.ErrProtectedPath))
	}

	// 2. Backup a file atomically and compare checksums.
	src := filepath.Join(dir, "app.conf")
	if err := os.WriteFile(src, []byte("[section]\nkey: value\n"), 0o644); err != nil {
		return err
	}
	backup, err := decorators.Trace("BackupFile", trace, func() (string, error) {
		return oper.BackupFile(dir, "app.conf", filepath.Join(dir, "backups"), "v1")
	})
	if err != nil {
		return err
	}
	a, err := oper.MD5File(src)
	if err != nil {
		return err
	}
	b, err := oper.MD5File(backup)
	if err != nil {
		return err
	}
	fmt.Printf("backup %s, md5 equal: %v (%s)\n", filepath.Base(backup), a == b, a)

	// 3. Ports and processes (Linux).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	used, err := oper.IsPortUsed(port)
	fmt.Printf("port %d in use while listening: %v %v\n", port, used, errString(err))
	ln.Close()
	used, err = oper.IsPortUsed(port)
	fmt.Printf("port %d in use after close: %v %v\n", port, used, errString(err))

	alive, err := oper.ProcessExists(os.Getpid())
	fmt.Printf("this process exists: %v %v\n", alive, errString(err))
	_, err = oper.Kill9ByName("")
	fmt.Printf("Kill9ByName(\"\") refused: %v\n", errors.Is(err, errs.ErrInvalidArgument))
	return nil
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return "(" + err.Error() + ")"
}
