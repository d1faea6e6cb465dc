// Package procfs reads Linux /proc pseudo-files for cup's res, oper and
// shell packages.
//
// Every reader works through an [FS] rooted at a mount point (default
// "/proc"), so tests run the same code against fixture trees under
// testdata. Files are read with [ReadFile], which skips os.ReadFile's stat
// (procfs reports sizes of 0 or 4096) and caps what it reads. Parse
// failures are *errs.ParseError values naming the file and line; a pid
// that vanished (or never existed) gives an error matching
// errs.ErrNoSuchProcess; a permission problem one matching
// errs.ErrAccessDenied.
//
// One file per source, each with an exported ParseX(data) and a reader
// method on FS: sysstat.go (/proc/stat), meminfo.go (/proc/meminfo,
// /proc/swaps, /proc/vmstat), netdev.go (/proc/net/dev, /proc/loadavg,
// /proc/uptime), proc.go (/proc/PID/stat, cmdline, comm, cwd, exe),
// status.go (/proc/PID/status, io, statm), smaps.go (/proc/PID/smaps),
// netsock.go (/proc/PID/net/{tcp,tcp6,udp,udp6,unix}), fd.go
// (/proc/PID/fd and task). Parsers never allocate per line beyond their
// results, handle lines of any length (no bufio.Scanner cap) and have fuzz
// targets.
package procfs
