// Package shell runs shell commands with a timeout that kills the whole
// process tree, the Go form of CUP's cup.shell (ShellExec, async_run and
// the legacy execshell helpers).
//
// # Running a command
//
// [Run] and [Exec.Run] run a script with "/bin/sh -c" and return a
// [Result] holding CUP's fields (stdout, stderr, return code) next to a Go
// error:
//
//	res, err := shell.Run(ctx, "make -j4 all", 10*time.Minute)
//	switch {
//	case errors.Is(err, errs.ErrTimeout): // res.ReturnCode == 999, res.TimedOut
//	case err != nil:                      // not started, or ctx cancelled
//	case res.ReturnCode != 0:             // the script failed; not an error
//	}
//
// A non-zero exit status is not an error: it is in Result.ReturnCode, as
// in CUP. The Output-style helpers ([Output], [OutputLines],
// [CombinedOutputLines], [Pipe]) return it as an [*ExitError] instead.
//
// # Process tree and kill sequence
//
// The shell is started in its own process group. When the timeout expires,
// the ctx is done, or [Async.Kill] is called, the whole tree is killed:
//
//  1. while the shell is still unreaped (its pid, and so its process group
//     id, cannot be reused), every descendant is found by a parent-pid walk
//     over /proc, which also finds descendants that called setsid and left
//     the group;
//  2. with KillGrace > 0 the group and every descendant get SIGTERM, and
//     the kill waits up to KillGrace for them to exit;
//  3. the group and every descendant (found again, also from the processes
//     recorded in step 2) are frozen with SIGSTOP, so none can fork while
//     they are being killed, then get SIGKILL;
//  4. the shell is reaped (no zombie is left), and the output pipes are
//     read for at most WaitDelay more, in case a process that escaped the
//     tree before step 1 (a daemon whose parent already exited) still
//     holds them.
//
// The /proc walk happens only on this kill path; a command that ends on
// its own costs a fork/exec, two pipes and three goroutines.
//
// Why not exec.CommandContext's Cancel and WaitDelay: os/exec calls Cancel
// while another goroutine may be reaping the child, so a signal to the
// process group could reach a reused pid, and its WaitDelay also starts
// when the shell exits normally, which would cut off the output of
// background jobs that CUP waits for. Exec therefore builds on exec.Cmd
// for starting and reaping, but owns the pipes and the ctx watch: it waits
// for the shell's exit without reaping it (waitid WNOWAIT), kills, and
// only then reaps.
//
// # Deliberate differences from CUP
//
//   - stdin is empty (not the caller's terminal) unless Exec.Stdin is set;
//   - the script is passed with -c; only scripts longer than the kernel's
//     per-argument limit go through a mode-0600 temp file, which is removed
//     on every path;
//   - no "cd <cwd>;" line is prepended (the child inherits the directory,
//     or runs in Exec.Dir);
//   - output is drained while the command runs, also for [Async] (CUP
//     deadlocked above 64 KiB), and can be capped with MaxOutput;
//   - the timeout is exact (no 1-second polling) and the timeout message
//     is CUP's, with "Killed it" also for async runs;
//   - a cancelled ctx gives ReturnCode -1 and an error matching
//     context.Canceled.
//
// # CUP names
//
//	ShellExec(tmpdir).run(cmd, timeout)      Exec{TmpDir: tmpdir}.Run(ctx, cmd, timeout), Run
//	ShellExec.async_run(cmd, timeout)        Exec.Start → *Async
//	Asynccontent.pid / .ret                  Async.PID, Async.Result
//	ShellExec.get_async_run_status(a)        Async.Status
//	ShellExec.get_async_run_res(a)           Async.Result
//	ShellExec.kill_all_process(a)            Async.Kill
//	ShellExec.which(p)                       Which
//	execshell(cmd, b_printcmd, timeout)      ExecShell
//	execshell_withpipe(cmd)                  Pipe
//	execshell_withpipe_ex(cmd)               OutputLines
//	execshell_withpipe_str(cmd)              Output
//	execshell_withpipe_exwitherr(cmd)        CombinedOutputLines
//	forkexe_shell(cmd)                       StartDetached
//
// [Quote] and [QuoteArgs] build shell text from untrusted strings.
//
// Running commands needs Linux (process groups, /proc, waitid); on other
// systems Run, Start and the helpers built on them return an error
// matching errs.ErrNotSupported. [Quote], [QuoteArgs] and [Which] work
// everywhere.
package shell
