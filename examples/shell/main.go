// Command shell shows cup's shell package: run a command with a timeout
// and read its Result, watch a timeout kill a whole process tree
// (including a grandchild that left the process group with setsid), and
// run a command in the background with Async.
//
//	go run ./examples/shell
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/shell"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "example failed:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()

	// 1. Run with a timeout and read the Result. A non-zero exit status is
	// not an error: it is in ReturnCode, as in CUP.
	res, err := shell.Run(ctx, "echo hello; echo oops >&2; exit 3", 5*time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("1. rc=%d stdout=%q stderr=%q pid=%d took=%v\n",
		res.ReturnCode, res.Stdout, res.Stderr, res.PID, res.Duration.Round(time.Millisecond))

	// 2. A timeout kills the whole tree. The script starts a background
	// sleep and a grandchild that calls setsid (leaving the process group),
	// prints their pids, then waits.
	script := `sleep 60 & echo $!
setsid sh -c 'echo $$; exec sleep 60' &
wait`
	e := &shell.Exec{KillGrace: 200 * time.Millisecond} // SIGTERM first, SIGKILL after 200ms
	start := time.Now()
	res, err = e.Run(ctx, script, 1500*time.Millisecond)
	switch {
	case errors.Is(err, errs.ErrTimeout):
		fmt.Printf("2. timed out after %v: rc=%d TimedOut=%v\n   stderr: %s\n",
			time.Since(start).Round(100*time.Millisecond), res.ReturnCode, res.TimedOut, res.Stderr)
	case err != nil:
		return err
	default:
		return fmt.Errorf("expected a timeout, got rc %d", res.ReturnCode)
	}
	for _, f := range strings.Fields(res.Stdout) {
		pid, _ := strconv.Atoi(f)
		fmt.Printf("   pid %d alive after the timeout: %v\n", pid, alive(pid))
	}

	// 3. Async: start in the background, poll, then wait. Output is drained
	// while it runs, so large outputs never stall.
	a, err := e.Start(ctx, "for i in 1 2 3; do echo tick $i; sleep 0.2; done", 10*time.Second)
	if err != nil {
		return err
	}
	status, _ := a.Status()
	snap, finished := a.Result()
	fmt.Printf("3. started pid %d: status %s, finished=%v, rc=%d\n", a.PID(), status, finished, snap.ReturnCode)
	res, err = a.Wait(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("   done: rc=%d stdout=%q\n", res.ReturnCode, res.Stdout)

	// 4. Quote untrusted words before putting them in shell text.
	name := "it's $HOME; rm -rf /"
	out, err := shell.Output(ctx, "printf '%s\\n' "+shell.Quote(name))
	if err != nil {
		return err
	}
	fmt.Printf("4. quoted %q -> %s, printed %q\n", name, shell.Quote(name), out)
	return nil
}

// alive reports whether pid runs (a zombie waiting for init counts as
// dead).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
