package mail

import (
	"mime"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestEncodeSubject: whatever the subject, the encoded field unfolds and
// decodes back to it, no line is longer than RFC 2047/5322 allow where
// they can be kept, every continuation line starts with a blank, and the
// first line carries text (no leading space for parsers such as Python's).
func TestEncodeSubject(t *testing.T) {
	long := strings.Repeat("word ", 30)
	for _, s := range []string{
		"", "plain ascii subject", "état", "Nightly report: 3 hosts down — état critique",
		long, strings.Repeat("x", 120), "two  spaces and trailing  ", "tab\there",
		"a=?b?=c looks encoded", "日本語のとても長い件名です。" + strings.Repeat("障害", 40),
		"emoji 🚀 " + strings.Repeat("é", 60), "under_score = and ?",
		"http://example.com/" + strings.Repeat("p", 80) + " tail",
	} {
		enc := encodeSubject(s)
		lines := strings.Split(enc, "\r\n")
		if s != "" && strings.TrimSpace(lines[0]) == "" {
			t.Errorf("%q: first line empty: %q", s, enc)
		}
		for i, l := range lines {
			if i > 0 && !strings.HasPrefix(l, " ") {
				t.Errorf("%q: continuation line %q does not start with a blank", s, l)
			}
			if strings.Contains(l, "=?UTF-8?") {
				limit := maxEncodedLine
				if i == 0 {
					limit -= len("Subject: ")
				}
				if len(l) > limit {
					t.Errorf("%q: encoded line %d is %d long: %q", s, i, len(l), l)
				}
			} else if i > 0 && len(l) > maxHeaderLine && strings.Contains(strings.TrimSpace(l), " ") {
				t.Errorf("%q: line %d could have been folded: %q", s, i, l)
			}
		}
		unfolded := strings.ReplaceAll(enc, "\r\n", "")
		got, err := new(mime.WordDecoder).DecodeHeader(unfolded)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got != s {
			t.Errorf("encodeSubject(%q) = %q, decodes to %q", s, enc, got)
		}
	}
}

// TestWriteMessageSubjectLine: the Subject line of a written message
// carries the (first) encoded word itself, not an empty first line.
func TestWriteMessageSubjectLine(t *testing.T) {
	m, err := New(Config{Sender: "a@example.com", Server: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	subject := "Nightly report: 3 hosts down — état critique"
	if err := m.WriteMessage(&b, Message{To: []string{"b@example.com"}, Subject: subject, Body: "x"}); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(b.String(), "\r\n") {
		if strings.HasPrefix(l, "Subject:") {
			if !strings.HasPrefix(l, "Subject: =?UTF-8?q?Nightly_report") {
				t.Errorf("Subject line %q", l)
			}
			return
		}
	}
	t.Fatal("no Subject line")
}

// FuzzEncodeSubject: any subject without CR or LF encodes to a field
// whose first line carries text, whose continuation lines start with a
// blank, and which unfolds and decodes back to the subject.
func FuzzEncodeSubject(f *testing.F) {
	for _, s := range []string{"", "plain", "état critique", strings.Repeat("word ", 40), "a=?b?=c", "日本語", "\t x \t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\r\n") || !utf8.ValidString(s) {
			return
		}
		enc := encodeSubject(s)
		lines := strings.Split(enc, "\r\n")
		if strings.TrimSpace(s) != "" && strings.TrimSpace(lines[0]) == "" {
			t.Fatalf("%q: empty first line in %q", s, enc)
		}
		for _, l := range lines[1:] {
			if l == "" || (l[0] != ' ' && l[0] != '\t') {
				t.Fatalf("%q: continuation %q", s, l)
			}
		}
		got, err := new(mime.WordDecoder).DecodeHeader(strings.ReplaceAll(enc, "\r\n", ""))
		if err != nil || got != s {
			t.Fatalf("%q encodes to %q, decodes to %q (%v)", s, enc, got, err)
		}
	})
}
