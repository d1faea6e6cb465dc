package shell

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/cupgo/cup/errs"
)

// StartDetached starts cmd with /bin/sh in the background, fully detached
// from the caller, and returns its pid at once (CUP forkexe_shell, whose
// bugs are not copied). An intermediate shell starts a new session
// (setsid), starts the command there with stdin, stdout and stderr on
// /dev/null, prints its pid and exits; the caller reaps that intermediate
// shell, so the command is reparented away and never becomes the
// caller's zombie. cmd must be shorter than 128 KiB.
func StartDetached(cmd string) (int, error) {
	if strings.IndexByte(cmd, 0) >= 0 || len(cmd) > maxArgLen {
		return 0, fmt.Errorf("shell: detached command %s: NUL byte or longer than %d bytes: %w", brief(cmd), maxArgLen, errs.ErrInvalidArgument)
	}
	outer := exec.Command(DefaultShell, "-c", `"$0" -c "$1" </dev/null >/dev/null 2>&1 & echo $!`, DefaultShell, cmd)
	outer.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := outer.Output()
	if err != nil {
		return 0, fmt.Errorf("shell: start detached %s: %w", brief(cmd), err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return 0, fmt.Errorf("shell: start detached %s: bad pid %q: %w", brief(cmd), out, errs.ErrShell)
	}
	return pid, nil
}
