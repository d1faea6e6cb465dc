package log

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/cupgo/cup/errs"
)

// Mode selects how the main log file grows (CUP's logtype).
type Mode int

const (
	// Rotation rolls the file over by size into numbered backups
	// file.1 (newest) ... file.N (CUP ROTATION, the default).
	Rotation Mode = 0
	// Infinite appends forever; MaxSize is ignored (CUP INFINITE).
	Infinite Mode = 1
	// Daily rolls the file over when the local date (from Options.Clock)
	// changes: the finished day is renamed to file.YYYYMMDD (file.YYYYMMDD.1,
	// .2, ... if that exists) and at most MaxBackups dated backups are kept,
	// the oldest deleted. MaxSize is ignored. Not in CUP.
	Daily Mode = 2
)

// Clock tells the time. Options.Clock lets tests drive Daily rotation
// and the time printed on lines.
type Clock interface {
	Now() time.Time
}

// WarnFileMode says what the main file keeps when Options.WarnFile is set.
type WarnFileMode int

const (
	// WarnSplit sends WARNING and above only to the .wf file and DEBUG and
	// INFO only to the main file (CUP 3.2.7, the default).
	WarnSplit WarnFileMode = 0
	// WarnCopy keeps every record in the main file and copies WARNING and
	// above to the .wf file (newest CUP).
	WarnCopy WarnFileMode = 1
)

// Default values used for zero-valued Options fields (CUP's init_comlog
// defaults).
const (
	DefaultFile       = "cup.log"         // CUP logfile default
	DefaultMaxSize    = int64(1) << 30    // CUP maxlogsize default: 1 GiB
	DefaultMaxBackups = 30                // CUP ROTATION_COUNTS
	DefaultFileMode   = fs.FileMode(0600) // CUP creates the log with mknod 0600
)

// Options configures a logger: it is the Go form of CUP's init_comlog
// arguments and of newest CUP's LoggerParams. The zero value means CUP's
// defaults: INFO, "cup.log" in the working directory, size rotation at
// 1 GiB with 30 numbered backups, no console mirror, no .wf file.
type Options struct {
	// Level is the minimum level of every output. Zero means LevelInfo;
	// negative values are rejected.
	Level Level
	// File is the main log path, resolved to an absolute path when the
	// logger is built. Empty means "cup.log". Its parent directory must
	// exist; the path must be a regular file or absent.
	File string
	// Mode is Rotation (default), Infinite or Daily; other values are
	// rejected.
	Mode Mode
	// MaxSize is the rotation threshold in bytes: before a record is
	// written, the file is rolled over if its size plus the record's
	// length would reach MaxSize. Zero means 1 GiB; a negative value
	// disables rotation (CUP's maxlogsize <= 0).
	MaxSize int64
	// MaxBackups is how many numbered backups (file.1 ... file.N) are
	// kept. Zero means 30; a negative value keeps none: the file is
	// truncated when it is full.
	MaxBackups int
	// Console mirrors every record to ConsoleWriter.
	Console bool
	// ConsoleWriter is the console target. Nil means os.Stderr (CUP's
	// docstrings say stdout, its code uses stderr).
	ConsoleWriter io.Writer
	// WarnFile writes WARNING and above to File+".wf" (CUP gen_wf). The
	// .wf file rotates with the same policy as the main file.
	WarnFile bool
	// WarnFileMode is WarnSplit (default) or WarnCopy.
	WarnFileMode WarnFileMode
	// ShowTimezone adds " ±HHMM(ZONE)" after the time, as the newest CUP
	// does; it is computed for every record, so DST changes show.
	ShowTimezone bool
	// FileMode is the permission of files the package creates. Zero means
	// 0600. Only permission bits are allowed.
	FileMode fs.FileMode
	// Output, if set, replaces the built-in main file writer (for example
	// a *lumberjack.Logger). File, Mode, MaxSize and MaxBackups then only
	// apply to the .wf file. The package never closes Output; if it has a
	// "Sync() error" method, it is called after ERROR and above.
	Output io.Writer
	// Clock, if set, supplies the time of records and of Daily rotation;
	// nil means the system clock (time.Now).
	Clock Clock
	// Propagate makes a named logger (New) also send its records to the
	// default logger, as newest CUP always does. Ignored by Init and
	// Reinit.
	Propagate bool
}

// config is Options with the defaults applied and the paths resolved.
type config struct {
	level      Level
	file       string // absolute
	wfFile     string // absolute, "" if no .wf
	mode       Mode
	maxSize    int64 // <= 0: never rotate
	maxBackups int   // < 0: keep none
	console    io.Writer
	split      bool
	tz         bool
	perm       fs.FileMode
	output     io.Writer
	propagate  bool
	daily      bool
	clock      Clock
}

// resolve validates o and applies the defaults. It touches nothing on
// disk except reading: the parent directories must exist and the paths
// must be regular files or absent.
func (o Options) resolve() (config, error) {
	c := config{
		level:      o.Level,
		mode:       o.Mode,
		maxSize:    o.MaxSize,
		maxBackups: o.MaxBackups,
		split:      o.WarnFileMode == WarnSplit,
		tz:         o.ShowTimezone,
		perm:       o.FileMode,
		output:     o.Output,
		propagate:  o.Propagate,
		daily:      o.Mode == Daily,
		clock:      o.Clock,
	}
	if o.Level < 0 {
		return c, errs.New(errs.ErrInvalidArgument, "log level %d: must not be negative", int(o.Level))
	}
	if c.level == 0 {
		c.level = LevelInfo
	}
	if o.Mode != Rotation && o.Mode != Infinite && o.Mode != Daily {
		return c, errs.New(errs.ErrInvalidArgument, "log mode %d: want Rotation (0), Infinite (1) or Daily (2)", int(o.Mode))
	}
	if o.WarnFileMode != WarnSplit && o.WarnFileMode != WarnCopy {
		return c, errs.New(errs.ErrInvalidArgument, "warn file mode %d: want WarnSplit (0) or WarnCopy (1)", int(o.WarnFileMode))
	}
	if o.FileMode&^fs.ModePerm != 0 {
		return c, errs.New(errs.ErrInvalidArgument, "log file mode %v: only permission bits are allowed", o.FileMode)
	}
	if c.perm == 0 {
		c.perm = DefaultFileMode
	}
	if c.maxSize == 0 {
		c.maxSize = DefaultMaxSize
	}
	if c.mode == Infinite || c.mode == Daily {
		c.maxSize = -1
	}
	if c.maxBackups == 0 {
		c.maxBackups = DefaultMaxBackups
	}
	if o.Console {
		c.console = o.ConsoleWriter
		if c.console == nil {
			c.console = os.Stderr
		}
	}
	name := o.File
	if name == "" {
		name = DefaultFile
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return c, errs.New(errs.ErrLogger, "log file %q: %w", name, err)
	}
	if o.Output == nil {
		if err := checkPath(abs); err != nil {
			return c, err
		}
		c.file = abs
	}
	if o.WarnFile {
		c.wfFile = abs + ".wf"
		if err := checkPath(c.wfFile); err != nil {
			return c, err
		}
	}
	return c, nil
}

// checkPath verifies that path is a regular file, or absent with an
// existing parent directory.
func checkPath(path string) error {
	st, err := os.Stat(path)
	if err == nil {
		if !st.Mode().IsRegular() {
			return errs.New(errs.ErrLogger, "log file %q exists but is not a regular file", path)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return errs.New(errs.ErrLogger, "log file %q: %w", path, err)
	}
	dir := filepath.Dir(path)
	st, err = os.Stat(dir)
	if err != nil {
		return errs.New(errs.ErrLogger, "log file %q: parent directory: %w", path, err)
	}
	if !st.IsDir() {
		return errs.New(errs.ErrLogger, "log file %q: parent %q is not a directory", path, dir)
	}
	return nil
}
