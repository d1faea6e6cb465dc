package timeplus

import (
	"context"
	"math"
	"sync/atomic"
	"time"

	"github.com/cupgo/cup/errs"
)

// TimePlus converts times between UTC and one configured location (CUP's
// TimePlus class). It is safe for concurrent use; [TimePlus.SetLocation]
// may be called while other goroutines convert.
type TimePlus struct {
	loc atomic.Pointer[time.Location]
}

// New returns a TimePlus for loc. A nil loc is an error wrapping
// [errs.ErrInvalidArgument] (CUP's ValueError for a non-pytz argument).
func New(loc *time.Location) (*TimePlus, error) {
	if loc == nil {
		return nil, errs.New(errs.ErrInvalidArgument, "timeplus: location is nil")
	}
	tp := &TimePlus{}
	tp.loc.Store(loc)
	return tp, nil
}

// NewByName returns a TimePlus for the IANA zone name, for example
// "Asia/Shanghai", loaded with [time.LoadLocation]. An unknown name is an
// error wrapping [errs.ErrInvalidArgument] that quotes the name.
// "" and "UTC" mean UTC; "Local" means the machine's zone.
func NewByName(name string) (*TimePlus, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, errs.New(errs.ErrInvalidArgument, "timeplus: unknown time zone %q: %w", name, err)
	}
	return New(loc)
}

// Location returns the configured location (CUP get_timezone).
func (tp *TimePlus) Location() *time.Location {
	return tp.loc.Load()
}

// SetLocation replaces the configured location (CUP set_newtimezone).
// A nil loc is refused with an error wrapping [errs.ErrInvalidArgument]
// and the old location is kept.
func (tp *TimePlus) SetLocation(loc *time.Location) error {
	if loc == nil {
		return errs.New(errs.ErrInvalidArgument, "timeplus: location is nil")
	}
	tp.loc.Store(loc)
	return nil
}

// UTCToLocal returns the instant t expressed in the configured location
// (CUP utc2local). The instant itself does not change; only the zone it
// is displayed in does.
func (tp *TimePlus) UTCToLocal(t time.Time) time.Time {
	return t.In(tp.loc.Load())
}

// LocalToUTC returns the instant t expressed in UTC (CUP local2utc). To
// turn a wall-clock reading of the configured zone into an instant, build
// it with [time.Date] or [time.ParseInLocation] using [TimePlus.Location].
func (tp *TimePlus) LocalToUTC(t time.Time) time.Time {
	return t.UTC()
}

// Now returns the current time in the configured location.
func (tp *TimePlus) Now() time.Time {
	return time.Now().In(tp.loc.Load())
}

// UTCNow returns the current time in UTC (CUP TimePlus.utc_now).
func UTCNow() time.Time {
	return time.Now().UTC()
}

// TimestampToTime converts a Unix timestamp in seconds, with a fractional
// part, to a time in loc (CUP timestamp2datetime). The fraction is kept
// to the microsecond, rounded to nearest as Python's datetime does; a
// float64 cannot carry more precision for present-day timestamps anyway.
// A nil loc means [time.Local]. NaN and infinite timestamps return the
// zero Time.
func TimestampToTime(ts float64, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.Local
	}
	if math.IsNaN(ts) || math.IsInf(ts, 0) {
		return time.Time{}
	}
	sec := math.Floor(ts)
	usec := math.Round((ts - sec) * 1e6)
	if usec >= 1e6 {
		sec++
		usec -= 1e6
	}
	return time.Unix(int64(sec), int64(usec)*1000).In(loc)
}

// Sleep waits for at least d, or until ctx ends, whichever comes first
// (CUP sleep). It returns nil after the full duration and ctx.Err() if
// ctx ended first. A d of zero or less returns at once (ctx.Err() if ctx
// is already done).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
