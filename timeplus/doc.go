// Package timeplus holds small time helpers: strftime-style formatting,
// the current time as a string, time-zone conversions and a sleep that
// honours a context.
//
// It replaces CUP's cup.timeplus module (also importable as cup.time):
//
//	get_str_now(fmt)                  StrNow(format), NowString()
//	(C strftime directives)           Strftime(t, format)
//	TimePlus(timezone)                New(loc), NewByName(name)
//	TimePlus.get_timezone()           (*TimePlus).Location()
//	TimePlus.set_newtimezone(tz)      (*TimePlus).SetLocation(loc)
//	TimePlus.utc_now()                UTCNow()
//	TimePlus.timestamp2datetime(t,z)  TimestampToTime(ts, loc)
//	TimePlus.local2utc(dt)            (*TimePlus).LocalToUTC(t)
//	TimePlus.utc2local(dt)            (*TimePlus).UTCToLocal(t)
//	sleep(seconds)                    Sleep(ctx, d)
//
// Unlike Python's naive datetimes, a Go [time.Time] always carries its
// zone, so CUP's pitfall of a naive value being silently read in the
// machine's zone cannot happen here. Callers that parse wall-clock
// strings must choose the zone explicitly with [time.ParseInLocation];
// [time.Parse] without a zone in the layout yields UTC.
package timeplus
