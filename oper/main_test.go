package oper

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// helperArg marks a re-execution of the test binary as a helper process
// (os/exec's pattern): os.Args = [exe, helperArg, mode, args...]. The
// helpers' command lines carry unique tokens, so tests that kill by name
// can never hit anything but their own helpers.
const helperArg = "cup-oper-helper"

func TestMain(m *testing.M) {
	if len(os.Args) >= 3 && os.Args[1] == helperArg {
		os.Exit(runHelper(os.Args[2], os.Args[3:]))
	}
	os.Exit(m.Run())
}

func runHelper(mode string, args []string) int {
	switch mode {
	case "sleep":
		// Sleep until killed; give up after a while so a failed test
		// leaves nothing behind for long.
		time.Sleep(2 * time.Minute)
		return 0
	case "killself":
		// args[0] is a token that is also in this helper's own argv.
		pids, err := Kill9ByName(args[0])
		fmt.Printf("survived pids=%v err=%v\n", pids, err)
		for _, p := range pids {
			if p == os.Getpid() {
				return 3
			}
		}
		return 0
	case "rmtree":
		var calls []string
		err := RmTree(args[0], RmTreeOptions{OnError: func(p string, err error) error {
			calls = append(calls, p)
			return nil
		}})
		fmt.Printf("err=%v\ncalls=%s\n", err, strings.Join(calls, ","))
		return 0
	}
	fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
	return 2
}
