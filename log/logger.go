package log

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync/atomic"
	"time"
)

// outputs is one configuration of a logger's sinks. A Logger swaps whole
// outputs values atomically (Reinit, Close) and then closes the old
// sinks; a write that finds its sink closed reloads and retries, so every
// record goes to exactly one configuration's sinks.
type outputs struct {
	main    sink // nil: none
	wf      sink // nil: no .wf file
	console sink // nil: no console mirror
	split   bool // WarnSplit: WARNING+ only in wf
	tz      bool
	clock   Clock  // nil: time.Now
	name    string // the name given to Init/Reinit/New
	all     []sink // every sink of this configuration, closed together
}

func (o *outputs) close() error {
	var errList []error
	for _, s := range o.all {
		if err := s.close(); err != nil {
			errList = append(errList, err)
		}
	}
	return errors.Join(errList...)
}

// Logger writes CUP-format lines to its outputs (main file, .wf file,
// console mirror) at or above its level. The one level is shared by every
// output and by the logger's slog handler. A Logger is safe for
// concurrent use; each line is written with one Write call, so lines
// never interleave. Obtain one with Default, New or Get; a zero Logger
// drops every record.
type Logger struct {
	level     levelVar
	out       atomic.Pointer[outputs]
	propagate bool
	isDefault bool
}

// Name returns the name the logger was created with; for the default
// logger, the name of the last successful Init or Reinit ("" before).
func (l *Logger) Name() string {
	if o := l.out.Load(); o != nil {
		return o.name
	}
	return ""
}

// SetLevel sets the minimum level of every output of l (file, .wf file,
// console and slog handler) at once.
func (l *Logger) SetLevel(lv Level) { l.level.Store(lv) }

// Level returns l's current minimum level.
func (l *Logger) Level() Level { return l.level.Load() }

// Enabled reports whether a record at lv would be written.
func (l *Logger) Enabled(lv Level) bool { return lv >= l.level.Load() }

// callerSkip is the number of frames between runtime.Callers and the
// user's call for the exported methods: runtime.Callers, log, method.
const callerSkip = 3

// log formats and writes one record. skip counts frames above log.
func (l *Logger) log(skip int, lv Level, format string, args []any) {
	if lv < l.level.Load() {
		return
	}
	var pcs [1]uintptr
	runtime.Callers(skip, pcs[:])
	o := l.out.Load()
	if o == nil {
		return // a zero Logger, not made by New: drop
	}
	var t time.Time
	if o.clock != nil {
		t = o.clock.Now()
	} else {
		t = time.Now()
	}
	b := getBuffer()
	*b = appendHeader(*b, lv, t, o.tz, pcs[0])
	if len(args) == 0 {
		*b = append(*b, format...)
	} else {
		*b = fmt.Appendf(*b, format, args...)
	}
	*b = append(*b, '\n')
	l.emit(o, lv, *b)
	freeBuffer(b)
}

// emit writes one finished line to the outputs of l (starting with o) and,
// for a propagating named logger, to the default logger.
func (l *Logger) emit(o *outputs, lv Level, p []byte) {
	l.emitRoles(o, lv, p)
	if l.propagate && !l.isDefault && lv >= std.level.Load() {
		std.emitRoles(std.out.Load(), lv, p)
	}
}

// Roles of a line: each is written at most once, to the newest
// configuration whose sink is still open.
func (l *Logger) emitRoles(o *outputs, lv Level, p []byte) {
	warn := lv >= LevelWarning
	for {
		if o.main == nil || (warn && o.wf != nil && o.split) {
			break
		}
		if o.main.write(p) != errSinkClosed {
			if lv >= LevelError {
				_ = o.main.sync()
			}
			break
		}
		o = l.out.Load()
	}
	for warn {
		if o.wf == nil {
			break
		}
		if o.wf.write(p) != errSinkClosed {
			if lv >= LevelError {
				_ = o.wf.sync()
			}
			break
		}
		o = l.out.Load()
	}
	for o.console != nil {
		if o.console.write(p) != errSinkClosed {
			break
		}
		o = l.out.Load()
	}
}

// swap installs n and closes the previous outputs.
func (l *Logger) swap(n *outputs) error {
	old := l.out.Swap(n)
	if old == nil {
		return nil
	}
	return old.close()
}

// Close flushes and closes l's files. For the default logger it is the
// package-level Close: the default logger goes back to its state before
// Init (WARNING and above to stderr). A named logger drops every later
// record and is removed from the registry: Get no longer finds it and New
// may reuse its name. Close may be called more than once.
func (l *Logger) Close() error {
	if l.isDefault {
		return closeDefault()
	}
	mu.Lock()
	defer mu.Unlock()
	name := l.Name()
	if named[name] == l {
		delete(named, name)
	}
	return l.swap(&outputs{name: name})
}

// Sync commits the files of l to stable storage (fsync). Lines are
// written without user-space buffering, so Sync is only needed for
// durability; the logger calls it itself after ERROR and above.
func (l *Logger) Sync() error {
	o := l.out.Load()
	if o == nil {
		return nil
	}
	var errList []error
	for _, s := range o.all {
		if err := s.sync(); err != nil {
			errList = append(errList, err)
		}
	}
	return errors.Join(errList...)
}

// Debug writes a DEBUG record. With no args, format is written verbatim;
// otherwise it is fmt.Sprintf(format, args...).
func (l *Logger) Debug(format string, args ...any) { l.log(callerSkip, LevelDebug, format, args) }

// Info writes an INFO record (formatting as Debug).
func (l *Logger) Info(format string, args ...any) { l.log(callerSkip, LevelInfo, format, args) }

// Warn writes a WARNING record (formatting as Debug).
func (l *Logger) Warn(format string, args ...any) { l.log(callerSkip, LevelWarning, format, args) }

// Warning is Warn (newest CUP's alias).
func (l *Logger) Warning(format string, args ...any) { l.log(callerSkip, LevelWarning, format, args) }

// Error writes an ERROR record and syncs the files.
func (l *Logger) Error(format string, args ...any) { l.log(callerSkip, LevelError, format, args) }

// Critical writes a CRITICAL record and syncs the files. It does not exit
// (CUP's fatal is only an alias of critical).
func (l *Logger) Critical(format string, args ...any) {
	l.log(callerSkip, LevelCritical, format, args)
}

// DebugDepth writes a DEBUG record whose [FILE:LINE] is depth frames above
// the caller of DebugDepth: 0 is the caller itself, 1 its caller, ...
// (CUP backtrace_debug, without the double location prefix).
func (l *Logger) DebugDepth(depth int, format string, args ...any) {
	l.log(callerSkip+depth, LevelDebug, format, args)
}

// InfoDepth is DebugDepth at INFO (CUP backtrace_info).
func (l *Logger) InfoDepth(depth int, format string, args ...any) {
	l.log(callerSkip+depth, LevelInfo, format, args)
}

// WarnDepth is DebugDepth at WARNING (CUP backtrace_warn).
func (l *Logger) WarnDepth(depth int, format string, args ...any) {
	l.log(callerSkip+depth, LevelWarning, format, args)
}

// ErrorDepth is DebugDepth at ERROR (CUP backtrace_error).
func (l *Logger) ErrorDepth(depth int, format string, args ...any) {
	l.log(callerSkip+depth, LevelError, format, args)
}

// CriticalDepth is DebugDepth at CRITICAL (CUP backtrace_critical).
func (l *Logger) CriticalDepth(depth int, format string, args ...any) {
	l.log(callerSkip+depth, LevelCritical, format, args)
}

// DebugIf writes a DEBUG record if cond is true, naming the caller of
// DebugIf (CUP debug_if, whose message was lost; fixed).
func (l *Logger) DebugIf(cond bool, format string, args ...any) {
	if cond {
		l.log(callerSkip, LevelDebug, format, args)
	}
}

// InfoIf is DebugIf at INFO (CUP info_if).
func (l *Logger) InfoIf(cond bool, format string, args ...any) {
	if cond {
		l.log(callerSkip, LevelInfo, format, args)
	}
}

// WarnIf is DebugIf at WARNING (CUP warn_if).
func (l *Logger) WarnIf(cond bool, format string, args ...any) {
	if cond {
		l.log(callerSkip, LevelWarning, format, args)
	}
}

// ErrorIf is DebugIf at ERROR (CUP error_if).
func (l *Logger) ErrorIf(cond bool, format string, args ...any) {
	if cond {
		l.log(callerSkip, LevelError, format, args)
	}
}

// CriticalIf is DebugIf at CRITICAL (CUP critical_if, newest faltal_if).
func (l *Logger) CriticalIf(cond bool, format string, args ...any) {
	if cond {
		l.log(callerSkip, LevelCritical, format, args)
	}
}

// Handler returns a slog.Handler that writes to l's outputs, gated by l's
// level (slog levels map to CUP levels with FromSlog).
func (l *Logger) Handler() slog.Handler {
	return &handler{w: loggerWriter{l}, gate: &l.level}
}

// Slog returns a *slog.Logger bound to l's outputs and level, so
// slog.SetDefault(log.Default().Slog()) routes slog output into the CUP
// files.
func (l *Logger) Slog() *slog.Logger { return slog.New(l.Handler()) }

// loggerWriter adapts a Logger to the handler's line writer.
type loggerWriter struct{ l *Logger }

func (w loggerWriter) showTZ() bool {
	o := w.l.out.Load()
	return o != nil && o.tz
}

func (w loggerWriter) writeLine(lv Level, p []byte) {
	if o := w.l.out.Load(); o != nil {
		w.l.emit(o, lv, p)
	}
}
