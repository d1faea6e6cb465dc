package oper

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/procfs"
)

// procFS is the /proc the process helpers read; tests may point it at a
// fixture tree.
var procFS = procfs.NewFS("")

// proc is one process of a snapshot.
type proc struct {
	pid     int
	argv    []string
	cmdline string // argv joined by spaces, or "[comm]" when argv is empty
}

// program returns the base name of argv[0].
func (p proc) program() string {
	if len(p.argv) == 0 {
		return ""
	}
	return path.Base(p.argv[0])
}

// processes lists every process except the caller whose command line
// satisfies keep. Processes that vanish while being read are left out.
func processes(keep func(cmdline string) bool) ([]proc, error) {
	pids, err := procFS.AllPIDs()
	if err != nil {
		return nil, errs.New(errs.ErrResource, "oper: list processes: %w", err)
	}
	self := os.Getpid()
	var out []proc
	for _, pid := range pids {
		if pid == self {
			continue
		}
		argv, err := procFS.Cmdline(pid)
		if err != nil {
			continue // vanished, or not ours to read
		}
		var cl string
		if len(argv) == 0 {
			st, err := procFS.Stat(pid)
			if err != nil {
				continue
			}
			cl = "[" + st.Comm + "]"
		} else {
			cl = strings.Join(argv, " ")
		}
		if keep(cl) {
			out = append(out, proc{pid: pid, argv: argv, cmdline: cl})
		}
	}
	return out, nil
}

func needName(what, name string) error {
	if name == "" {
		return errs.New(errs.ErrInvalidArgument, "oper: %s: empty process name would match every process", what)
	}
	return nil
}

func contains(name string) func(string) bool {
	return func(cl string) bool { return strings.Contains(cl, name) }
}

// pathOf returns a process's cwd or exe target, without the kernel's
// " (deleted)" suffix.
func pathOf(pid int, link string) (string, error) {
	var s string
	var err error
	if link == "cwd" {
		s, err = procFS.Cwd(pid)
	} else {
		s, err = procFS.Exe(pid)
	}
	return strings.TrimSuffix(s, " (deleted)"), err
}

// runsIn reports whether pid's cwd or exe is dir or below it.
func runsIn(pid int, dir string) bool {
	for _, l := range []string{"cwd", "exe"} {
		if p, err := pathOf(pid, l); err == nil && within(p, dir) {
			return true
		}
	}
	return false
}

// IsProcessRunning reports whether a process other than the caller has a
// command line containing name and a working directory or executable at
// or below dir (CUP is_process_running, alias is_proc_exist). dir is made
// absolute and resolved through symbolic links, and matched on a path
// boundary: /opt/a does not match /opt/ab. An empty dir or name is an
// error wrapping [errs.ErrInvalidArgument].
func IsProcessRunning(dir, name string) (bool, error) {
	if err := needName("is_process_running", name); err != nil {
		return false, err
	}
	d, err := normPath(dir)
	if err != nil {
		return false, err
	}
	ps, err := processes(contains(name))
	if err != nil {
		return false, err
	}
	for _, p := range ps {
		if runsIn(p.pid, d) {
			return true, nil
		}
	}
	return false, nil
}

// GetPid returns the lowest pid, other than the caller's, whose command
// line contains pattern and whose working directory or executable is at
// or below processPath (CUP get_pid, which returned the pid as a string
// and matched a grep regular expression; here pattern is a plain
// substring). Viewers and editors (vim, vi, less, tail, cat, more) are
// left out. No match is an error wrapping [errs.ErrNotFound].
func GetPid(processPath, pattern string) (int, error) {
	if err := needName("get_pid", pattern); err != nil {
		return 0, err
	}
	d, err := normPath(processPath)
	if err != nil {
		return 0, err
	}
	ps, err := processes(contains(pattern))
	if err != nil {
		return 0, err
	}
	for _, p := range ps { // ascending pid order
		if viewerPrograms[p.program()] {
			continue
		}
		if runsIn(p.pid, d) {
			return p.pid, nil
		}
	}
	return 0, errs.New(errs.ErrNotFound, "oper: get_pid: no process matching %q in %q", pattern, d)
}

// IsProcAlive reports whether a process other than the caller has name
// as a whole word in its command line (CUP is_proc_alive, which used
// "grep -w"): the characters around the match must not be letters,
// digits or "_". See [ProcAliveOptions] for the other conditions.
func IsProcAlive(name string, o ProcAliveOptions) (bool, error) {
	if err := needName("is_proc_alive", name); err != nil {
		return false, err
	}
	for _, f := range o.Filters {
		if f == "" {
			return false, errs.New(errs.ErrInvalidArgument, "oper: is_proc_alive: empty filter")
		}
	}
	ps, err := processes(func(cl string) bool {
		if !hasWord(cl, name, o.WholeWord) {
			return false
		}
		for _, f := range o.Filters {
			if strings.Contains(cl, f) {
				return false
			}
		}
		return true
	})
	if err != nil {
		return false, err
	}
	for _, p := range ps {
		if o.ServerTag && viewerPrograms[p.program()] {
			continue
		}
		return true, nil
	}
	return false, nil
}

// hasWord reports whether w occurs in s with no word character right
// before or after it; atEnd additionally requires the occurrence to end
// s.
func hasWord(s, w string, atEnd bool) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !isWordByte(s[start-1])) && (end == len(s) || !isWordByte(s[end])) &&
			(!atEnd || end == len(s)) {
			return true
		}
		i = start + 1
	}
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// ProcessExists reports whether a process with this pid exists (a zombie
// counts). A pid of zero or less is an error wrapping
// [errs.ErrInvalidArgument].
func ProcessExists(pid int) (bool, error) {
	if pid <= 0 {
		return false, errs.New(errs.ErrInvalidArgument, "oper: pid %d", pid)
	}
	switch err := syscall.Kill(pid, 0); {
	case err == nil, errors.Is(err, syscall.EPERM):
		return true, nil
	case errors.Is(err, syscall.ESRCH):
		return false, nil
	default:
		return false, fmt.Errorf("oper: probe pid %d: %w", pid, err)
	}
}

// signal sends sig to pid. A process that is already gone is reported as
// sent=false with no error.
func signal(pid int, sig syscall.Signal) (sent bool, err error) {
	if pid <= 0 {
		// kill(2) with 0 or a negative pid signals process groups or
		// every process: never let that through.
		return false, errs.New(errs.ErrInvalidArgument, "oper: refusing to signal pid %d", pid)
	}
	switch err := syscall.Kill(pid, sig); {
	case err == nil:
		return true, nil
	case errors.Is(err, syscall.ESRCH):
		return false, nil
	case errors.Is(err, syscall.EPERM):
		return false, &errs.AccessDeniedError{Resource: "pid " + strconv.Itoa(pid), Err: err}
	default:
		return false, fmt.Errorf("oper: signal pid %d: %w", pid, err)
	}
}

// Kill signals the processes, other than the caller, whose command line
// contains name and whose working directory is dir or below it (CUP
// kill). dir is made absolute and resolved; unlike CUP, a process whose
// cwd is an ancestor of dir (such as "/") does not match, and a process
// whose cwd cannot be read is skipped and reported in the returned error
// rather than treated as a match.
//
// With killChildren, every descendant of a matched process is signalled
// first, deepest first, then the process itself; the caller is never
// signalled, even if it descends from a match. Each pid is signalled at
// most once. Kill returns the pids signalled, in order, together with
// the joined errors of the ones that could not be read or signalled.
// Processes that exit meanwhile are left out silently. If ctx ends, Kill
// stops and returns what it signalled so far with ctx's error.
func Kill(ctx context.Context, dir, name string, sig syscall.Signal, killChildren bool) ([]int, error) {
	if err := needName("kill", name); err != nil {
		return nil, err
	}
	if err := checkSignal(sig); err != nil {
		return nil, err
	}
	d, err := normPath(dir)
	if err != nil {
		return nil, err
	}
	ps, err := processes(contains(name))
	if err != nil {
		return nil, err
	}
	var errList []error
	var matched []int
	for _, p := range ps {
		cwd, err := pathOf(p.pid, "cwd")
		if err != nil {
			if !errors.Is(err, errs.ErrNoSuchProcess) {
				errList = append(errList, fmt.Errorf("oper: kill: cwd of pid %d: %w", p.pid, err))
			}
			continue
		}
		if within(cwd, d) {
			matched = append(matched, p.pid)
		}
	}
	var tree map[int]int
	if killChildren && len(matched) > 0 {
		if tree, err = procFS.ParentMap(); err != nil {
			return nil, errs.New(errs.ErrResource, "oper: kill: read process tree: %w", err)
		}
	}
	self := os.Getpid()
	done := map[int]bool{self: true}
	var sent []int
	send := func(pid int) error {
		if done[pid] {
			return nil
		}
		done[pid] = true
		if err := ctx.Err(); err != nil {
			return err
		}
		ok, err := signal(pid, sig)
		if err != nil {
			errList = append(errList, err)
		}
		if ok {
			sent = append(sent, pid)
		}
		return nil
	}
	for _, pid := range matched {
		if killChildren {
			for _, c := range procfs.DescendantsOf(tree, pid) {
				if err := send(c); err != nil {
					return sent, errors.Join(append(errList, err)...)
				}
			}
		}
		if err := send(pid); err != nil {
			return sent, errors.Join(append(errList, err)...)
		}
	}
	return sent, errors.Join(errList...)
}

// KillByName sends sig to every process, other than the caller, whose
// command line contains name (CUP kill_byname, which always sent
// SIGKILL). It returns the pids signalled and the joined errors of those
// it could not signal. An empty name is an error wrapping
// [errs.ErrInvalidArgument]: unlike CUP it never means "every process".
func KillByName(name string, sig syscall.Signal) ([]int, error) {
	if err := needName("kill_byname", name); err != nil {
		return nil, err
	}
	if err := checkSignal(sig); err != nil {
		return nil, err
	}
	ps, err := processes(contains(name))
	if err != nil {
		return nil, err
	}
	var sent []int
	var errList []error
	for _, p := range ps {
		ok, err := signal(p.pid, sig)
		if err != nil {
			errList = append(errList, err)
		}
		if ok {
			sent = append(sent, p.pid)
		}
	}
	return sent, errors.Join(errList...)
}

// Kill9ByName is [KillByName] with SIGKILL (CUP kill9_byname).
func Kill9ByName(name string) ([]int, error) {
	return KillByName(name, syscall.SIGKILL)
}

func checkSignal(sig syscall.Signal) error {
	if sig <= 0 || sig > maxSignal {
		return errs.New(errs.ErrInvalidArgument, "oper: invalid signal %d", int(sig))
	}
	return nil
}

// IsPortUsed reports whether a TCP socket listens on port, or a UDP
// socket is bound to it, on any address, IPv4 or IPv6 (CUP is_port_used,
// which parsed netstat and said false when netstat was missing). It
// asks the kernel through netlink sock_diag, as ss(8) does, and falls
// back to reading /proc/net/tcp, tcp6, udp and udp6; both see the
// caller's network namespace. A port outside 1-65535 is an error wrapping
// [errs.ErrInvalidArgument].
func IsPortUsed(port int) (bool, error) {
	if err := checkPort(port); err != nil {
		return false, err
	}
	inodes, err := portInodes(port, true)
	if err != nil {
		return false, err
	}
	return len(inodes) > 0, nil
}

// IsProcessUsedPort reports whether a process whose executable or
// working directory is at or below processPath listens on (TCP) or is
// bound to (UDP) port (CUP is_process_used_port). The sockets' inodes,
// found as for [IsPortUsed], are matched against every readable
// /proc/PID/fd; processes of other users are only visible to root.
func IsProcessUsedPort(processPath string, port int) (bool, error) {
	if err := checkPort(port); err != nil {
		return false, err
	}
	d, err := normPath(processPath)
	if err != nil {
		return false, err
	}
	inodes, err := portInodes(port, false)
	if err != nil || len(inodes) == 0 {
		return false, err
	}
	pids, err := procFS.AllPIDs()
	if err != nil {
		return false, errs.New(errs.ErrResource, "oper: list processes: %w", err)
	}
	for _, pid := range pids {
		fds, err := procFS.FDs(pid)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			ino, ok := socketInode(fd.Target)
			if ok && slices.Contains(inodes, ino) && runsIn(pid, d) {
				return true, nil
			}
		}
	}
	return false, nil
}

// socketInode parses a /proc/PID/fd link target "socket:[12345]".
func socketInode(target string) (uint64, bool) {
	s, ok := strings.CutPrefix(target, "socket:[")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "]")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

const tcpListen = 0x0A

// portInodes returns the inodes of the TCP listeners and bound UDP
// sockets on port. With first, it stops at the first one found. It asks
// netlink sock_diag and falls back to /proc/net (see sockdiag_linux.go).
func portInodes(port int, first bool) ([]uint64, error) {
	if inodes, err := diagInodes(port, first); err == nil {
		return inodes, nil
	}
	return procPortInodes(port, first)
}

// procPortInodes is portInodes reading /proc/net/{tcp,tcp6,udp,udp6}.
func procPortInodes(port int, first bool) ([]uint64, error) {
	self := os.Getpid()
	var out []uint64
	for _, table := range []string{"tcp", "tcp6", "udp", "udp6"} {
		socks, err := procFS.InetSockets(self, table)
		if err != nil {
			return nil, errs.New(errs.ErrResource, "oper: read /proc/net/%s: %w", table, err)
		}
		udp := strings.HasPrefix(table, "udp")
		for _, s := range socks {
			if int(s.Local.Port()) != port || (!udp && s.State != tcpListen) {
				continue
			}
			out = append(out, s.Inode)
			if first {
				return out, nil
			}
		}
	}
	return out, nil
}
