package shell

import (
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
)

var nastyStrings = []string{
	"", " ", "plain", "with space", "'", "''", `"`, `\`, `\'`, "$HOME", "${x:-y}", "$(id)", "`id`",
	"a;b", "a&&b", "a|b", "*", "?", "[a]", "~", "~root", "#c", "!x", "a\nb", "\t", "-n", "--", "-e",
	"é ü 日本", "\xff\xfe", "x=y", "it's", "a'b'c", "'\"'\"'", "%s", "\r\n", "{a,b}", "<in", ">out",
}

func TestQuoteFixed(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "''"},
		{"abc", "abc"},
		{"/usr/bin/x-y_z.1", "/usr/bin/x-y_z.1"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"$x", "'$x'"},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// shellWords runs QuoteArgs(args) through /bin/sh and returns the words the
// shell saw.
func shellWords(t testing.TB, args []string) []string {
	t.Helper()
	out, err := exec.Command("/bin/sh", "-c", "set -- "+QuoteArgs(args)+`; for a in "$@"; do printf '%s\000' "$a"; done`).Output()
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	if len(out) == 0 {
		return []string{}
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

func TestQuoteRoundTripShell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs /bin/sh")
	}
	for _, s := range nastyStrings {
		if got := shellWords(t, []string{s}); !slices.Equal(got, []string{s}) {
			t.Errorf("sh read Quote(%q) = %s back as %q", s, Quote(s), got)
		}
	}
	if got := shellWords(t, nastyStrings); !slices.Equal(got, nastyStrings) {
		t.Errorf("QuoteArgs round trip:\n got %q\nwant %q", got, nastyStrings)
	}
}

func FuzzQuote(f *testing.F) {
	for _, s := range nastyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			t.Skip("a shell word cannot hold NUL")
		}
		q := Quote(s)
		// Outside quotes only safe bytes and the escaped quote \' appear,
		// and every quote opened is closed.
		inQuote := false
		for i := 0; i < len(q); i++ {
			switch {
			case q[i] == '\'':
				inQuote = !inQuote
			case inQuote:
			case q[i] == '\\' && i+1 < len(q) && q[i+1] == '\'':
				i++
			case !isSafe(q[i]):
				t.Fatalf("Quote(%q) = %s: unquoted byte %q", s, q, q[i])
			}
		}
		if inQuote {
			t.Fatalf("Quote(%q) = %s: unterminated quote", s, q)
		}
		if got := shellWords(t, []string{s}); !slices.Equal(got, []string{s}) {
			t.Fatalf("sh read Quote(%q) = %s back as %q", s, q, got)
		}
	})
}
