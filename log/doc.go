// Package log is CUP's logger (cup/log.py): a small, fast writer of
// CUP-format lines with size rotation, a .wf file for warnings, a console
// mirror, named loggers and a log/slog handler. It does not wrap another
// logging library. Import it under another name if it clashes with the
// standard library's log:
//
//	import cuplog "github.com/cupgo/cup/log"
//
// # Line format
//
// Every record is one line, written with one Write call:
//
//	INFO:\t 2026-11-26 04:06:58,677 * [9638:7f96d8ba4b80] [main.go:11] info line
//
// that is the level name and a colon, a TAB and a space, the local time
// with milliseconds after a comma (with Options.ShowTimezone also
// " +0800(CST)", computed per record), " * ", the process id and the
// thread id in lowercase hex, the base name and line of the calling
// source file, and the message. Without arguments the message is written
// verbatim ("100%" stays "100%"); with arguments it is
// fmt.Sprintf(format, args...). The thread id is the OS thread (gettid)
// that happened to run the goroutine; it is 0 on systems other than
// Linux. Parse splits such a line back into an Entry.
//
// # The default logger
//
// Init configures the process-wide default logger once (CUP
// init_comlog); Reinit switches it to a new configuration (CUP
// reinit_comlog); SetLevel changes the level of every output at once;
// Close flushes and closes the files. Before Init, and after Close, the
// default logger writes WARNING and above to stderr in CUP's format and
// drops the rest. Debug, Info, Warn, Error and Critical write to it;
// the Depth variants name a caller further up the stack (CUP
// backtrace_*), the If variants log only when a condition holds (CUP
// *_if). New and Get create and find independent named loggers (newest
// CUP's xinit_comlog and x* functions).
//
// # Outputs
//
// The main file (Options.File, default cup.log) is rotated by size
// (Mode Rotation, CUP's default): before a record is written, if the
// file's size plus the record would reach Options.MaxSize bytes, the file
// is renamed to file.1, file.1 to file.2, and so on up to
// Options.MaxBackups (default 30, the oldest is deleted), and a fresh
// file is started. file.1 is always the newest backup. Mode Infinite
// appends forever. Mode Daily (not in CUP) rolls over when the date
// changes, to file.YYYYMMDD; Options.Clock injects the time for tests.
// The package starts no goroutines: every rotation happens in the write
// that needs it. Options.Output replaces the built-in engine with any
// io.Writer, such as a *lumberjack.Logger from gopkg.in/natefinch/lumberjack.v2
// when numbered names are not required; note that lumberjack's MaxSize
// is in megabytes, its backups are named name-2006-01-02T15-04-05.000.ext,
// it offers MaxAge and Compress, and it rejects single writes larger than
// MaxSize.
//
// Rotation is safe between goroutines, not between processes: two
// processes rotating the same file lose or duplicate lines (as with CUP
// and lumberjack).
//
// With Options.WarnFile, WARNING and above also go to file.wf, which
// rotates with the same policy (CUP never rotated it). WarnSplit (the
// default, CUP 3.2.7) keeps them out of the main file; WarnCopy (newest
// CUP) keeps every record in the main file. Options.Console mirrors every
// record, once, to Options.ConsoleWriter (default os.Stderr). After ERROR
// and above the files are synced to disk.
//
// Logging never returns an error and never panics: a record that cannot
// be written (disk full, file removed by hand) is dropped, and after a
// failed rotation the live file is reopened by the next write. Sync and
// Close report errors.
//
// # slog
//
// Logger.Slog and Logger.Handler give a log/slog front end bound to a
// logger's outputs and level, so slog.SetDefault(log.Default().Slog())
// routes slog output into the CUP files. NewHandler renders CUP lines to
// any io.Writer. Attributes follow the message as key=value.
//
// # CUP names
//
// init_comlog → Init, reinit_comlog → Reinit, setloglevel → SetLevel,
// get_inited_loggername → InitedNames, debug/info/warn/error/critical →
// Debug/Info/Warn/Error/Critical, backtrace_* → *Depth, *_if → *If,
// parse → Parse, LoggerParams → Options, xinit_comlog → New, x* → Get
// and the Logger methods, DEBUG…CRITICAL → LevelDebug…LevelCritical,
// ROTATION/INFINITE → Rotation/Infinite, ROTATION_COUNTS →
// DefaultMaxBackups, LoggerException → errs.ErrLogger. See
// docs/porting.md for the full table and the CUP bugs that are not
// reproduced.
package log
