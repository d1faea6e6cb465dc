package log_test

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	cuplog "github.com/cupgo/cup/log"
)

func ExampleParse() {
	e, err := cuplog.Parse("INFO:\t 2026-11-26 04:06:58,677 +0800(CST) * [9638:7f96d8ba4b80] [main.go:11] w [x] y")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Level, e.Date, e.Time, e.PID, e.TID, e.File, e.Line, e.TZ, e.TZNum)
	fmt.Printf("%q\n", e.Msg)
	_, err = cuplog.Parse("xxxxxxxxsdfsdf  sdfsdf")
	fmt.Println(err)
	// Output:
	// INFO 2026-11-26 04:06:58,677 9638 7f96d8ba4b80 main.go 11 +0800 800
	// "w [x] y"
	// cup: parse error: log line: malformed level: "xxxxxxxxsdfsdf  sdfsdf"
}

func ExampleInit() {
	dir, _ := os.MkdirTemp("", "cuplog")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "app.log")

	if err := cuplog.Init("app", cuplog.Options{File: file, MaxSize: 64 << 20, WarnFile: true}); err != nil {
		fmt.Println(err)
		return
	}
	defer cuplog.Close()
	cuplog.Info("started %d workers", 4)
	cuplog.Warn("disk almost full")

	for _, name := range []string{"app.log", "app.log.wf"} {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		for _, line := range splitLines(string(data)) {
			e, _ := cuplog.Parse(line)
			fmt.Printf("%s: %s %s\n", name, e.Level, e.Msg)
		}
	}
	// Output:
	// app.log: INFO --------------------Log Initialized Successfully--------------------
	// app.log: INFO started 4 workers
	// app.log.wf: WARNING disk almost full
}

func ExampleNew() {
	dir, _ := os.MkdirTemp("", "cuplog")
	defer os.RemoveAll(dir)

	audit, err := cuplog.New("audit", cuplog.Options{File: filepath.Join(dir, "audit.log"), Mode: cuplog.Infinite})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer audit.Close()
	audit.Info("user %s logged in", "alice")

	same, ok := cuplog.Get("audit")
	fmt.Println(ok, same == audit)
	// Output: true true
}

func ExampleNewHandler() {
	h := cuplog.NewHandler(os.Stdout, &cuplog.HandlerOptions{Level: slog.LevelDebug})
	logger := slog.New(h)
	_ = logger // logger.Info("m", "k", "v w") prints:
	// INFO:	 2026-11-26 04:06:58,677 * [9638:7f96d8ba4b80] [main.go:11] m k="v w"
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}
