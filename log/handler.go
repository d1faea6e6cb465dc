package log

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// HandlerOptions configures NewHandler. The zero value (or nil) means
// slog.LevelInfo and CUP 3.2.7's line format.
type HandlerOptions struct {
	// Level is the minimum slog level; nil means slog.LevelInfo. A
	// *slog.LevelVar changes it at run time.
	Level slog.Leveler
	// ShowTimezone adds " ±HHMM(ZONE)" after the time (newest CUP).
	ShowTimezone bool
}

// lineWriter is where a handler's finished lines go.
type lineWriter interface {
	writeLine(lv Level, p []byte)
	showTZ() bool
}

// plainWriter writes lines to an io.Writer under one mutex shared by
// every clone of the handler.
type plainWriter struct {
	s  *writerSink
	tz bool
}

func (w plainWriter) writeLine(_ Level, p []byte) { _ = w.s.write(p) }
func (w plainWriter) showTZ() bool                { return w.tz }

// NewHandler returns a slog.Handler that writes CUP lines to w:
//
//	LEVEL:\t DATE TIME * [PID:TID] [FILE:LINE] MESSAGE key=value group.key=value
//
// The level prints as the CUP name of FromSlog(record level) (slog.LevelWarn
// is WARNING); [FILE:LINE] comes from the record's PC ("???:0" without
// one); a record with a zero time prints 0000-00-00 00:00:00,000.
// Attributes follow the message as " key=value", with keys of groups
// joined by dots and values quoted (strconv.Quote) when they are empty or
// contain spaces, '=', '"' or control characters. Each record is one
// Write to w; handlers derived with WithAttrs/WithGroup share the lock.
func NewHandler(w io.Writer, o *HandlerOptions) slog.Handler {
	if o == nil {
		o = &HandlerOptions{}
	}
	h := &handler{w: plainWriter{s: newWriterSink(w), tz: o.ShowTimezone}, leveler: o.Level}
	if h.leveler == nil {
		h.leveler = slog.LevelInfo
	}
	return h
}

// handler is the slog.Handler of NewHandler and Logger.Handler.
type handler struct {
	w       lineWriter
	gate    *levelVar    // a Logger's level (CUP levels), or nil
	leveler slog.Leveler // used when gate is nil
	prefix  []byte       // attributes added by WithAttrs, rendered
	group   string       // open groups, "a.b." form
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	if h.gate != nil {
		return FromSlog(l) >= h.gate.Load()
	}
	return l >= h.leveler.Level()
}

func (h *handler) Handle(_ context.Context, r slog.Record) error {
	lv := FromSlog(r.Level)
	b := getBuffer()
	*b = appendHeader(*b, lv, r.Time, h.w.showTZ(), r.PC)
	*b = append(*b, r.Message...)
	*b = append(*b, h.prefix...)
	r.Attrs(func(a slog.Attr) bool {
		*b = appendAttr(*b, h.group, a)
		return true
	})
	*b = append(*b, '\n')
	h.w.writeLine(lv, *b)
	freeBuffer(b)
	return nil
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	h2 := *h
	p := append([]byte(nil), h.prefix...)
	for _, a := range as {
		p = appendAttr(p, h.group, a)
	}
	h2.prefix = p
	return &h2
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.group = h.group + name + "."
	return &h2
}

// appendAttr appends " key=value" for a (recursively for groups).
func appendAttr(b []byte, group string, a slog.Attr) []byte {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return b
	}
	if a.Value.Kind() == slog.KindGroup {
		as := a.Value.Group()
		if len(as) == 0 {
			return b
		}
		g := group
		if a.Key != "" {
			g = group + a.Key + "."
		}
		for _, ga := range as {
			b = appendAttr(b, g, ga)
		}
		return b
	}
	b = append(b, ' ')
	b = appendText(b, group+a.Key)
	b = append(b, '=')
	return appendValue(b, a.Value)
}

func appendValue(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return appendText(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return strconv.AppendFloat(b, v.Float64(), 'g', -1, 64)
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return appendText(b, v.Duration().String())
	case slog.KindTime:
		return v.Time().AppendFormat(b, time.RFC3339Nano)
	}
	a := v.Any()
	if e, ok := a.(error); ok {
		return appendText(b, e.Error())
	}
	return appendText(b, fmt.Sprint(a))
}

// appendText appends s, quoted if logfmt would need it.
func appendText(b []byte, s string) []byte {
	if needsQuote(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

func needsQuote(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == '=' || c == '"' || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}
