package autowait

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/cupgo/cup/internal/procfs"
)

var proc = procfs.NewFS("")

// processRunning reports whether a process other than the caller has the
// executable base name name (argv[0]'s when /proc/PID/exe is unreadable)
// and, when dir is not empty, an executable or working directory at or
// below dir.
func processRunning(dir, name string) (bool, error) {
	if dir != "" {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			dir = r
		}
	}
	pids, err := proc.AllPIDs()
	if err != nil {
		return false, err
	}
	self := os.Getpid()
	for _, pid := range pids {
		if pid == self {
			continue
		}
		exe, exeErr := proc.Exe(pid)
		exe = strings.TrimSuffix(exe, " (deleted)")
		base := ""
		if exeErr == nil && exe != "" {
			base = filepath.Base(exe)
		} else if args, err := proc.Cmdline(pid); err == nil && len(args) > 0 {
			base = filepath.Base(args[0])
		}
		if base != name {
			continue
		}
		if dir == "" {
			return true, nil
		}
		if exeErr == nil && under(exe, dir) {
			return true, nil
		}
		if cwd, err := proc.Cwd(pid); err == nil && under(strings.TrimSuffix(cwd, " (deleted)"), dir) {
			return true, nil
		}
	}
	return false, nil
}

// under reports whether p is dir or below it, on a path boundary.
func under(p, dir string) bool {
	if p == dir || dir == "/" {
		return true
	}
	return strings.HasPrefix(p, dir) && p[len(dir)] == '/'
}
