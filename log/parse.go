package log

import (
	"strconv"
	"strings"
	"time"

	"github.com/cupgo/cup/errs"
)

// Entry is one CUP log line split into its fields (CUP parse, whose
// values were all strings; here numbers are numbers).
type Entry struct {
	Level  string    // "INFO", as printed
	Date   string    // "2015-10-14"
	Time   string    // "16:13:11,700"
	PID    int       // process id
	TID    string    // thread id as printed: hex (CUP 3.2.7, this package) or decimal (old CUP)
	Src    string    // "util.py:167"
	File   string    // "util.py"
	Line   int       // 167
	Msg    string    // text after the [FILE:LINE] block, trimmed
	HasTZ  bool      // the line has the newest-CUP zone field
	TZ     string    // "+0800"
	TZName string    // "CST"
	TZNum  int       // 800: newest CUP's tznum
	At     time.Time // Date and Time, in the line's offset if HasTZ, else time.Local; zero for 0000-00-00
}

// Parse splits one CUP log line (CUP parse). It accepts CUP 3.2.7's
// format and the newest one with a zone, a TAB or spaces after the level,
// and decimal or hex thread ids. The message is everything after the
// [FILE:LINE] block, so brackets inside it survive. Errors wrap
// errs.ErrParse and say which part was malformed.
func Parse(line string) (Entry, error) {
	var e Entry
	orig := line
	bad := func(part string) (Entry, error) {
		return Entry{}, &errs.ParseError{Text: orig, Msg: "log line: malformed " + part}
	}
	line = strings.TrimRight(line, "\r\n")
	tok, rest := nextField(line)
	if len(tok) < 2 || tok[len(tok)-1] != ':' {
		return bad("level")
	}
	e.Level = tok[:len(tok)-1]
	for _, c := range []byte(e.Level) {
		if c < 'A' || c > 'Z' {
			return bad("level")
		}
	}
	e.Date, rest = nextField(rest)
	if !digitsLayout(e.Date, "0000-00-00") {
		return bad("date")
	}
	e.Time, rest = nextField(rest)
	if !digitsLayout(e.Time, "00:00:00,000") {
		return bad("time")
	}
	tok, rest = nextField(rest)
	if tok != "*" {
		// newest CUP: "+0800(CST)"
		if len(tok) < 7 || (tok[0] != '+' && tok[0] != '-') || !digitsLayout(tok[1:5], "0000") ||
			tok[5] != '(' || tok[len(tok)-1] != ')' {
			return bad("time zone")
		}
		e.HasTZ = true
		e.TZ, e.TZName = tok[:5], tok[6:len(tok)-1]
		e.TZNum, _ = strconv.Atoi(e.TZ)
		tok, rest = nextField(rest)
		if tok != "*" {
			return bad("separator '*'")
		}
	}
	tok, rest = nextField(rest)
	pid, tid, ok := bracketPair(tok, false)
	if !ok {
		return bad("[pid:tid]")
	}
	n, err := strconv.Atoi(pid)
	if err != nil || n < 0 {
		return bad("pid")
	}
	e.PID = n
	if !isHex(tid) {
		return bad("tid")
	}
	e.TID = tid
	// The [file:line] block: up to the first ']' followed by a space or
	// the end of the line (file names may not contain ']').
	rest = strings.TrimLeft(rest, " \t")
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return bad("[file:line]")
	}
	file, ln, ok := bracketPair(rest[:end+1], true)
	if !ok {
		return bad("[file:line]")
	}
	n, err = strconv.Atoi(ln)
	if err != nil || n < 0 {
		return bad("line number")
	}
	e.File, e.Line, e.Src = file, n, rest[1:end]
	e.Msg = strings.Trim(rest[end+1:], " \t")
	if e.Date != "0000-00-00" {
		loc := time.Local
		if e.HasTZ {
			loc = time.FixedZone(e.TZName, (e.TZNum/100*60+e.TZNum%100)*60)
		}
		at, err := time.ParseInLocation("2006-01-02 15:04:05,000", e.Date+" "+e.Time, loc)
		if err != nil {
			return bad("date/time")
		}
		e.At = at
	}
	return e, nil
}

// nextField skips spaces and tabs and returns the next run of other
// characters and what follows it.
func nextField(s string) (field, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// digitsLayout reports whether s has layout's shape, '0' standing for any
// digit.
func digitsLayout(s, layout string) bool {
	if len(s) != len(layout) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if layout[i] == '0' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		} else if s[i] != layout[i] {
			return false
		}
	}
	return true
}

// bracketPair splits "[a:b]" into a and b; with last, at the last colon.
func bracketPair(s string, last bool) (a, b string, ok bool) {
	if len(s) < 4 || s[0] != '[' || s[len(s)-1] != ']' {
		return "", "", false
	}
	s = s[1 : len(s)-1]
	i := strings.IndexByte(s, ':')
	if last {
		i = strings.LastIndexByte(s, ':')
	}
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
