package timeplus

import (
	"strconv"
	"time"
)

// DefaultFormat is CUP's default layout for get_str_now, for example
// "2026-11-26-04-07-31".
const DefaultFormat = "%Y-%m-%d-%H-%M-%S"

// StrNow returns the current local time formatted by [Strftime].
func StrNow(format string) string {
	return Strftime(time.Now(), format)
}

// NowString returns the current local time in [DefaultFormat].
func NowString() string {
	return Strftime(time.Now(), DefaultFormat)
}

// Strftime formats t with C strftime directives, in t's own location.
//
// Supported directives:
//
//	%Y  year, four digits           %y  year within century, 00-99
//	%m  month, 01-12                %d  day of month, 01-31
//	%e  day of month, space padded  %j  day of year, 001-366
//	%H  hour, 00-23                 %I  hour, 01-12
//	%M  minute, 00-59               %S  second, 00-60
//	%p  AM or PM                    %s  seconds since the Unix epoch
//	%b  abbreviated month (Jan)     %B  full month (January)
//	%a  abbreviated weekday (Mon)   %A  full weekday (Monday)
//	%z  offset, +hhmm               %Z  zone abbreviation (CST, UTC)
//	%F  same as %Y-%m-%d            %T  same as %H:%M:%S
//	%%  a literal %
//
// English names are used whatever the process locale. An unknown
// directive is copied literally ("%Q" stays "%Q"), as glibc does, and a
// lone trailing "%" is kept.
func Strftime(t time.Time, format string) string {
	return string(AppendStrftime(make([]byte, 0, len(format)+16), t, format))
}

// AppendStrftime is like [Strftime] but appends to b and returns the
// extended buffer, so callers can reuse one buffer.
func AppendStrftime(b []byte, t time.Time, format string) []byte {
	// Compute the calendar fields once; each call below is cheap but
	// Date and Clock each re-derive the absolute time.
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b = append(b, c)
			continue
		}
		i++
		switch v := format[i]; v {
		case 'Y':
			b = appendInt(b, year, 4)
		case 'y':
			b = appendInt(b, ((year%100)+100)%100, 2)
		case 'm':
			b = appendInt(b, int(month), 2)
		case 'd':
			b = appendInt(b, day, 2)
		case 'e':
			if day < 10 {
				b = append(b, ' ')
			}
			b = strconv.AppendInt(b, int64(day), 10)
		case 'j':
			b = appendInt(b, t.YearDay(), 3)
		case 'H':
			b = appendInt(b, hour, 2)
		case 'I':
			h := hour % 12
			if h == 0 {
				h = 12
			}
			b = appendInt(b, h, 2)
		case 'M':
			b = appendInt(b, minute, 2)
		case 'S':
			b = appendInt(b, sec, 2)
		case 'p':
			if hour < 12 {
				b = append(b, "AM"...)
			} else {
				b = append(b, "PM"...)
			}
		case 's':
			b = strconv.AppendInt(b, t.Unix(), 10)
		case 'b':
			b = append(b, month.String()[:3]...)
		case 'B':
			b = append(b, month.String()...)
		case 'a':
			b = append(b, t.Weekday().String()[:3]...)
		case 'A':
			b = append(b, t.Weekday().String()...)
		case 'z':
			b = t.AppendFormat(b, "-0700")
		case 'Z':
			name, _ := t.Zone()
			b = append(b, name...)
		case 'F':
			b = appendInt(b, year, 4)
			b = append(b, '-')
			b = appendInt(b, int(month), 2)
			b = append(b, '-')
			b = appendInt(b, day, 2)
		case 'T':
			b = appendInt(b, hour, 2)
			b = append(b, ':')
			b = appendInt(b, minute, 2)
			b = append(b, ':')
			b = appendInt(b, sec, 2)
		case '%':
			b = append(b, '%')
		default:
			b = append(b, '%', v)
		}
	}
	return b
}

// appendInt appends n zero-padded to width digits (a minus sign, if any,
// comes first and does not count towards the width).
func appendInt(b []byte, n, width int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
