// Package autowait waits until a condition holds: a file exists, a regular
// expression appears in a file, a process exists or is gone, a port is used
// or free. It ports CUP's cup.services.autowait.
//
// # Timing
//
// Every function counts real elapsed time against one deadline, start +
// Timeout: it checks at once, then every Interval, and if the next tick
// would fall after the deadline it makes one final check at the deadline
// instead, never sleeping past it. A Timeout of zero (or less) makes exactly
// one check. CUP counted only its sleeps (so slow probes stretched the wait
// without bound), made no check at all for a timeout of zero, and nested full
// waits inside wait_until_process_killed (about Timeout²/Interval in the
// worst case); here UntilProcessKilled uses the same single deadline for
// both of its conditions.
//
// A function returns nil when the condition holds, an error wrapping
// errs.ErrTimeout (naming the condition and the timeout) when the deadline
// passes, an error wrapping ctx.Err() when ctx ends first, and a probe's
// error at once, wrapped.
//
// # Matching
//
// Processes and ports are matched exactly, from /proc and the kernel's
// socket tables (through package oper), never by substrings of ps or
// netstat output:
//
//   - a process "exists" for processPath when its executable's base name
//     (from /proc/PID/exe, or argv[0] when the link is unreadable) equals
//     the base name of processPath and its executable or working directory
//     is the directory of processPath or below it on a path boundary
//     (/opt/app does not match /opt/app2); the caller itself never counts;
//   - a port is "used" when a TCP socket listens on it or a UDP socket is
//     bound to it, IPv4 or IPv6;
//   - a process "uses" a port when the socket belongs to a process whose
//     executable or working directory is processPath or below it (all
//     sockets are considered, so IPv4 and IPv6 listeners both count).
//
// Process and port probes need Linux; elsewhere they return errors wrapping
// errs.ErrNotSupported.
//
// # CUP names
//
//	wait_until_file_exist(dir, name,     UntilFileExists(ctx, dir, name, Timeout, Interval,
//	    max_wait_sec, interval, recursive)    Recursive())
//	wait_until_reg_str_exist(path, re)   UntilRegexInFile(ctx, path, regexp)
//	wait_until_process_exist(path)       UntilProcessExists(ctx, path)
//	wait_until_process_not_exist(path)   UntilProcessGone(ctx, path)
//	wait_until_port_used(port)           UntilPortUsed(ctx, port)
//	wait_until_port_not_used(port)       UntilPortFree(ctx, port)
//	wait_until_process_used_ports(p, ps) UntilProcessUsesPorts(ctx, p, ps)
//	wait_until_process_killed(p, ps)     UntilProcessKilled(ctx, p, ps)
//	wait_return_true(func, ...)          Until(ctx, cond)
//	wait_return_false(func, ...)         UntilFalse(ctx, cond)
//	FileReader                           (internal incremental line reader)
//	—                                    UntilPIDExists, UntilPIDGone, UntilProcessNamed,
//	                                     UntilProcessNameGone (used by `cup wait process`)
//
// UntilFileExists also accepts glob patterns (*, ? and [...] matched with
// filepath.Match against base names), which CUP's docstring promised and
// its code did not do.
package autowait
