// Package decorators holds the Go forms of CUP's decorators: a generic
// lazy singleton, function tracing with elapsed time, and platform
// guards.
//
// Python decorators wrap a function at definition time; Go has no such
// syntax, so each one becomes an ordinary function:
//
//	@Singleton (class decorator)      Singleton(newFn), MustSingleton(newFn)
//	@TraceUsedTime(b_print_stdout,    defer TraceUsedTime(name, opts)(),
//	    enter_msg, leave_msg)         Trace(name, opts, fn), TraceFunc(name, opts, fn)
//	needlinux(f), needposix(f),       NeedLinux(), NeedPosix(), NeedMac(),
//	needmac(f)                        NeedWindows()
//	py_versioncheck(f, version)       not ported (broken in CUP; the Go
//	                                  version is a build concern)
//
// Differences from CUP, all deliberate:
//
//   - Singleton does not ignore a failing constructor: the error goes to
//     the caller and the next call tries again. There is no global
//     registry keyed by class name; each getter owns its instance.
//   - Trace returns the wrapped function's results (CUP's wrapper
//     returned None) and logs the leave line even when the function
//     panics; the panic then continues. The leave line carries LeaveMsg
//     (CUP logged enter_msg twice).
//   - The function is named by the caller-supplied name, not Python's
//     "<function f at 0x...>" repr.
//   - The platform guards return an error matching [errs.ErrNotSupported]
//     instead of raising; library code should prefer build constraints
//     and use the guards only for run-time checks.
package decorators
