package conf

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cupgo/cup/errs"
)

func mustParse(t *testing.T, in string, opts ...Option) *Section {
	t.Helper()
	s, err := Parse(strings.NewReader(in), opts...)
	if err != nil {
		t.Fatalf("Parse(%q): %v", in, err)
	}
	return s
}

func mustEntry(t *testing.T, s *Section, path ...string) *Entry {
	t.Helper()
	e, ok := s.Lookup(path...)
	if !ok {
		t.Fatalf("no entry %v", path)
	}
	return e
}

// TestComments is conf.md §9 and checklist item 12: blank and comment
// lines attach to the next thing defined, with CUP's exceptions.
func TestComments(t *testing.T) {
	s := mustParse(t, "# c1\n\nk: 1\n\n\n@arr: a\n\n@arr: b\n")
	if c := mustEntry(t, s, "k").Comments; !reflect.DeepEqual(c, []string{"# c1", ""}) {
		t.Errorf("k comments %q", c)
	}
	arr := mustEntry(t, s, "arr")
	if !reflect.DeepEqual(arr.Comments, []string{"", ""}) || len(arr.ItemComments) != 2 ||
		arr.ItemComments[0] != nil || !reflect.DeepEqual(arr.ItemComments[1], []string{""}) {
		t.Errorf("arr comments %q items %q", arr.Comments, arr.ItemComments)
	}
	// [@x] one level deeper: the blank line goes to the first key inside
	s = mustParse(t, "[a]\n\n[.@x]\nk: 1\n")
	if x := mustEntry(t, s, "a", "x"); x.Comments != nil {
		t.Errorf("deeper [@x] took comments %q", x.Comments)
	}
	if c := mustEntry(t, s, "a", "x", "k").Comments; !reflect.DeepEqual(c, []string{""}) {
		t.Errorf("k comments %q", c)
	}
	// [@x] back at a shallower level: carried forward too
	s = mustParse(t, "[a]\n[.b]\n[..c]\n\n[.@x]\nk: 1\n")
	if c := mustEntry(t, s, "a", "x", "k").Comments; !reflect.DeepEqual(c, []string{""}) {
		t.Errorf("shallower: k comments %q", c)
	}
	// [@x] at the same depth: element 1 takes it
	s = mustParse(t, "[a]\n[.@x]\nk: 1\n\n[.@x]\nk: 2\n")
	x := mustEntry(t, s, "a", "x")
	if len(x.ItemComments) != 2 || !reflect.DeepEqual(x.ItemComments[1], []string{""}) {
		t.Errorf("same depth: item comments %q", x.ItemComments)
	}
	// dotted header: the first thing created takes them; [GLOBAL] never
	s = mustParse(t, "[a]\nk: 1\n\n# about b\n[a.b]\n\n[GLOBAL]\ng: 1\n")
	if c := mustEntry(t, s, "a", "b").Comments; !reflect.DeepEqual(c, []string{"", "# about b"}) {
		t.Errorf("dotted: %q", c)
	}
	if c := mustEntry(t, s, "g").Comments; !reflect.DeepEqual(c, []string{""}) {
		t.Errorf("after GLOBAL: %q", c)
	}
	// comments before an existing key are dropped (first definition wins);
	// trailing lines land in Trailer
	s = mustParse(t, "k: 1\n# again\nk: 2\n\n# end\n")
	if c := mustEntry(t, s, "k").Comments; c != nil {
		t.Errorf("redefined k comments %q", c)
	}
	if !reflect.DeepEqual(s.Trailer, []string{"", "# end"}) {
		t.Errorf("Trailer %q", s.Trailer)
	}
}

// TestLineNumbers is checklist item 3: lines count blank and comment
// lines, CRLF lines, and errors in included files name that file.
func TestLineNumbers(t *testing.T) {
	_, err := Parse(strings.NewReader("# c\r\n\r\nk: v\r\n[s]\r\n  bad line\r\n"), WithName("x.conf"))
	var pe *errs.ParseError
	if !errors.As(err, &pe) || pe.Line != 5 || pe.File != "x.conf" || pe.Text != "bad line" {
		t.Fatalf("got %#v", err)
	}
	if !strings.Contains(err.Error(), "x.conf:5: ") {
		t.Errorf("message %q lacks x.conf:5", err)
	}
	dir := t.TempDir()
	write(t, dir, "sub/bad.conf", "ok: 1\n\n[s\n")
	write(t, dir, "a.conf", "main: 1\n\n$include \"sub/bad.conf\"\n")
	_, err = ParseFile(filepath.Join(dir, "a.conf"))
	if !errors.As(err, &pe) || pe.Line != 3 || pe.File != filepath.Join(dir, "a.conf") || !errors.Is(err, ErrInclude) {
		t.Fatalf("outer: %v", err)
	}
	var inner *errs.ParseError
	if !errors.As(pe.Err, &inner) || inner.Line != 3 || inner.File != filepath.Join(dir, "sub", "bad.conf") || !errors.Is(err, ErrLineFormat) {
		t.Fatalf("inner: %v", pe.Err)
	}
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIncludes is checklist item 11.
func TestIncludes(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "sub/b.conf", "[inc]\nk: v\n")
	write(t, dir, "sub/c.conf", "[other]\nq: 1\n")
	write(t, dir, "sub/bad.conf", "bad line\n")
	write(t, dir, "sub/eq.conf", "e = 1\n")
	write(t, dir, "a b.conf", "spaced: yes\n")
	a := write(t, dir, "a.conf", "$include \"sub/b.conf\"\n$include \"sub/c.conf\"\nmain: 1\n[s]\nx: 2\n")

	s, err := ParseFile(a)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"$include":{"sub/b.conf":{"inc":{"k":"v"}},"sub/c.conf":{"other":{"q":"1"}}},"main":"1","s":{"x":"2"}}`
	if got := treeJSON(t, s); got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	inc := s.Includes()
	if len(inc) != 2 || inc[0].Line != 1 || inc[1].Line != 2 {
		t.Fatalf("includes %+v", inc)
	}

	// The same file included twice is recorded twice, but the JSON object
	// names it once (the first inclusion): no duplicate member names.
	twice := write(t, dir, "twice.conf", "$include \"sub/b.conf\"\nmain: 1\n$include \"sub/b.conf\"\n")
	s2, err := ParseFile(twice)
	if err != nil {
		t.Fatal(err)
	}
	if len(s2.Includes()) != 2 {
		t.Fatalf("includes %+v", s2.Includes())
	}
	if got, want := treeJSON(t, s2), `{"$include":{"sub/b.conf":{"inc":{"k":"v"}}},"main":"1"}`; got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}

	// relative to the working directory, as CUP 3.2.7
	t.Chdir(dir)
	if _, err := ParseFile("a.conf", IncludeRelativeToCWD()); err != nil {
		t.Fatal(err)
	}
	nested := write(t, dir, "sub/nested.conf", "$include \"sub/b.conf\"\n")
	if _, err := ParseFile(nested, IncludeRelativeToCWD()); err != nil {
		t.Fatalf("cwd-relative: %v", err)
	}
	if _, err := ParseFile(nested); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("file-relative should look for sub/sub/b.conf: %v", err)
	}

	// missing file: ErrInclude wrapping fs.ErrNotExist, or reported
	m := write(t, dir, "m.conf", "main: 1\n$include \"sub/missing.conf\"\n$include \"sub/b.conf\"\n")
	_, err = ParseFile(m)
	var pe *errs.ParseError
	if !errors.Is(err, ErrInclude) || !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Line != 2 {
		t.Fatalf("missing include: %v", err)
	}
	var reports []string
	s, err = ParseFile(m, IgnoreIncludeErrors(func(in Include, err error) { reports = append(reports, in.Path) }))
	if err != nil || !reflect.DeepEqual(reports, []string{"sub/missing.conf"}) {
		t.Fatalf("ignored: %v %q", err, reports)
	}
	if inc := s.Includes(); len(inc) != 2 || inc[0].Conf != nil || inc[1].Conf == nil {
		t.Fatalf("ignored includes %+v", inc)
	}
	// a syntax error in an included file, ignored; nil report is allowed
	bad := write(t, dir, "bad.conf", "$include \"sub/bad.conf\"\nmain: 1\n")
	if _, err := ParseFile(bad); !errors.Is(err, ErrLineFormat) || !errors.Is(err, ErrInclude) {
		t.Fatalf("bad include: %v", err)
	}
	if s, err := ParseFile(bad, IgnoreIncludeErrors(nil)); err != nil || treeJSON(t, s) != `{"main":"1"}` {
		t.Fatalf("ignored bad include: %v", err)
	}
	// errors in the main file are not ignored
	if _, err := Parse(strings.NewReader("oops\n"), IgnoreIncludeErrors(nil)); !errors.Is(err, ErrLineFormat) {
		t.Fatalf("main error ignored: %v", err)
	}

	// cycles, direct and indirect
	self := write(t, dir, "self.conf", "$include \"self.conf\"\n")
	if _, err := ParseFile(self); !errors.Is(err, ErrIncludeCycle) || !errors.Is(err, ErrInclude) {
		t.Fatalf("self include: %v", err)
	}
	write(t, dir, "p.conf", "$include \"q.conf\"\n")
	q := write(t, dir, "q.conf", "k: 1\n$include \"p.conf\"\n")
	if _, err := ParseFile(q); !errors.Is(err, ErrIncludeCycle) {
		t.Fatalf("indirect cycle: %v", err)
	}
	// a diamond (the same file included twice, not nested) is fine
	dia := write(t, dir, "dia.conf", "$include \"sub/b.conf\"\n$include \"sub/b.conf\"\n")
	if s, err := ParseFile(dia); err != nil || len(s.Includes()) != 2 {
		t.Fatalf("diamond: %v", err)
	}

	// separator inherited; "$include_path" is a key; quoted path with a
	// space; unquoted path; absolute path with IgnoreIncludeErrors
	eq := write(t, dir, "eq.conf", "$include sub/eq.conf\nf = 2\n")
	if s, err := ParseFile(eq, WithSeparator("=")); err != nil || treeJSON(t, s) != `{"$include":{"sub/eq.conf":{"e":"1"}},"f":"2"}` {
		t.Fatalf("separator: %v", err)
	}
	if s := mustParse(t, "$include_path: /nonexistent\n"); treeJSON(t, s) != `{"$include_path":"/nonexistent"}` {
		t.Fatal("$include_path")
	}
	sp := write(t, dir, "sp.conf", "$include \"a b.conf\"\n")
	if s, err := ParseFile(sp); err != nil || treeJSON(t, s) != `{"$include":{"a b.conf":{"spaced":"yes"}}}` {
		t.Fatalf("space in path: %v", err)
	}
	abs := write(t, dir, "abs.conf", "$include \""+filepath.Join(dir, "sub", "b.conf")+"\"\n")
	if s, err := ParseFile(abs, IgnoreIncludeErrors(nil)); err != nil || s.Includes()[0].Conf == nil {
		t.Fatalf("absolute path: %v", err)
	}
	if _, err := Parse(strings.NewReader("$include\n")); !errors.Is(err, ErrLineFormat) {
		t.Fatalf("bare $include: %v", err)
	}
	if _, err := Parse(strings.NewReader("$include \"\"\n")); !errors.Is(err, ErrLineFormat) {
		t.Fatalf("empty path: %v", err)
	}
	// the directive's position does not matter: it goes to the root
	in := write(t, dir, "in.conf", "[s]\n$include \"sub/b.conf\"\nx: 1\n")
	if s, err := ParseFile(in); err != nil || treeJSON(t, s) != `{"$include":{"sub/b.conf":{"inc":{"k":"v"}}},"s":{"x":"1"}}` {
		t.Fatalf("include inside a section: %v", err)
	}
}

// TestIncludeDepth: a long include chain stops at MaxIncludeDepth.
func TestIncludeDepth(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := 0; i < MaxIncludeDepth+5; i++ {
		fsys[filepathName(i)] = &fstest.MapFile{Data: []byte("$include \"" + filepathName(i+1) + "\"\n")}
	}
	_, err := ParseFile(filepathName(0), WithFS(fsys), IncludeRelativeToCWD())
	if !errors.Is(err, ErrInclude) || !strings.Contains(err.Error(), "deeper than") {
		t.Fatalf("got %v", err)
	}
}

func filepathName(i int) string {
	return "d/" + strings.Repeat("x", i%3+1) + "/" + string(rune('a'+i%26)) + itoa(i) + ".conf"
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// TestWithFS reads a file and its includes through an fs.FS.
func TestWithFS(t *testing.T) {
	fsys := fstest.MapFS{
		"etc/main.conf":  {Data: []byte("$include \"inc/x.conf\"\n$include \"/top.conf\"\nk: v\n")},
		"etc/inc/x.conf": {Data: []byte("x: 1\n")},
		"top.conf":       {Data: []byte("t: 1\n")},
	}
	s, err := ParseFile("etc/main.conf", WithFS(fsys))
	if err != nil {
		t.Fatal(err)
	}
	if got := treeJSON(t, s); got != `{"$include":{"inc/x.conf":{"x":"1"},"/top.conf":{"t":"1"}},"k":"v"}` {
		t.Fatal(got)
	}
	if _, err := ParseFile("nope.conf", WithFS(fsys)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
	if _, err := ParseFile("etc", WithFS(fsys)); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("directory: %v", err)
	}
}

// TestParseFileErrors: missing path and directory.
func TestParseFileErrors(t *testing.T) {
	if _, err := ParseFile(filepath.Join(t.TempDir(), "none.conf")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
	if _, err := ParseFile(t.TempDir()); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("directory: %v", err)
	}
}

// TestLexical covers BOM, CRLF, tabs, Unicode white space, long lines,
// separators and the line-length limit.
func TestLexical(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		opts     []Option
		want     string
	}{
		{"BOM", "\ufeffk: v\n", nil, `{"k":"v"}`},
		{"CRLF and no final newline", "k: v\r\n[s]\r\nj: w", nil, `{"k":"v","s":{"j":"w"}}`},
		{"tabs", "\t[s]\t\n\tk\t:\tv\t\n", nil, `{"s":{"k":"v"}}`},
		{"unicode spaces", "\u00a0k: v\u3000\n\u2003", nil, `{"k":"v"}`},
		{"ascii separators stripped", "\x1ck: v\x1f\n", nil, `{"k":"v"}`},
		{"value keeps inner VT", "k: a\vb\n", nil, "{\"k\":\"a\\u000bb\"}"},
		{"multi-char separator", "k => v => w\n", []Option{WithSeparator("=>")}, `{"k":"v => w"}`},
		{"invalid UTF-8 value passes", "k: a\xffb\n", nil, `{"k":"a\ufffdb"}`},
		{"# kept with KeepInlineComments", "u: http://x/#frag\n", []Option{KeepInlineComments()}, `{"u":"http://x/#frag"}`},
		{"# cut by default", "u: http://x/#frag\n", nil, `{"u":"http://x/"}`},
		{"bare CR inside line", "k: a\rb\n", nil, "{\"k\":\"a\\rb\"}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := treeJSON(t, mustParse(t, tc.in, tc.opts...)); got != tc.want {
				t.Fatalf("got %s want %s", got, tc.want)
			}
		})
	}
	// a 1 MiB line (far beyond bufio.Scanner's 64 KiB default)
	long := strings.Repeat("x", 1<<20)
	s := mustParse(t, "a: 1\nk: "+long+"\nb: 2\n")
	if v, _ := s.Get("k"); v != long {
		t.Fatalf("long value has %d bytes", len(v))
	}
	_, err := Parse(strings.NewReader("a: 1\nk: "+long+"\n"), MaxLineLength(1000))
	var pe *errs.ParseError
	if !errors.Is(err, ErrLineFormat) || !errors.As(err, &pe) || pe.Line != 2 {
		t.Fatalf("line limit: %v", err)
	}
	_, err = Parse(strings.NewReader("a: 1\nb: 2\nk: "+strings.Repeat("y", 2000)), MaxLineLength(1000))
	if !errors.Is(err, ErrLineFormat) || !errors.As(err, &pe) || pe.Line != 3 {
		t.Fatalf("short line over the limit: %v", err)
	}
	if _, err := Parse(strings.NewReader("k: v\n"), WithSeparator("")); !errors.Is(err, ErrInvalidSeparator) || !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("empty separator: %v", err)
	}
}

// TestDepthLimit: nesting is capped (bounded recursion in writers).
func TestDepthLimit(t *testing.T) {
	var b strings.Builder
	for i := 0; i < MaxDepth+1; i++ {
		b.WriteString("[" + strings.Repeat(".", i) + "s]\n")
	}
	_, err := Parse(strings.NewReader(b.String()))
	var pe *errs.ParseError
	if !errors.Is(err, ErrLevel) || !errors.As(err, &pe) || pe.Line != MaxDepth+1 {
		t.Fatalf("got %v", err)
	}
	dotted := "[" + strings.Repeat("a.", MaxDepth) + "a]\n"
	if _, err := Parse(strings.NewReader(dotted)); !errors.Is(err, ErrLevel) {
		t.Fatalf("dotted: %v", err)
	}
}

// TestStrictAndClashes: more duplicate and kind-clash cases than the
// table (dotted re-opening, dotted paths through strings).
func TestStrictAndClashes(t *testing.T) {
	for _, tc := range []struct {
		in     string
		strict bool
		want   error
		line   int
	}{
		{"[a.b]\nk: 1\n[a.b]\nk: 2\n", true, ErrDuplicate, 4},
		{"[a.b]\nk: 1\n[a.b]\nj: 2\n", true, nil, 0},
		{"[a]\n[.b]\n[.b]\n", true, ErrDuplicate, 3},
		{"@x: 1\n[x.y]\n", false, ErrTypeClash, 2},
		{"x: 1\n[x]\n", false, ErrTypeClash, 2},
		{"[x]\n[@x]\n", false, ErrTypeClash, 2},
		{"[@x]\n[x]\n", false, ErrTypeClash, 2},
		{"[a.@b]\n[GLOBAL]\n[a.b.c]\nk: 1\n", false, nil, 0},
		{"[a]\nb: 1\n[a.@b]\n", false, ErrTypeClash, 3},
	} {
		var opts []Option
		if tc.strict {
			opts = append(opts, Strict())
		}
		_, err := Parse(strings.NewReader(tc.in), opts...)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%q: %v", tc.in, err)
			}
			continue
		}
		var pe *errs.ParseError
		if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Line != tc.line {
			t.Errorf("%q: got %v, want %v at line %d", tc.in, err, tc.want, tc.line)
		}
	}
}

// TestSectionAPI is checklist item 20.
func TestSectionAPI(t *testing.T) {
	s := mustParse(t, "a: 1\nb: 2\n[srv]\n[@item]\nk: 1\n[@item]\nk: 2\n[.deep]\nz: 9\n")
	if err := s.Set("a", "10"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("c", "3"); err != nil {
		t.Fatal(err)
	}
	if got := s.Keys(); !reflect.DeepEqual(got, []string{"a", "b", "srv", "item", "c"}) {
		t.Fatalf("keys %q", got)
	}
	if v, ok := s.Get("a"); !ok || v != "10" {
		t.Fatal("Set did not replace")
	}
	if err := s.SetList("a", "x"); !errors.Is(err, ErrTypeClash) {
		t.Fatalf("kind change: %v", err)
	}
	if err := s.Set("bad key", "x"); !errors.Is(err, ErrKeyFormat) {
		t.Fatalf("bad key: %v", err)
	}
	if err := s.Set("@x", "x"); !errors.Is(err, ErrKeyFormat) {
		t.Fatalf("@ key: %v", err)
	}
	if e, ok := s.Lookup("item", "deep", "z"); !ok || e.Value != "9" {
		t.Fatal("Lookup through the last array element")
	}
	if _, ok := s.Lookup("a", "x"); ok {
		t.Fatal("Lookup through a string")
	}
	if l, ok := s.GetSections("item"); !ok || len(l) != 2 {
		t.Fatal("GetSections")
	}
	if _, ok := s.GetSection("srv"); !ok {
		t.Fatal("GetSection")
	}
	if _, ok := s.GetList("a"); ok {
		t.Fatal("GetList of a string")
	}
	sub, err := s.AppendSection("item")
	if err != nil || sub == nil {
		t.Fatal(err)
	}
	if l, _ := s.GetSections("item"); len(l) != 3 {
		t.Fatal("AppendSection")
	}
	if !s.Delete("b") || s.Delete("b") || s.Len() != 4 {
		t.Fatal("Delete")
	}
	if _, ok := s.Entry("b"); ok {
		t.Fatal("deleted entry still there")
	}
	// the index path (sections past indexThreshold keys)
	big := &Section{}
	for i := 0; i < 50; i++ {
		big.Set("k"+itoa(i), itoa(i))
	}
	big.Delete("k10")
	if v, ok := big.Get("k49"); !ok || v != "49" || big.Len() != 49 {
		t.Fatal("index after delete")
	}
	if _, ok := big.Get("k10"); ok {
		t.Fatal("deleted key found through the index")
	}
	var zero Section
	if zero.Len() != 0 || zero.Set("k", "v") != nil {
		t.Fatal("zero Section not usable")
	}
}

// TestParseRepeatable is checklist item 13: the first tree is not changed
// by a second parse.
func TestParseRepeatable(t *testing.T) {
	in := "@a: 1\n[s]\nk: v\n[@x]\nk: 1\n"
	first := mustParse(t, in)
	before := treeJSON(t, first)
	second := mustParse(t, in)
	if treeJSON(t, first) != before || !reflect.DeepEqual(first, second) {
		t.Fatal("parses differ")
	}
}

// TestIncludeBomb: files that include each other twice per level would
// mean 2^30 parses; the total is capped at MaxIncludes.
func TestIncludeBomb(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := 0; i < 30; i++ {
		next := "f" + itoa(i+1) + ".conf"
		fsys["f"+itoa(i)+".conf"] = &fstest.MapFile{Data: []byte("$include " + next + "\n$include " + next + "\n")}
	}
	fsys["f30.conf"] = &fstest.MapFile{Data: []byte("k: v\n")}
	_, err := ParseFile("f0.conf", WithFS(fsys))
	if !errors.Is(err, ErrInclude) || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("got %v", err)
	}
	n := 0
	_, err = ParseFile("f0.conf", WithFS(fsys), IgnoreIncludeErrors(func(Include, error) { n++ }))
	if err != nil || n == 0 {
		t.Fatalf("ignored: %v, %d reports", err, n)
	}
}

// TestArraysReopened pins what the port does where CUP 3.2.7 misplaces
// array-of-sections elements without failing (found by the differential
// test against CUP, interop_cup_test.go): a [@x] header always appends to
// the array x of its parent (spec §5.2), after [GLOBAL] and after another
// array's deeper sections alike. CUP's trees are given for comparison.
func TestArraysReopened(t *testing.T) {
	for _, c := range []struct{ in, want, cup string }{
		{
			in:   "[@s]\nk: 1\n[GLOBAL]\n[@s]\nk: 2\n",
			want: `{"s":[{"k":"1"},{"k":"2"}]}`,
			cup:  `{"s": [{"k": "2"}]}`,
		},
		{
			in:   "[@s]\nk: 1\n[GLOBAL]\ng: 1\n[@s]\nk: 2\n",
			want: `{"s":[{"k":"1"},{"k":"2"}],"g":"1"}`,
			cup:  `{"s": [{"k": "2"}], "g": "1"}`,
		},
		{
			in:   "[@s]\nk: 1\n[@t]\n[.x]\n[@s]\nk: 2\n",
			want: `{"s":[{"k":"1"},{"k":"2"}],"t":[{"x":{}}]}`,
			cup:  `{"s": [{"k": "1"}], "t": [{"x": {}}, {"k": "2"}]}`,
		},
		{
			in:   "[a]\n[.@s]\nk: 1\n[.@t]\n[..x]\n[.@s]\nk: 2\n",
			want: `{"a":{"s":[{"k":"1"},{"k":"2"}],"t":[{"x":{}}]}}`,
			cup:  `{"a": {"s": [{"k": "1"}], "t": [{"x": {}}, {"k": "2"}]}}`,
		},
		{ // without the deeper section CUP gets it right too
			in:   "[@s]\nk: 1\n[@t]\nj: 1\n[@s]\nk: 2\n",
			want: `{"s":[{"k":"1"},{"k":"2"}],"t":[{"j":"1"}]}`,
			cup:  `{"s": [{"k": "1"}, {"k": "2"}], "t": [{"j": "1"}]}`,
		},
	} {
		s := mustParse(t, c.in)
		got, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.want {
			t.Errorf("Parse(%q) = %s, want %s (CUP 3.2.7: %s)", c.in, got, c.want, c.cup)
		}
	}
}
