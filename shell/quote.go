package shell

import "strings"

// Quote returns s quoted for a POSIX shell, so that the shell reads it
// back as exactly one word equal to s. Words made only of letters, digits
// and "@%+=:,./-_" are returned as they are; anything else is put in
// single quotes, each single quote inside becoming the four bytes
// quote-backslash-quote-quote. The empty string becomes a pair of single
// quotes. A shell cannot represent a NUL byte in a word; Quote keeps it,
// and running such text fails.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		if !isSafe(s[i]) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			b.WriteString(`'\''`)
		} else {
			b.WriteByte(s[i])
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// QuoteArgs quotes each argument with [Quote] and joins them with spaces:
// the shell reads the result back as exactly args.
func QuoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}

func isSafe(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("@%+=:,./-_", c) >= 0
}
