package log

import (
	"errors"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/cupgo/cup/errs"
)

// Package state: the default logger (CUP's root logger), the names used by
// Init/Reinit (CUP's G_INITED_LOGGER) and the named loggers. mu guards
// configuration changes; logging itself never takes it.
var (
	mu          sync.Mutex
	std         = newDefaultLogger()
	initialized bool
	names       []string
	named       = map[string]*Logger{}
	// fallbackWriter receives WARNING and above before Init; tests replace it.
	fallbackWriter io.Writer = os.Stderr
)

// Banners written by a successful Init and Reinit (CUP's exact text).
const (
	BannerInit   = "--------------------Log Initialized Successfully--------------------"
	BannerReinit = "--------------------Log Reinitialized Successfully--------------------"
)

func newDefaultLogger() *Logger {
	l := &Logger{isDefault: true}
	l.level.Store(LevelWarning)
	l.out.Store(fallbackOutputs())
	return l
}

// fallbackOutputs is the configuration before Init: the console only.
// Like Python's root logger, the level is WARNING until Init.
func fallbackOutputs() *outputs {
	c := newWriterSink(fallbackWriter)
	return &outputs{console: c, all: []sink{c}}
}

// build creates the sinks of c. On failure it closes what it opened and
// removes the files it created, so a failed call leaves nothing behind.
func build(name string, c config) (*outputs, error) {
	o := &outputs{split: c.split, tz: c.tz, name: name, clock: c.clock}
	var created []string
	fail := func(err error) (*outputs, error) {
		o.close()
		for _, p := range created {
			os.Remove(p)
		}
		return nil, err
	}
	openFile := func(path string) (sink, error) {
		_, statErr := os.Lstat(path)
		s, err := openFileSink(path, c.perm, c.maxSize, c.maxBackups)
		if err == nil && c.daily {
			s.startDaily(c.clock)
		}
		if err != nil {
			return nil, errs.New(errs.ErrLogger, "open log file %q: %w", path, err)
		}
		if statErr != nil {
			created = append(created, path)
		}
		o.all = append(o.all, s)
		return s, nil
	}
	if c.output != nil {
		w := newWriterSink(c.output)
		o.main = w
		o.all = append(o.all, w)
	} else {
		s, err := openFile(c.file)
		if err != nil {
			return fail(err)
		}
		o.main = s
	}
	if c.wfFile != "" {
		s, err := openFile(c.wfFile)
		if err != nil {
			return fail(err)
		}
		o.wf = s
	}
	if c.console != nil {
		w := newWriterSink(c.console)
		o.console = w
		o.all = append(o.all, w)
	}
	return o, nil
}

// Default returns the default logger, the one the package-level functions
// write to. It is the same *Logger for the life of the process: Init,
// Reinit and Close change its outputs, not its identity.
func Default() *Logger { return std }

// Init configures the default logger once (CUP init_comlog). Everything
// is validated before anything is created, and nothing changes on error.
// The name is recorded (InitedNames) and the banner BannerInit is written
// at INFO.
//
// Errors: errs.ErrAlreadyInitialized if Init or Reinit already succeeded
// (and Close was not called since); errs.ErrInvalidArgument for bad
// options; errs.ErrLogger naming the path if it is not a regular file or
// cannot be opened, also matching fs.ErrNotExist when the parent
// directory is missing.
func Init(name string, opts Options) error {
	mu.Lock()
	defer mu.Unlock()
	if initialized {
		return errs.New(errs.ErrAlreadyInitialized, "log: Init(%q): the default logger is already initialized", name)
	}
	if err := configureDefault(name, opts); err != nil {
		return err
	}
	std.log(2, LevelInfo, BannerInit, nil)
	return nil
}

// Reinit switches the default logger to a new configuration at run time
// (CUP reinit_comlog); it works whether or not Init was called. The name
// must not have been used by Init or Reinit before (errs.ErrInvalidArgument);
// other errors are as for Init. The new outputs are built first and
// swapped in atomically, then the old files are closed: a record logged
// concurrently goes to the old or the new outputs, exactly once. The
// banner BannerReinit is written at INFO.
func Reinit(name string, opts Options) error {
	mu.Lock()
	defer mu.Unlock()
	if slices.Contains(names, name) {
		return errs.New(errs.ErrInvalidArgument, "log: Reinit: logger name %q already used", name)
	}
	if err := configureDefault(name, opts); err != nil {
		return err
	}
	std.log(2, LevelInfo, BannerReinit, nil)
	return nil
}

// configureDefault validates, builds and installs opts. mu is held.
func configureDefault(name string, opts Options) error {
	c, err := opts.resolve()
	if err != nil {
		return err
	}
	o, err := build(name, c)
	if err != nil {
		return err
	}
	std.level.Store(c.level)
	_ = std.swap(o) // close errors of the fallback console cannot happen
	initialized = true
	names = append(names, name)
	return nil
}

// closeDefault returns the default logger to its state before Init.
func closeDefault() error {
	mu.Lock()
	defer mu.Unlock()
	return closeDefaultLocked()
}

func closeDefaultLocked() error {
	initialized = false
	std.level.Store(LevelWarning)
	return std.swap(fallbackOutputs())
}

// Close flushes and closes every file of the package: the default
// logger's and every named logger's. Afterwards the default logger is as
// before Init (WARNING and above to stderr; Init may be called again) and
// named loggers drop their records and free their names. Names used by
// Init and Reinit stay used.
func Close() error {
	mu.Lock()
	defer mu.Unlock()
	errList := []error{closeDefaultLocked()}
	for name, l := range named {
		errList = append(errList, l.swap(&outputs{name: name}))
		delete(named, name)
	}
	return errors.Join(errList...)
}

// SetLevel sets the level of the default logger, for every output at once
// (CUP setloglevel, which could not lower the level; fixed). It never
// fails and also works before Init (Init then sets its own level).
func SetLevel(lv Level) { std.SetLevel(lv) }

// GetLevel returns the default logger's level.
func GetLevel() Level { return std.Level() }

// InitedNames returns a copy of the names given to successful Init and
// Reinit calls, in call order (CUP get_inited_loggername).
func InitedNames() []string {
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(names)
}

// New creates a named logger with its own outputs (newest CUP
// xinit_comlog). Its records go only to its own outputs, and also to the
// default logger if opts.Propagate is set. A name can be used by one open
// logger at a time (errs.ErrInvalidArgument otherwise; Close frees it);
// option errors are as for Init.
func New(name string, opts Options) (*Logger, error) {
	mu.Lock()
	defer mu.Unlock()
	if _, ok := named[name]; ok {
		return nil, errs.New(errs.ErrInvalidArgument, "log: New: logger name %q already used", name)
	}
	c, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	o, err := build(name, c)
	if err != nil {
		return nil, err
	}
	l := &Logger{propagate: c.propagate}
	l.level.Store(c.level)
	l.out.Store(o)
	named[name] = l
	return l, nil
}

// Get returns the named logger created by New (newest CUP's x* functions
// address loggers by name). It reports false for unknown or closed names;
// it never falls back to the default logger.
func Get(name string) (*Logger, bool) {
	mu.Lock()
	defer mu.Unlock()
	l, ok := named[name]
	return l, ok
}

// reset closes everything and forgets all names: the package is as at
// start-up. Tests use it through export_test.go.
func reset() {
	mu.Lock()
	defer mu.Unlock()
	closeDefaultLocked()
	for name, l := range named {
		l.swap(&outputs{name: name})
	}
	named = map[string]*Logger{}
	names = nil
}

// The package-level functions write to the default logger. They call
// std.log directly, so their frame count is that of the methods.

// Debug writes a DEBUG record to the default logger (CUP debug). With no
// args, format is written verbatim; otherwise it is fmt.Sprintf(format,
// args...).
func Debug(format string, args ...any) { std.log(callerSkip, LevelDebug, format, args) }

// Info writes an INFO record to the default logger (CUP info).
func Info(format string, args ...any) { std.log(callerSkip, LevelInfo, format, args) }

// Warn writes a WARNING record to the default logger (CUP warn).
func Warn(format string, args ...any) { std.log(callerSkip, LevelWarning, format, args) }

// Warning is Warn (newest CUP warning).
func Warning(format string, args ...any) { std.log(callerSkip, LevelWarning, format, args) }

// Error writes an ERROR record to the default logger and syncs its files
// (CUP error).
func Error(format string, args ...any) { std.log(callerSkip, LevelError, format, args) }

// Critical writes a CRITICAL record to the default logger and syncs its
// files (CUP critical, newest fatal). It does not exit.
func Critical(format string, args ...any) { std.log(callerSkip, LevelCritical, format, args) }

// DebugDepth writes a DEBUG record naming the frame depth levels above
// its caller (0 = the caller of DebugDepth) (CUP backtrace_debug).
func DebugDepth(depth int, format string, args ...any) {
	std.log(callerSkip+depth, LevelDebug, format, args)
}

// InfoDepth is DebugDepth at INFO (CUP backtrace_info).
func InfoDepth(depth int, format string, args ...any) {
	std.log(callerSkip+depth, LevelInfo, format, args)
}

// WarnDepth is DebugDepth at WARNING (CUP backtrace_warn).
func WarnDepth(depth int, format string, args ...any) {
	std.log(callerSkip+depth, LevelWarning, format, args)
}

// ErrorDepth is DebugDepth at ERROR (CUP backtrace_error).
func ErrorDepth(depth int, format string, args ...any) {
	std.log(callerSkip+depth, LevelError, format, args)
}

// CriticalDepth is DebugDepth at CRITICAL (CUP backtrace_critical).
func CriticalDepth(depth int, format string, args ...any) {
	std.log(callerSkip+depth, LevelCritical, format, args)
}

// DebugIf writes a DEBUG record to the default logger if cond is true
// (CUP debug_if).
func DebugIf(cond bool, format string, args ...any) {
	if cond {
		std.log(callerSkip, LevelDebug, format, args)
	}
}

// InfoIf is DebugIf at INFO (CUP info_if).
func InfoIf(cond bool, format string, args ...any) {
	if cond {
		std.log(callerSkip, LevelInfo, format, args)
	}
}

// WarnIf is DebugIf at WARNING (CUP warn_if).
func WarnIf(cond bool, format string, args ...any) {
	if cond {
		std.log(callerSkip, LevelWarning, format, args)
	}
}

// ErrorIf is DebugIf at ERROR (CUP error_if).
func ErrorIf(cond bool, format string, args ...any) {
	if cond {
		std.log(callerSkip, LevelError, format, args)
	}
}

// CriticalIf is DebugIf at CRITICAL (CUP critical_if, newest faltal_if).
func CriticalIf(cond bool, format string, args ...any) {
	if cond {
		std.log(callerSkip, LevelCritical, format, args)
	}
}
