package conf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

// specRow is one row of the spec's table of verified inputs (conf.md §12)
// with the result the port must give.
type specRow struct {
	N           int      `json:"n"`
	Case        string   `json:"case"`
	Input       string   `json:"input"`
	Options     []string `json:"options"`
	Want        string   `json:"want"`
	Error       string   `json:"error"`
	Line        int      `json:"line"`
	StrictError string   `json:"strict_error"`
	StrictLine  int      `json:"strict_line"`
}

var sentinels = map[string]error{
	"ErrLineFormat":  ErrLineFormat,
	"ErrKeyFormat":   ErrKeyFormat,
	"ErrValueFormat": ErrValueFormat,
	"ErrLevel":       ErrLevel,
	"ErrTypeClash":   ErrTypeClash,
	"ErrDuplicate":   ErrDuplicate,
}

func loadRows(t testing.TB) []specRow {
	t.Helper()
	data, err := os.ReadFile("testdata/spec_rows.json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []specRow
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

func (r specRow) parseOptions() ([]Option, []WriteOption) {
	var po []Option
	var wo []WriteOption
	for _, o := range r.Options {
		switch o {
		case "keep_inline":
			po = append(po, KeepInlineComments())
			wo = append(wo, AllowInlineHash())
		case "sep=":
			po = append(po, WithSeparator("="))
			wo = append(wo, WriteSeparator("="))
		}
	}
	return po, wo
}

func compactJSON(t testing.TB, s string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatalf("bad JSON %q: %v", s, err)
	}
	return buf.String()
}

func treeJSON(t testing.TB, s *Section) string {
	t.Helper()
	b, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkParseError asserts err is a ParseError for sentinel at line, whose
// Text is that line stripped.
func checkParseError(t *testing.T, input string, err error, sentinel error, line int) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %v at line %d, got no error", sentinel, line)
	}
	if !errors.Is(err, sentinel) || !errors.Is(err, errs.ErrParse) {
		t.Fatalf("error %v: want %v and errs.ErrParse", err, sentinel)
	}
	var pe *errs.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *errs.ParseError", err)
	}
	if pe.Line != line {
		t.Fatalf("error %v: line %d, want %d", err, pe.Line, line)
	}
	lines := strings.Split(input, "\n")
	if want := strings.TrimSpace(lines[line-1]); pe.Text != want {
		t.Fatalf("error %v: Text %q, want %q", err, pe.Text, want)
	}
}

// TestSpecRows runs every verified input of the spec (conf.md §12,
// checklist items 1, 2, 5-10) and, for the inputs that parse, the round
// trip parse -> Marshal -> parse (item 17) and repeatability (item 13).
func TestSpecRows(t *testing.T) {
	rows := loadRows(t)
	if len(rows) != 93 {
		t.Fatalf("%d rows, want 93", len(rows))
	}
	for _, r := range rows {
		t.Run(fmt.Sprintf("%02d_%s", r.N, strings.ReplaceAll(strings.ReplaceAll(r.Case, " ", "_"), "`", "")), func(t *testing.T) {
			po, wo := r.parseOptions()
			s, err := Parse(strings.NewReader(r.Input), po...)
			if r.Error != "" {
				if s != nil {
					t.Errorf("row %d: a failed parse returned a tree", r.N)
				}
				checkParseError(t, r.Input, err, sentinels[r.Error], r.Line)
				return
			}
			if err != nil {
				t.Fatalf("row %d: %v", r.N, err)
			}
			if got, want := treeJSON(t, s), compactJSON(t, r.Want); got != want {
				t.Fatalf("row %d %q:\n got %s\nwant %s", r.N, r.Input, got, want)
			}
			again, err := Parse(strings.NewReader(r.Input), po...)
			if err != nil || !reflect.DeepEqual(s, again) {
				t.Fatalf("row %d: second parse differs (%v)", r.N, err)
			}
			if r.StrictError != "" {
				_, err := Parse(strings.NewReader(r.Input), append(po, Strict())...)
				checkParseError(t, r.Input, err, sentinels[r.StrictError], r.StrictLine)
			}
			checkRoundTrip(t, s, po, wo)
		})
	}
}

// checkRoundTrip asserts Parse(Marshal(s)) has the same JSON view as s and
// that Marshal is a fixed point.
func checkRoundTrip(t *testing.T, s *Section, po []Option, wo []WriteOption) {
	t.Helper()
	text, err := Marshal(s, wo...)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	back, err := Parse(bytes.NewReader(text), po...)
	if err != nil {
		t.Fatalf("re-parse of %q: %v", text, err)
	}
	// the writer groups strings, arrays and sections, so compare as maps
	if !reflect.DeepEqual(back.ToMap(), s.ToMap()) {
		t.Fatalf("round trip through %q:\n got %s\nwant %s", text, treeJSON(t, back), treeJSON(t, s))
	}
	text2, err := Marshal(back, wo...)
	if err != nil {
		t.Fatalf("second Marshal: %v", err)
	}
	if !bytes.Equal(text, text2) {
		t.Fatalf("Marshal is not a fixed point:\n%q\n%q", text, text2)
	}
}
