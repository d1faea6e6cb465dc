//go:build linux

package shell_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/shell"
)

func ExampleRun() {
	res, err := shell.Run(context.Background(), "echo hi; echo err >&2; exit 3", 5*time.Second)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Printf("rc=%d stdout=%q stderr=%q\n", res.ReturnCode, res.Stdout, res.Stderr)
	// Output: rc=3 stdout="hi\n" stderr="err\n"
}

func ExampleRun_timeout() {
	res, err := shell.Run(context.Background(), "sleep 30 & sleep 30", 1500*time.Millisecond)
	fmt.Println(errors.Is(err, errs.ErrTimeout), res.ReturnCode, res.TimedOut)
	fmt.Println(res.Stderr)
	// Output:
	// true 999 true
	// Shell "sleep 30 & sleep 30"execution timout:1. Killed it
}

func ExampleExec_Start() {
	e := &shell.Exec{MaxOutput: 1 << 20}
	a, err := e.Start(context.Background(), "sleep 0.2; echo done", time.Minute)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	if r, finished := a.Result(); !finished {
		fmt.Println("running:", r.ReturnCode)
	}
	res, err := a.Wait(context.Background())
	fmt.Printf("%d %q %v\n", res.ReturnCode, res.Stdout, err)
	// Output:
	// running: -999
	// 0 "done\n" <nil>
}

func ExampleQuoteArgs() {
	argv := []string{"printf", "%s|", "it's", "$HOME", "a b"}
	out, err := shell.Output(context.Background(), shell.QuoteArgs(argv))
	fmt.Println(shell.QuoteArgs(argv))
	fmt.Println(out, err)
	// Output:
	// printf '%s|' 'it'\''s' '$HOME' 'a b'
	// it's|$HOME|a b| <nil>
}

func ExampleOutputLines() {
	lines, err := shell.OutputLines(context.Background(), "printf 'a\\nb\\n'; echo ignored >&2")
	fmt.Printf("%q %v\n", lines, err)
	// Output: ["a" "b"] <nil>
}
