package conf

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ from the current output")

// indentJSON renders a tree the way CUP's fixtures were dumped
// (json.dumps(indent=1)) and "cup conf json" prints it.
func indentJSON(t testing.TB, s *Section) []byte {
	t.Helper()
	raw, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", " "); err != nil {
		t.Fatalf("MarshalJSON produced invalid JSON: %v\n%s", err, raw)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

// TestFixtures parses every CUP fixture and compares the tree, as
// indented JSON with keys in file order, with the structure CUP built for
// it (testdata/expected). A fixture CUP rejects must be rejected.
func TestFixtures(t *testing.T) {
	golden, err := filepath.Glob("testdata/expected/*.json")
	if err != nil || len(golden) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, g := range golden {
		name := strings.TrimSuffix(filepath.Base(g), ".json")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(g)
			if err != nil {
				t.Fatal(err)
			}
			s, perr := ParseFile(filepath.Join("testdata", name))
			if bytes.Contains(want, []byte(`"$error"`)) {
				if perr == nil {
					t.Fatalf("CUP rejects %s (%s) but Parse accepted it", name, bytes.TrimSpace(want))
				}
				var pe *errs.ParseError
				if !errors.As(perr, &pe) || pe.Line == 0 || pe.File == "" {
					t.Fatalf("error %v has no file and line", perr)
				}
				if !errors.Is(perr, ErrInclude) || !errors.Is(perr, fs.ErrNotExist) {
					t.Fatalf("error %v: want ErrInclude wrapping fs.ErrNotExist", perr)
				}
				return
			}
			if perr != nil {
				t.Fatal(perr)
			}
			got := indentJSON(t, s)
			if *update {
				if err := os.WriteFile(g, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: JSON differs from CUP's\n--- got\n%s\n--- want\n%s", name, got, want)
			}
		})
	}
}
