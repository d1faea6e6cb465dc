package mail

import (
	"strings"
	"unicode/utf8"
)

// Header line limits: RFC 5322 asks for lines of at most 78 characters,
// RFC 2047 for encoded words of at most 75 and lines holding them of at
// most 76.
const (
	maxHeaderLine  = 78
	maxEncodedLine = 76
	maxEncodedWord = 75
)

// encodeSubject returns the Subject field body, folded, ready to follow
// "Subject: ". The first line always carries text: a field whose first
// line is empty is valid, but some parsers (Python's email package among
// them) then read the subject with a leading space. ASCII subjects are
// folded at spaces; others become RFC 2047 Q-encoded words (UTF-8) sized
// so that the first one fits on the Subject line. s holds no CR or LF.
func encodeSubject(s string) string {
	const prefix = len("Subject: ")
	if isPlainHeaderText(s) {
		return foldAtSpaces(s, prefix)
	}
	var b strings.Builder
	budget := maxEncodedLine - prefix
	for s != "" {
		word, rest := qWord(s, min(budget, maxEncodedWord))
		if b.Len() > 0 {
			b.WriteString("\r\n ")
		}
		b.WriteString(word)
		s = rest
		budget = maxEncodedLine - 1
	}
	return b.String()
}

// isPlainHeaderText reports whether s can be written as it is: printable
// ASCII, spaces and tabs, and nothing a decoder would take for an encoded
// word.
func isPlainHeaderText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c > '~' {
			return false
		}
	}
	return !strings.Contains(s, "=?")
}

// foldAtSpaces folds s before spaces so that no line exceeds maxHeaderLine
// where a fold can help, given that the first line already holds used
// characters. It never folds before the first word or where only blanks
// would follow; unfolding gives s back exactly.
func foldAtSpaces(s string, used int) string {
	if used+len(s) <= maxHeaderLine {
		return s
	}
	var b strings.Builder
	end := len(strings.TrimRight(s, " \t")) // from here on only blanks
	line, last := used, 0                   // last: start of the text not yet written
	for i := 1; i < end; i++ {
		if s[i] != ' ' || s[i-1] == ' ' {
			continue
		}
		// s[last:i] is one more word, with the spaces before it (so a
		// fold before it leaves a blank at the start of the new line).
		if line+i-last > maxHeaderLine && last > 0 {
			b.WriteString("\r\n")
			line = 0
		}
		b.WriteString(s[last:i])
		line += i - last
		last = i
	}
	if line+len(s)-last > maxHeaderLine && last > 0 {
		b.WriteString("\r\n")
	}
	b.WriteString(s[last:])
	return b.String()
}

// qWord encodes the longest prefix of s, whole runes only, that fits in
// one Q-encoded word of at most limit characters, and returns the word
// and the rest of s.
func qWord(s string, limit int) (word, rest string) {
	const open, close = "=?UTF-8?q?", "?="
	var b strings.Builder
	b.WriteString(open)
	room := limit - len(open) - len(close)
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			r = utf8.RuneError // invalid UTF-8 is sent as U+FFFD
		}
		enc := qRune(r)
		if len(enc) > room && i > 0 {
			break
		}
		b.WriteString(enc)
		room -= len(enc)
		i += n
	}
	b.WriteString(close)
	return b.String(), s[i:]
}

// qRune is one rune in RFC 2047 Q encoding: a space as "_", printable
// ASCII other than "=", "?" and "_" as itself, everything else as =XX
// bytes of its UTF-8 form.
func qRune(r rune) string {
	const hex = "0123456789ABCDEF"
	switch {
	case r == ' ':
		return "_"
	case r > ' ' && r <= '~' && r != '=' && r != '?' && r != '_':
		return string(r)
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	out := make([]byte, 0, 3*n)
	for _, c := range buf[:n] {
		out = append(out, '=', hex[c>>4], hex[c&15])
	}
	return string(out)
}
