// Package res reads machine and process resources from Linux /proc: CPU
// count and usage, memory, swap, boot time, kernel version, disk usage,
// per-interface network counters and rates, and a psutil-like [Process].
// It is the Go port of CUP's cup.res (cup/res/linux.py).
//
// Every reader works through an [FS] rooted at a proc mount point (default
// "/proc") and a sys mount point (default "/sys"), so the same code runs
// on fixture trees in tests. The package-level functions use the live
// system. Functions that wait (usage over an interval) take a
// context.Context and return its error, wrapped, when it ends first.
//
// Errors: a process that vanished (or never existed) gives an error
// matching errs.ErrNoSuchProcess (and so errs.ErrNotFound); a refused read
// gives an *errs.AccessDeniedError (errs.ErrAccessDenied); a malformed
// pseudo-file gives an *errs.ParseError naming the file and line; a
// required line or key the kernel does not provide gives an error
// matching errs.ErrNotSupported. No function returns zeros dressed as
// data, divides by zero, or panics on odd input.
//
// Differences from CUP, on purpose:
//   - CUP's get_net_transmit_speed measures received bytes and
//     get_net_recv_speed sent bytes; [NetTransmitSpeed] measures sent (tx)
//     and [NetRecvSpeed] received (rx) bytes.
//   - Interfaces are matched by exact name (CUP's "eth1" also matches
//     "eth10").
//   - [Swap] reports every field in bytes (CUP leaves total and used in
//     KiB).
//   - Process names come from between the first "(" and the last ")" of
//     stat, so names with spaces or parentheses survive.
//   - [MemInfo] keeps CUP's Available formula (free + buffers + cached) and
//     adds the kernel's own estimate as KernelAvailable.
//   - On systems other than Linux every function returns an error matching
//     errs.ErrNotSupported (CUP's macOS subset is not ported).
//
// CUP names replaced: get_boottime_since_epoch, boot_time, get_kernel_version,
// get_cpu_nums, get_disk_usage_all, get_disk_info, CPUInfo, get_cpu_usage,
// get_cpu_core_usage, MemInfo, get_meminfo, SWAPINFO, get_swapinfo,
// net_io_counters, get_net_through, get_net_transmit_speed,
// get_net_recv_speed, pids, process_iter, Process and its methods (see
// docs/porting.md).
package res
