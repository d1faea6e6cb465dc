// Package oper holds file, process and port helpers: rm -rf with guards,
// streaming MD5, backups, kill by name, pid lookup and port checks. It
// is the Go home of CUP's cup.shell.oper (also cup.oper).
//
// CUP names and their Go replacements:
//
//	rm(name)                           Rm(path)
//	rmrf(fpath, safemode)              RmRF(path, safe)
//	rmtree(path, ignore_errors,        RmTree(path, RmTreeOptions{Unsafe,
//	    onerror, safemode)                 IgnoreErrors, OnError})
//	del_if_exist(path, safemode)       DelIfExist(path, safe) (existed, err)
//	md5file(filename)                  MD5File(path)
//	backup_file(src, name, dst, lbl)   BackupFile(srcDir, name, dstDir, label)
//	backup_folder(src, name, dst, lbl) BackupFolder(srcDir, name, dstDir, label)
//	contains_file, is_path_contain_file ContainsFile(dir, name, recursive, followLinks)
//	shell_diff(src, dst)               Diff(ctx, a, b)
//	(mk_newnode, util/exfile)          CreateEmpty(path, truncate)
//	(safe mode's root check)           CheckDeletable(path, protected), ProtectedPaths()
//	is_process_running, is_proc_exist  IsProcessRunning(dir, name)
//	kill(path, name, sign, b_kill_child) Kill(ctx, dir, name, sig, killChildren)
//	(kill's sign strings)              ParseSignal(s)
//	kill9_byname(name)                 Kill9ByName(name)
//	kill_byname(name)                  KillByName(name, sig)
//	get_pid(path, grep_string)         GetPid(processPath, pattern) (int, error)
//	is_proc_alive(name, ...)           IsProcAlive(name, ProcAliveOptions{...})
//	is_port_used(port)                 IsPortUsed(port)
//	is_process_used_port(path, port)   IsProcessUsedPort(processPath, port)
//	—                                  ProcessExists(pid)
//
// # Deleting safely
//
// Every delete helper has a safe mode (on unless turned off) that runs
// [CheckDeletable] against [ProtectedPaths]: the path is made absolute,
// cleaned and resolved through symbolic links before it is compared, so
// "/", "//", "/.", "/tmp/..", "/usr/" and a symlink leading to "/" are
// all refused with an error wrapping errs.ErrProtectedPath, and nothing
// is deleted. A directory that contains a protected path is refused too.
// "/" itself is refused even in unsafe mode. After the check the parent
// directory is opened and the deletion goes through that descriptor
// ([os.Root]), so replacing a parent directory by a symlink after the
// check cannot redirect it. util/exfile's SafeRmTree uses CheckDeletable
// with CUP's own list.
//
// # Matching processes
//
// CUP grepped "ps -ef" lines, so a name could match the user, the start
// time or the grep itself, and an empty name matched (and killed)
// everything including the caller. Here a process's command line is its
// argv joined by single spaces, or "[comm]" when argv is empty (kernel
// threads, zombies); names are plain substrings unless a function says
// otherwise; an empty name is an error wrapping errs.ErrInvalidArgument;
// and the calling process is never matched or signalled. Directory
// arguments are matched on path boundaries (/opt/a does not match
// /opt/ab) against the resolved cwd or exe of each process. Processes
// are read from /proc, so these helpers are Linux-only; elsewhere they
// return errors wrapping errs.ErrNotSupported. Port checks ask the
// kernel through netlink sock_diag (as ss does), falling back to
// /proc/net/{tcp,tcp6,udp,udp6}, instead of running netstat.
package oper
