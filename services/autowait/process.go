package autowait

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/oper"
)

// splitProcessPath returns the directory and base name a process path
// stands for (CUP: dirname(abspath(path)), basename(path)).
func splitProcessPath(processPath string) (dir, name string, err error) {
	if processPath == "" {
		return "", "", errs.New(errs.ErrInvalidArgument, "autowait: empty process path")
	}
	abs, err := filepath.Abs(processPath)
	if err != nil {
		return "", "", errs.New(errs.ErrInvalidArgument, "autowait: process path %q: %w", processPath, err)
	}
	return filepath.Dir(abs), filepath.Base(abs), nil
}

// UntilProcessExists waits until a process runs the program processPath
// (CUP wait_until_process_exist); see the package documentation for the
// exact match.
func UntilProcessExists(ctx context.Context, processPath string, opts ...Option) error {
	return waitProcess(ctx, processPath, true, opts)
}

// UntilProcessGone waits until no process runs the program processPath
// (CUP wait_until_process_not_exist).
func UntilProcessGone(ctx context.Context, processPath string, opts ...Option) error {
	return waitProcess(ctx, processPath, false, opts)
}

func waitProcess(ctx context.Context, processPath string, want bool, opts []Option) error {
	c, err := newConfig(DefaultInterval, opts)
	if err != nil {
		return err
	}
	dir, name, err := splitProcessPath(processPath)
	if err != nil {
		return err
	}
	return waitRunning(ctx, c, dir, name, "process "+filepath.Join(dir, name)+existsText(want), want)
}

// waitRunning polls until processRunning(dir, name) equals want.
func waitRunning(ctx context.Context, c config, dir, name, what string, want bool) error {
	return poll(ctx, what, c, func(context.Context, bool) (bool, error) {
		found, err := processRunning(dir, name)
		return found == want, err
	})
}

// UntilProcessNamed waits until a process (other than the caller) whose
// executable base name, or argv[0] base name, is exactly name exists,
// wherever it runs from.
func UntilProcessNamed(ctx context.Context, name string, opts ...Option) error {
	return waitName(ctx, name, true, opts)
}

// UntilProcessNameGone waits until no such process exists.
func UntilProcessNameGone(ctx context.Context, name string, opts ...Option) error {
	return waitName(ctx, name, false, opts)
}

func waitName(ctx context.Context, name string, want bool, opts []Option) error {
	c, err := newConfig(DefaultInterval, opts)
	if err != nil {
		return err
	}
	if name == "" || filepath.Base(name) != name {
		return errs.New(errs.ErrInvalidArgument, "autowait: process name %q: need a bare name", name)
	}
	return waitRunning(ctx, c, "", name, "process named "+name+existsText(want), want)
}

// UntilPIDExists waits until a process with this pid exists.
func UntilPIDExists(ctx context.Context, pid int, opts ...Option) error {
	return waitPID(ctx, pid, true, opts)
}

// UntilPIDGone waits until the process with this pid has exited. A zombie
// (exited but not yet reaped by its parent) still exists.
func UntilPIDGone(ctx context.Context, pid int, opts ...Option) error {
	return waitPID(ctx, pid, false, opts)
}

func waitPID(ctx context.Context, pid int, want bool, opts []Option) error {
	c, err := newConfig(DefaultInterval, opts)
	if err != nil {
		return err
	}
	if pid <= 0 {
		return errs.New(errs.ErrInvalidArgument, "autowait: pid %d must be positive", pid)
	}
	return poll(ctx, "pid "+strconv.Itoa(pid)+existsText(want), c, func(context.Context, bool) (bool, error) {
		found, err := oper.ProcessExists(pid)
		return found == want, err
	})
}

func existsText(want bool) string {
	if want {
		return " to exist"
	}
	return " to be gone"
}

func checkPort(port int) error {
	if port < 1 || port > 65535 {
		return errs.New(errs.ErrInvalidArgument, "autowait: port %d out of range 1-65535", port)
	}
	return nil
}

// UntilPortUsed waits until a TCP socket listens on port or a UDP socket
// is bound to it, IPv4 or IPv6 (CUP wait_until_port_used).
func UntilPortUsed(ctx context.Context, port int, opts ...Option) error {
	return waitPort(ctx, port, true, opts)
}

// UntilPortFree waits until nothing listens on or is bound to port (CUP
// wait_until_port_not_used).
func UntilPortFree(ctx context.Context, port int, opts ...Option) error {
	return waitPort(ctx, port, false, opts)
}

func waitPort(ctx context.Context, port int, want bool, opts []Option) error {
	c, err := newConfig(DefaultInterval, opts)
	if err != nil {
		return err
	}
	if err := checkPort(port); err != nil {
		return err
	}
	state := " to be used"
	if !want {
		state = " to be free"
	}
	return poll(ctx, fmt.Sprintf("port %d%s", port, state), c, func(context.Context, bool) (bool, error) {
		used, err := oper.IsPortUsed(port)
		return used == want, err
	})
}

// UntilProcessUsesPorts waits until every port in ports is used by a
// process whose executable or working directory is processPath or below
// it (CUP wait_until_process_used_ports). Empty ports succeed at the first
// check. Seeing other users' sockets needs root.
func UntilProcessUsesPorts(ctx context.Context, processPath string, ports []int, opts ...Option) error {
	c, err := newConfig(DefaultInterval, opts)
	if err != nil {
		return err
	}
	abs, err := absPorts(processPath, ports)
	if err != nil {
		return err
	}
	return poll(ctx, fmt.Sprintf("process %s to use ports %v", abs, ports), c, func(context.Context, bool) (bool, error) {
		for _, p := range ports {
			used, err := oper.IsProcessUsedPort(abs, p)
			if err != nil || !used {
				return false, err
			}
		}
		return true, nil
	})
}

// UntilProcessKilled waits until no process runs processPath and none of
// ports is used by such a process (CUP wait_until_process_killed), both
// under the one deadline.
func UntilProcessKilled(ctx context.Context, processPath string, ports []int, opts ...Option) error {
	c, err := newConfig(DefaultInterval, opts)
	if err != nil {
		return err
	}
	abs, err := absPorts(processPath, ports)
	if err != nil {
		return err
	}
	dir, name := filepath.Dir(abs), filepath.Base(abs)
	return poll(ctx, fmt.Sprintf("process %s and its ports %v to be gone", abs, ports), c, func(context.Context, bool) (bool, error) {
		running, err := processRunning(dir, name)
		if err != nil || running {
			return false, err
		}
		for _, p := range ports {
			used, err := oper.IsProcessUsedPort(abs, p)
			if err != nil || used {
				return false, err
			}
		}
		return true, nil
	})
}

func absPorts(processPath string, ports []int) (string, error) {
	dir, name, err := splitProcessPath(processPath)
	if err != nil {
		return "", err
	}
	for _, p := range ports {
		if err := checkPort(p); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, name), nil
}
