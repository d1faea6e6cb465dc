package log

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The line encoder: everything that turns a record into CUP's bytes
//
//	LEVEL:\t YYYY-MM-DD HH:MM:SS,mmm[ ±HHMM(ZONE)] * [PID:TID] [FILE:LINE] MESSAGE\n

// Buffers come from a pool; buffers that grew beyond maxPooledBuffer are
// dropped instead of returned, so one huge record does not pin memory.
const maxPooledBuffer = 16 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func getBuffer() *[]byte { return bufPool.Get().(*[]byte) }

func freeBuffer(b *[]byte) {
	if cap(*b) > maxPooledBuffer {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// pidText is " * [PID:" — the process id never changes in a Go program.
var pidText = " * [" + strconv.Itoa(os.Getpid()) + ":"

// secondText caches the rendered date, time (to the second) and zone of
// one second of wall-clock time in the local zone.
type secondText struct {
	sec  int64
	loc  *time.Location
	text [19]byte // "2006-01-02 15:04:05"
	zone string   // " -0700(MST)"
}

var lastSecond atomic.Pointer[secondText]

// appendTime appends "YYYY-MM-DD HH:MM:SS,mmm" (and the zone if tz) for t
// in t's location. The zero time is written as 0000-00-00 00:00:00,000
// (slog records without a time).
func appendTime(b []byte, t time.Time, tz bool) []byte {
	if t.IsZero() {
		b = append(b, "0000-00-00 00:00:00,000"...)
		if tz {
			b = append(b, " +0000(UTC)"...)
		}
		return b
	}
	sec := t.Unix()
	st := lastSecond.Load()
	if st == nil || st.sec != sec || st.loc != t.Location() {
		st = renderSecond(t, sec)
		lastSecond.Store(st)
	}
	b = append(b, st.text[:]...)
	ms := t.Nanosecond() / 1e6
	b = append(b, ',', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	if tz {
		b = append(b, st.zone...)
	}
	return b
}

func renderSecond(t time.Time, sec int64) *secondText {
	st := &secondText{sec: sec, loc: t.Location()}
	year, month, day := t.Date()
	hour, min, s := t.Clock()
	b := st.text[:0]
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, ' ')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, min, 2)
	b = append(b, ':')
	appendDigits(b, s, 2)
	st.zone = t.Format(" -0700(MST)")
	return st
}

// appendDigits appends n zero-padded to width digits.
func appendDigits(b []byte, n, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for n >= 10 || width > 1 {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		width--
	}
	i--
	tmp[i] = byte('0' + n)
	return append(b, tmp[i:]...)
}

// Source locations are cached by program counter: a call site is always
// the same file and line, and looking it up (runtime.CallersFrames) costs
// more than the rest of the line. The cache is direct-mapped and
// lock-free; an entry is only ever replaced by a complete new one.
type srcEntry struct {
	pc  uintptr
	src string // "FILE:LINE"
}

const srcCacheSize = 1024

var srcCache [srcCacheSize]atomic.Pointer[srcEntry]

// source returns "FILE:LINE" (base name) for the call site pc, as
// returned by runtime.Callers.
func source(pc uintptr) string {
	if pc == 0 {
		return "???:0"
	}
	slot := &srcCache[(pc^pc>>10)%srcCacheSize]
	if e := slot.Load(); e != nil && e.pc == pc {
		return e.src
	}
	fr, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	file := fr.File
	if file == "" {
		file = "???"
	} else {
		file = filepath.Base(file)
	}
	e := &srcEntry{pc: pc, src: file + ":" + strconv.Itoa(fr.Line)}
	slot.Store(e)
	return e.src
}

// appendHeader appends everything up to and including the space before
// the message.
func appendHeader(b []byte, lv Level, t time.Time, tz bool, pc uintptr) []byte {
	b = append(b, lv.linePrefix()...)
	b = appendTime(b, t, tz)
	b = append(b, pidText...)
	b = strconv.AppendUint(b, uint64(gettid()), 16)
	b = append(b, "] ["...)
	b = append(b, source(pc)...)
	b = append(b, "] "...)
	return b
}
