package conf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzParse feeds random bytes (seeded with CUP's fixtures and the spec's
// table) to the parser. Nothing may panic or hang; whatever parses must
// either be refused by the writer with ErrUnrepresentable/ErrKeyFormat or
// round-trip: Parse(Marshal(t)) equals t, and Marshal reaches a fixed
// point after one round.
// Both comment modes are checked. Includes are read from an in-memory
// file system so the fuzzer never touches the disk.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.conf")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, r := range loadRows(f) {
		f.Add([]byte(r.Input))
	}
	f.Add([]byte("$include \"inc.conf\"\n$include missing.conf\nk: v\n"))
	f.Add([]byte("[a.@b]\nk: 1\n[a.@b]\n[..c]\nj: \"x\\\\y\\n\"\n"))
	fsys := fstest.MapFS{"inc.conf": {Data: []byte("[i]\nk: v\n")}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, keep := range []bool{false, true} {
			po := []Option{WithFS(fsys), IgnoreIncludeErrors(nil), MaxLineLength(1 << 16)}
			var wo []WriteOption
			if keep {
				po = append(po, KeepInlineComments())
				wo = append(wo, AllowInlineHash())
			}
			s, err := Parse(bytes.NewReader(data), po...)
			if err != nil {
				if s != nil {
					t.Fatal("a failed parse returned a tree")
				}
				continue
			}
			text, err := Marshal(s, wo...)
			if err != nil {
				if !errors.Is(err, ErrUnrepresentable) && !errors.Is(err, ErrKeyFormat) {
					t.Fatalf("Marshal: unexpected error %v", err)
				}
				continue
			}
			back, err := Parse(bytes.NewReader(text), po...)
			if err != nil {
				t.Fatalf("written text does not parse: %v\n%q", err, text)
			}
			if !reflect.DeepEqual(back.ToMap(), s.ToMap()) {
				t.Fatalf("round trip differs\ninput %q\ntext  %q\n got %s\nwant %s", data, text, treeJSON(t, back), treeJSON(t, s))
			}
			if !sameIncludes(back, s) {
				t.Fatalf("includes differ: %+v vs %+v", back.Includes(), s.Includes())
			}
			// Blank and comment lines above an array of sections that
			// CUP's attachment rule (conf.md §9) does not give to the
			// array move into its first element on the first round trip;
			// from then on the text is a fixed point.
			again, err := Marshal(back, wo...)
			if err != nil {
				t.Fatal(err)
			}
			third, err := Parse(bytes.NewReader(again), po...)
			if err != nil {
				t.Fatal(err)
			}
			if last, err := Marshal(third, wo...); err != nil || !bytes.Equal(last, again) {
				t.Fatalf("Marshal is not a fixed point (%v)\n%q\n%q", err, again, last)
			}
			if _, err := back.MarshalJSON(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func sameIncludes(a, b *Section) bool {
	x, y := a.Includes(), b.Includes()
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i].Path != y[i].Path || (x[i].Conf == nil) != (y[i].Conf == nil) {
			return false
		}
	}
	return true
}

// TestHugeInput: a large file of long lines and deep (but legal) nesting
// parses in bounded time and is written back.
func TestHugeInput(t *testing.T) {
	var b strings.Builder
	for i := 0; i < MaxDepth; i++ {
		b.WriteString("[" + strings.Repeat(".", i) + "s]\n")
		b.WriteString("k: " + strings.Repeat("v", 4096) + "\n")
	}
	s, err := Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(bytes.NewReader(out))
	if err != nil || !reflect.DeepEqual(back.ToMap(), s.ToMap()) {
		t.Fatalf("round trip: %v", err)
	}
}

// FuzzJSON builds trees from arbitrary JSON (the input of "cup conf
// fmt"), so the writer sees keys and values the parser never makes. The
// writer must refuse what it cannot write and write the rest so that it
// reads back equal; with AllowLossy it must not fail or panic.
func FuzzJSON(f *testing.F) {
	for _, r := range loadRows(f) {
		if r.Want != "" {
			f.Add([]byte(r.Want), ":")
		}
	}
	f.Add([]byte(`{"a.b":"1","s":{"k":"a#b","l":["x","\"q\\n\""]},"e":[{"k":"v"}],"n":1.5,"t":true}`), " = ")
	f.Add([]byte(`{"$include":"x","GLOBAL":{"k":" v"},"e":[],"m":[1,{"a":1}]}`), "=")
	f.Fuzz(func(t *testing.T, data []byte, sep string) {
		var s Section
		if err := s.UnmarshalJSON(data); err != nil {
			if !errors.Is(err, ErrUnrepresentable) {
				t.Fatalf("UnmarshalJSON: unexpected error %v", err)
			}
			return
		}
		if _, err := Marshal(&s, AllowLossy(), WriteSeparator(sep)); err != nil && !errors.Is(err, ErrInvalidSeparator) {
			t.Fatalf("AllowLossy failed: %v", err)
		}
		text, err := Marshal(&s, WriteSeparator(sep))
		if err != nil {
			if !errors.Is(err, ErrUnrepresentable) && !errors.Is(err, ErrKeyFormat) && !errors.Is(err, ErrInvalidSeparator) {
				t.Fatalf("Marshal: unexpected error %v", err)
			}
			return
		}
		readSep := strings.Trim(sep, " \t")
		if readSep == "" || len(s.Includes()) > 0 {
			return // a blank separator cannot be read back; includes need files
		}
		back, err := Parse(bytes.NewReader(text), WithSeparator(readSep), WithFS(fstest.MapFS{}))
		if err != nil {
			t.Fatalf("written text does not parse: %v\n%q", err, text)
		}
		if !reflect.DeepEqual(back.ToMap(), s.ToMap()) {
			t.Fatalf("round trip differs\ntext %q\n got %s\nwant %s", text, treeJSON(t, back), treeJSON(t, &s))
		}
	})
}
