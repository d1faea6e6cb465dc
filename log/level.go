package log

import (
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/cupgo/cup/errs"
)

// Level is a CUP log level. The values are Python's logging levels, as
// CUP uses them; a record is written when its level is at least the
// logger's level.
type Level int

// The CUP levels (cup.log.DEBUG ... cup.log.CRITICAL).
const (
	LevelDebug    Level = 10 // CUP DEBUG
	LevelInfo     Level = 20 // CUP INFO
	LevelWarning  Level = 30 // CUP WARNING
	LevelError    Level = 40 // CUP ERROR
	LevelCritical Level = 50 // CUP CRITICAL (newest CUP also FATAL)
)

// String returns the level name CUP prints: DEBUG, INFO, WARNING, ERROR or
// CRITICAL. Any other value prints as "Level N", like Python.
func (l Level) String() string {
	switch l {
	case LevelDebug:
		return "DEBUG"
	case LevelInfo:
		return "INFO"
	case LevelWarning:
		return "WARNING"
	case LevelError:
		return "ERROR"
	case LevelCritical:
		return "CRITICAL"
	}
	return "Level " + strconv.Itoa(int(l))
}

// linePrefix returns the "NAME:\t " prefix of a line at level l. Levels
// between the CUP levels round down to the nearest one (below DEBUG
// prints as DEBUG), so every line carries one of the five names.
func (l Level) linePrefix() string {
	switch {
	case l >= LevelCritical:
		return "CRITICAL:\t "
	case l >= LevelError:
		return "ERROR:\t "
	case l >= LevelWarning:
		return "WARNING:\t "
	case l >= LevelInfo:
		return "INFO:\t "
	}
	return "DEBUG:\t "
}

// ParseLevel parses a level name case-insensitively: DEBUG, INFO, WARNING
// (or WARN), ERROR, CRITICAL (or FATAL), or a positive decimal number. Any
// other text is an error wrapping errs.ErrInvalidArgument.
func ParseLevel(s string) (Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "DEBUG":
		return LevelDebug, nil
	case "INFO":
		return LevelInfo, nil
	case "WARNING", "WARN":
		return LevelWarning, nil
	case "ERROR":
		return LevelError, nil
	case "CRITICAL", "FATAL":
		return LevelCritical, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return 0, errs.New(errs.ErrInvalidArgument, "log level %q: want DEBUG, INFO, WARNING, ERROR, CRITICAL or a positive number", s)
	}
	return Level(n), nil
}

// SlogLevel returns the slog level of l: DEBUG is slog.LevelDebug, INFO
// slog.LevelInfo, WARNING slog.LevelWarn, ERROR slog.LevelError and
// CRITICAL slog.Level(12). Levels in between map proportionally and round
// down.
func (l Level) SlogLevel() slog.Level {
	// CUP steps by 10, slog by 4; LevelInfo (20) is slog 0.
	d := int(l) - int(LevelInfo)
	q := d * 4 / 10
	if d < 0 && (d*4)%10 != 0 {
		q-- // floor for negatives
	}
	return slog.Level(q)
}

// FromSlog returns the CUP level of a slog level, rounding down to the
// nearest CUP level: anything below slog.LevelInfo is DEBUG, below
// slog.LevelWarn INFO, below slog.LevelError WARNING, below 12 ERROR, and
// 12 or more CRITICAL.
func FromSlog(l slog.Level) Level {
	switch {
	case l >= slog.Level(12):
		return LevelCritical
	case l >= slog.LevelError:
		return LevelError
	case l >= slog.LevelWarn:
		return LevelWarning
	case l >= slog.LevelInfo:
		return LevelInfo
	}
	return LevelDebug
}

// levelVar is the one level shared by every output of a Logger (and by
// its slog handler), like slog.LevelVar. The zero value is level 0, which
// lets everything through.
type levelVar struct{ v atomic.Int64 }

func (v *levelVar) Load() Level   { return Level(v.v.Load()) }
func (v *levelVar) Store(l Level) { v.v.Store(int64(l)) }
