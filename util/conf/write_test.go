package conf

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

// golden compares got with testdata/write/name (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "write", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs\n--- got\n%q\n--- want\n%q", name, got, want)
	}
}

// TestWriteGolden checks the writer byte for byte against the text CUP
// writes for its own fixtures, in both comment modes (conf.md §19), and
// that the output is a fixed point that reads back equal.
func TestWriteGolden(t *testing.T) {
	for _, name := range []string{"conf_mock.conf", "test.list.conf", "test_normal.conf", "test.include.conf"} {
		for _, keep := range []bool{false, true} {
			var po []Option
			var wo []WriteOption
			suffix := ".golden"
			if keep {
				po, wo, suffix = []Option{KeepInlineComments()}, []WriteOption{AllowInlineHash()}, ".keep.golden"
			}
			t.Run(name+suffix, func(t *testing.T) {
				s, err := ParseFile(filepath.Join("testdata", name), po...)
				if err != nil {
					t.Fatal(err)
				}
				out, err := Marshal(s, wo...)
				if err != nil {
					t.Fatal(err)
				}
				golden(t, name+suffix, out)
				checkRoundTrip(t, s, append(po, WithName(filepath.Join("testdata", name))), wo)
			})
		}
	}
}

// TestWriteServiceExample is the golden example of conf.md §13, with the
// default and the " = " separator.
func TestWriteServiceExample(t *testing.T) {
	s, err := ParseFile("testdata/write/service.conf")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "service.conf.golden", out)
	spaced, err := Marshal(s, WriteSeparator(" = "))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.ReplaceAll(string(out), ":", " = "); string(spaced) != want {
		t.Errorf("WriteSeparator(\" = \"):\n got %q\nwant %q", spaced, want)
	}
	back, err := Parse(bytes.NewReader(spaced), WithSeparator("="))
	if err != nil || !reflect.DeepEqual(back.ToMap(), s.ToMap()) {
		t.Errorf("\" = \" output does not read back: %v", err)
	}
}

// TestWriteIncludeWrong: CUP forgets an include that failed under
// ignore_error; the port records and writes both directives, so its
// output is CUP's test.include.write plus the failed directive.
func TestWriteIncludeWrong(t *testing.T) {
	var reported []string
	s, err := ParseFile("testdata/test.include.wrong.conf", IgnoreIncludeErrors(func(in Include, err error) {
		if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrInclude) {
			t.Errorf("report %v: want ErrInclude and fs.ErrNotExist", err)
		}
		reported = append(reported, in.Path)
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(reported, []string{"./test.included.not_exist.conf"}) {
		t.Fatalf("reported %q", reported)
	}
	inc := s.Includes()
	if len(inc) != 2 || inc[0].Conf != nil || inc[0].Line != 1 || inc[1].Conf == nil || inc[1].Line != 2 {
		t.Fatalf("includes %+v", inc)
	}
	out, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	cupText, err := os.ReadFile("testdata/test.include.write")
	if err != nil {
		t.Fatal(err)
	}
	want := "$include \"./test.included.not_exist.conf\"\n" + string(cupText)
	if string(out) != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
}

// TestWriteComments checks WriteComments re-emits comment lines and the
// trailer, and that the result is again a fixed point.
func TestWriteComments(t *testing.T) {
	in := "# head\nk: 1\n\n  # about s\n[s]\n    # inner\n    @a: x\n    # second\n    @a: y\n# tail\n\n"
	s, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(s, WriteComments())
	if err != nil {
		t.Fatal(err)
	}
	want := "# head\nk:1\n\n# about s\n[s]\n    # inner\n    @a:x\n    # second\n    @a:y\n# tail\n\n"
	if string(out) != want {
		t.Fatalf("got %q\nwant %q", out, want)
	}
	plain, _ := Marshal(s)
	if want := "k:1\n\n[s]\n    @a:x\n    @a:y\n"; string(plain) != want {
		t.Fatalf("without WriteComments got %q want %q", plain, want)
	}
	back, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Marshal(back, WriteComments())
	if !bytes.Equal(again, out) {
		t.Fatalf("not a fixed point: %q", again)
	}
}

// TestWriteOrdering: arrays defined after a section (row 60, or added in
// code) are written before the sections, so they read back in place
// (conf.md §14 bug 1, checklist item 15).
func TestWriteOrdering(t *testing.T) {
	s, err := Parse(strings.NewReader("[sec]\nk: v\n[GLOBAL]\n@arr: 1\n@arr: 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetList("late", "z"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("last", "x"); err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if want := "last:x\n@arr:1\n@arr:2\n@late:z\n[sec]\n    k:v\n"; string(out) != want {
		t.Fatalf("got %q want %q", out, want)
	}
	back, err := Parse(bytes.NewReader(out))
	if err != nil || !reflect.DeepEqual(back.ToMap(), s.ToMap()) {
		t.Fatalf("does not read back: %v", err)
	}
}

// TestWriteEscapes: quoted values with backslashes, LF, CR and NUL survive
// a round trip (CUP corrupted them, §14 bug 2).
func TestWriteEscapes(t *testing.T) {
	s := &Section{}
	vals := map[string]string{
		"bs":    "\"a\\b\"",
		"nl":    "\"line1\nline2\"",
		"cr":    "\"a\rb\"",
		"nul":   "\"a\x00b\"",
		"mixed": "\"\\d+\t\\\\ \"",
		"lone":  `"`,
		"endbs": "\"abc\\\"",
	}
	for _, k := range []string{"bs", "nl", "cr", "nul", "mixed", "lone", "endbs"} {
		if err := s.Set(k, vals[k]); err != nil {
			t.Fatal(err)
		}
	}
	out, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	for k, v := range vals {
		if got, _ := back.Get(k); got != v {
			t.Errorf("%s: got %q want %q (text %q)", k, got, v, out)
		}
	}
}

// TestWriteValidation: values and keys that would not read back are
// refused, naming the key path, unless AllowLossy (checklist item 16).
func TestWriteValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(*Section)
		want  error
		lossy string
	}{
		{"newline", func(s *Section) { s.Set("k", "a\nb") }, ErrUnrepresentable, "k:a\nb\n"},
		{"leading blank", func(s *Section) { s.Set("k", " a") }, ErrUnrepresentable, "k: a\n"},
		{"trailing tab", func(s *Section) { s.Set("k", "a\t") }, ErrUnrepresentable, "k:a\t\n"},
		{"hash", func(s *Section) { s.Set("k", "a#b") }, ErrUnrepresentable, "k:a#b\n"},
		{"open quote", func(s *Section) { s.Set("k", `"abc`) }, ErrUnrepresentable, "k:\"abc\n"},
		{"space in key", func(s *Section) { s.put(&Entry{Key: "my key", Kind: KindString, Value: "v"}) }, ErrKeyFormat, "my key:v\n"},
		{"GLOBAL section", func(s *Section) { s.SetSection("GLOBAL", nil) }, ErrUnrepresentable, "[GLOBAL]\n"},
		{"dotted section", func(s *Section) { s.SetSection("a.b", nil) }, ErrUnrepresentable, "[a.b]\n"},
		{"empty list", func(s *Section) { s.SetList("l") }, ErrUnrepresentable, ""},
		{"nested bad value", func(s *Section) {
			sub, _ := s.AppendSection("srv")
			sub.Set("ok", "1")
			sub2, _ := s.AppendSection("srv")
			sub2.Set("bad", "x\ny")
		}, ErrUnrepresentable, "[@srv]\n    ok:1\n[@srv]\n    bad:x\ny\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Section{}
			tc.build(s)
			out, err := Marshal(s)
			if !errors.Is(err, tc.want) || out != nil {
				t.Fatalf("Marshal = %q, %v; want nil, %v", out, err, tc.want)
			}
			if tc.name == "nested bad value" && !strings.Contains(err.Error(), "srv.bad") {
				t.Errorf("error %q does not name the key path srv.bad", err)
			}
			var buf bytes.Buffer
			if err := Write(&buf, s); err == nil || buf.Len() != 0 {
				t.Fatalf("Write wrote %q", buf.String())
			}
			path := filepath.Join(t.TempDir(), "c.conf")
			os.WriteFile(path, []byte("old: 1\n"), 0o600)
			if err := WriteFile(path, s); err == nil {
				t.Fatal("WriteFile accepted it")
			}
			if b, _ := os.ReadFile(path); string(b) != "old: 1\n" {
				t.Fatalf("target changed to %q", b)
			}
			lossy, err := Marshal(s, AllowLossy())
			if err != nil || string(lossy) != tc.lossy {
				t.Fatalf("AllowLossy: %q, %v; want %q", lossy, err, tc.lossy)
			}
		})
	}
	for _, sep := range []string{"", "\n", "a\rb", "\v=", "=\u00a0"} {
		if _, err := Marshal(&Section{}, WriteSeparator(sep)); !errors.Is(err, ErrInvalidSeparator) {
			t.Errorf("separator %q: %v", sep, err)
		}
	}
	// keys that would read back as something else with this separator
	for _, tc := range []struct{ key, sep string }{{"$include", " = "}, {"a-b", "-"}, {"k", "k"}} {
		s := &Section{}
		s.put(&Entry{Key: tc.key, Kind: KindString, Value: "v"})
		if _, err := Marshal(s, WriteSeparator(tc.sep)); !errors.Is(err, ErrKeyFormat) {
			t.Errorf("key %q with separator %q: %v", tc.key, tc.sep, err)
		}
	}
	s := &Section{}
	s.Set("k", "")
	if _, err := Marshal(s, WriteSeparator(" ")); !errors.Is(err, ErrUnrepresentable) {
		t.Errorf("empty value after a blank separator: %v", err)
	}
	if out, err := Marshal(s, WriteSeparator(" = ")); err != nil || string(out) != "k = \n" {
		t.Errorf("empty value with \" = \": %q %v", out, err)
	}
}

// TestFromMap is checklist item 18: CUP's plain-dict example.
func TestFromMap(t *testing.T) {
	m := map[string]any{
		"b": "x", "a": 1, "c": []any{1, 2}, "d": map[string]any{"k": "v"},
		"e": []any{map[string]any{"x": 1}, map[string]any{"x": 2}}, "f": true, "h": 1.5,
	}
	s, err := FromMap(m)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if want := "a:1\nb:x\nf:True\nh:1.5\n@c:1\n@c:2\n[d]\n    k:v\n[@e]\n    x:1\n[@e]\n    x:2\n"; string(out) != want {
		t.Fatalf("got %q\nwant %q", out, want)
	}
	wantMap := map[string]any{
		"a": "1", "b": "x", "c": []string{"1", "2"}, "d": map[string]any{"k": "v"},
		"e": []map[string]any{{"x": "1"}, {"x": "2"}}, "f": "True", "h": "1.5",
	}
	if got := s.ToMap(); !reflect.DeepEqual(got, wantMap) {
		t.Fatalf("ToMap = %#v", got)
	}
	m["g"] = nil
	if _, err := FromMap(m); !errors.Is(err, ErrUnrepresentable) || !strings.Contains(err.Error(), "g") {
		t.Fatalf("nil value: %v", err)
	}
	// ToMap(FromMap(ToMap(x))) is stable, includes too
	p, err := ParseFile("testdata/test.include.conf")
	if err != nil {
		t.Fatal(err)
	}
	q, err := FromMap(p.ToMap())
	if err != nil || !reflect.DeepEqual(q.ToMap(), p.ToMap()) {
		t.Fatalf("FromMap(ToMap) differs: %v", err)
	}
}

// TestWriteFile: atomic replace that keeps the permissions (item 19).
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.conf")
	if err := os.WriteFile(path, []byte("old: 1\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	s := &Section{}
	s.Set("k", "v")
	if err := WriteFile(path, s); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "k:v\n" {
		t.Errorf("content %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	// a failing write (directory not writable as a file target) changes nothing
	if err := WriteFile(dir, s); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("WriteFile on a directory: %v", err)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x.conf"), s); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
	fresh := filepath.Join(dir, "new.conf")
	if err := WriteFile(fresh, s); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v", st.Mode().Perm())
	}
}
