package conf

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/cupgo/cup/errs"
)

// WriteOption changes how Marshal, Write and WriteFile write a tree.
type WriteOption func(*writeOptions)

type writeOptions struct {
	sep        string
	comments   bool
	inlineHash bool
	lossy      bool
}

// WriteSeparator sets the separator written between key and value
// (default ":"), exactly as given: " = " writes "k = v", which reads back
// with WithSeparator("=") (the separator without its blanks). "" or a
// separator with a line break makes the writer return
// ErrInvalidSeparator.
func WriteSeparator(sep string) WriteOption { return func(o *writeOptions) { o.sep = sep } }

// WriteComments also writes the "#" comment lines kept by the parser and
// the root's Trailer. Blank lines are always written (as CUP does).
func WriteComments() WriteOption { return func(o *writeOptions) { o.comments = true } }

// AllowInlineHash permits "#" in unquoted values, for files read back
// with KeepInlineComments.
func AllowInlineHash() WriteOption { return func(o *writeOptions) { o.inlineHash = true } }

// AllowLossy writes every key and value raw, without validation, as CUP's
// Dict2Configure did: the output may not read back to the same tree.
// Empty arrays are silently left out.
func AllowLossy() WriteOption { return func(o *writeOptions) { o.lossy = true } }

// Marshal returns the text of s in CUP's format (CUP Dict2Configure's
// text): 4-space indentation per level, includes first, then in each
// section its strings, its string arrays and its sections, each group in
// key order. Unless AllowLossy is given, a tree that would not read back
// equal gives an error wrapping ErrUnrepresentable or ErrKeyFormat that
// names the key path, and nothing is returned.
func Marshal(s *Section, opts ...WriteOption) ([]byte, error) {
	o := &writeOptions{sep: ":"}
	for _, opt := range opts {
		opt(o)
	}
	if o.sep == "" || !o.lossy && !writableSep(o.sep) {
		return nil, errs.New(ErrInvalidSeparator, "conf: the separator %q cannot be written", o.sep)
	}
	w := &writer{o: o, buf: make([]byte, 0, 4096)}
	if s == nil {
		s = emptySection
	}
	for _, in := range s.includes {
		if !o.lossy && (in.Path == "" || strings.ContainsAny(in.Path, "\"\r\n")) {
			return nil, errs.New(ErrUnrepresentable, "conf: include path %q cannot be written", in.Path)
		}
		w.buf = append(w.buf, `$include "`...)
		w.buf = append(w.buf, in.Path...)
		w.buf = append(w.buf, "\"\n"...)
	}
	if err := w.section(s, 0, ""); err != nil {
		return nil, err
	}
	if o.comments {
		if err := w.comments(s.Trailer, 0, "trailer"); err != nil {
			return nil, err
		}
	}
	return w.buf, nil
}

// Write writes Marshal's text to w; nothing is written if Marshal fails.
func Write(w io.Writer, s *Section, opts ...WriteOption) error {
	b, err := Marshal(s, opts...)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// WriteFile writes Marshal's text to path atomically (CUP write_conf): a
// temporary file in the same directory is written, synced and renamed
// over path, so a failure leaves the previous file intact. An existing
// file's permissions are kept; a new file gets 0644.
func WriteFile(path string, s *Section, opts ...WriteOption) error {
	b, err := Marshal(s, opts...)
	if err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		if !st.Mode().IsRegular() {
			return errs.New(errs.ErrInvalidArgument, "conf: %s: not a regular file", path)
		}
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return errs.New(errs.ErrIO, "conf: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return errs.New(errs.ErrIO, "conf: write %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		return fail(err)
	}
	if err := f.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return errs.New(errs.ErrIO, "conf: write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return errs.New(errs.ErrIO, "conf: %w", err)
	}
	return nil
}

type writer struct {
	o   *writeOptions
	buf []byte
}

const spaces = "                                                                "

func (w *writer) indent(level int) {
	n := 4 * level
	for n > len(spaces) {
		w.buf = append(w.buf, spaces...)
		n -= len(spaces)
	}
	w.buf = append(w.buf, spaces[:n]...)
}

func (w *writer) comments(c []string, level int, path string) error {
	for _, line := range c {
		if line == "" {
			w.indent(level)
			w.buf = append(w.buf, '\n')
			continue
		}
		if !w.o.comments {
			continue
		}
		if !w.o.lossy && (line[0] != '#' || strings.ContainsAny(line, "\r\n")) {
			return errs.New(ErrUnrepresentable, "conf: key %s: comment %q is not a \"#\" line", path, line)
		}
		w.indent(level)
		w.buf = append(w.buf, line...)
		w.buf = append(w.buf, '\n')
	}
	return nil
}

func itemComments(e *Entry, i int) []string {
	if i < len(e.ItemComments) {
		return e.ItemComments[i]
	}
	return nil
}

func (w *writer) section(s *Section, level int, path string) error {
	// strings, then string arrays, then sections: each group in key order
	for pass := 0; pass < 3; pass++ {
		for _, e := range s.entries {
			var err error
			switch {
			case pass == 0 && e.Kind == KindString:
				err = w.str(e, level, path)
			case pass == 1 && e.Kind == KindList:
				err = w.list(e, level, path)
			case pass == 2 && (e.Kind == KindSection || e.Kind == KindSectionList):
				err = w.sub(e, level, path)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// checkKey validates a key; lead is what precedes it on its line ("@"
// for string arrays).
func (w *writer) checkKey(lead, key, path string, section bool) error {
	if w.o.lossy {
		return nil
	}
	if key == "" || !validKey([]byte(key)) {
		return errs.New(ErrKeyFormat, "conf: key %s: only letters, digits and \"_-.$\" can be written", path)
	}
	if rs := w.readSep(); !section && strings.Index(lead+key+rs, rs) != len(lead+key) {
		return errs.New(ErrKeyFormat, "conf: key %s runs into the separator %q", path, rs)
	}
	if !section && lead == "" && key == "$include" {
		if r, _ := utf8.DecodeRuneInString(w.o.sep); isSpace(r) {
			return errs.New(ErrKeyFormat, "conf: key %s followed by %q would read back as an include directive", path, w.o.sep)
		}
	}
	if section && (key == "GLOBAL" || strings.Contains(key, ".")) {
		return errs.New(ErrUnrepresentable, "conf: section %s: a section named GLOBAL or with a \".\" would read back differently", path)
	}
	return nil
}

// writableSep reports whether sep can separate keys from values in a
// file that reads back: no line break, and no white space other than
// spaces and TABs at its ends (the parser would strip it from values).
func writableSep(sep string) bool {
	if strings.ContainsAny(sep, "\r\n") {
		return false
	}
	f, _ := utf8.DecodeRuneInString(sep)
	l, _ := utf8.DecodeLastRuneInString(sep)
	for _, r := range []rune{f, l} {
		if r != ' ' && r != '\t' && isSpace(r) {
			return false
		}
	}
	return true
}

// readSep is the separator a reader uses for the output: the written
// one without its outer spaces and TABs (the parser strips keys and
// values).
func (w *writer) readSep() string {
	if rs := strings.Trim(w.o.sep, " \t"); rs != "" {
		return rs
	}
	return w.o.sep
}

func (w *writer) value(v, path string) error {
	if w.o.lossy {
		w.buf = append(w.buf, v...)
		return nil
	}
	if v == "" && strings.Trim(w.o.sep, " \t") == "" {
		return errs.New(ErrUnrepresentable, "conf: key %s: an empty value after the blank separator %q would not read back", path, w.o.sep)
	}
	if v == `"` || len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		for i := 0; i < len(v); i++ {
			switch c := v[i]; c {
			case '\\':
				w.buf = append(w.buf, '\\', '\\')
			case '\n':
				w.buf = append(w.buf, '\\', 'n')
			case '\r':
				w.buf = append(w.buf, '\\', 'r')
			case 0:
				w.buf = append(w.buf, '\\', '0')
			default:
				w.buf = append(w.buf, c)
			}
		}
		return nil
	}
	switch {
	case len(v) > 0 && v[0] == '"':
		return errs.New(ErrUnrepresentable, "conf: key %s: value %q starts with a double quote but does not end with one", path, clipText(v))
	case strings.ContainsAny(v, "\r\n"):
		return errs.New(ErrUnrepresentable, "conf: key %s: value %q has a line break (quote it to write it)", path, clipText(v))
	case !w.o.inlineHash && strings.IndexByte(v, '#') >= 0:
		return errs.New(ErrUnrepresentable, "conf: key %s: value %q has a \"#\" (quote it, or use AllowInlineHash)", path, clipText(v))
	case hasOuterSpace(v):
		return errs.New(ErrUnrepresentable, "conf: key %s: value %q has leading or trailing blanks (quote it to write it)", path, clipText(v))
	}
	w.buf = append(w.buf, v...)
	return nil
}

// hasOuterSpace reports blanks the parser would strip: spaces and TABs
// at the start (value stripping), any white space at the end (line
// stripping).
func hasOuterSpace(v string) bool {
	if v == "" {
		return false
	}
	l, _ := utf8.DecodeLastRuneInString(v)
	return v[0] == ' ' || v[0] == '\t' || isSpace(l)
}

func (w *writer) str(e *Entry, level int, path string) error {
	p := joinPath(path, e.Key)
	if err := w.checkKey("", e.Key, p, false); err != nil {
		return err
	}
	if err := w.comments(e.Comments, level, p); err != nil {
		return err
	}
	w.indent(level)
	w.buf = append(w.buf, e.Key...)
	w.buf = append(w.buf, w.o.sep...)
	if err := w.value(e.Value, p); err != nil {
		return err
	}
	w.buf = append(w.buf, '\n')
	return nil
}

func (w *writer) list(e *Entry, level int, path string) error {
	p := joinPath(path, e.Key)
	if err := w.checkKey("@", e.Key, p, false); err != nil {
		return err
	}
	if len(e.List) == 0 {
		if w.o.lossy {
			return nil
		}
		return errs.New(ErrUnrepresentable, "conf: key %s: an empty string array cannot be written", p)
	}
	if err := w.comments(e.Comments, level, p); err != nil {
		return err
	}
	for i, v := range e.List {
		if err := w.comments(itemComments(e, i), level, p); err != nil {
			return err
		}
		w.indent(level)
		w.buf = append(w.buf, '@')
		w.buf = append(w.buf, e.Key...)
		w.buf = append(w.buf, w.o.sep...)
		if err := w.value(v, p); err != nil {
			return err
		}
		w.buf = append(w.buf, '\n')
	}
	return nil
}

func (w *writer) header(level int, array bool, key string) {
	w.indent(level)
	w.buf = append(w.buf, '[')
	for i := 0; i < level; i++ {
		w.buf = append(w.buf, '.')
	}
	if array {
		w.buf = append(w.buf, '@')
	}
	w.buf = append(w.buf, key...)
	w.buf = append(w.buf, "]\n"...)
}

func (w *writer) sub(e *Entry, level int, path string) error {
	p := joinPath(path, e.Key)
	if err := w.checkKey("", e.Key, p, true); err != nil {
		return err
	}
	if level+1 > MaxDepth && !w.o.lossy {
		return errs.New(ErrUnrepresentable, "conf: section %s: nested deeper than %d levels", p, MaxDepth)
	}
	if e.Kind == KindSection {
		if err := w.comments(e.Comments, level, p); err != nil {
			return err
		}
		w.header(level, false, e.Key)
		return w.section(orEmpty(e.Section), level+1, p)
	}
	if len(e.Sections) == 0 {
		if w.o.lossy {
			return nil
		}
		return errs.New(ErrUnrepresentable, "conf: key %s: an empty array of sections cannot be written", p)
	}
	if err := w.comments(e.Comments, level, p); err != nil {
		return err
	}
	for i, sub := range e.Sections {
		if err := w.comments(itemComments(e, i), level, p); err != nil {
			return err
		}
		w.header(level, true, e.Key)
		if err := w.section(orEmpty(sub), level+1, p); err != nil {
			return err
		}
	}
	return nil
}
