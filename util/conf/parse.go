package conf

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"unicode"
	"unicode/utf8"

	"github.com/cupgo/cup/errs"
)

// Limits that keep the parser's memory and recursion bounded on hostile
// input.
const (
	// DefaultMaxLineLength is the longest line accepted unless
	// MaxLineLength says otherwise (CUP has no limit; 16 MiB is far beyond
	// any real configuration line).
	DefaultMaxLineLength = 16 << 20
	// MaxDepth is the deepest section nesting accepted.
	MaxDepth = 256
	// MaxIncludeDepth is the deepest chain of $include directives.
	MaxIncludeDepth = 32
	// MaxIncludes is the most files one Parse or ParseFile call includes
	// in total, so that files including each other several times cannot
	// multiply the work exponentially.
	MaxIncludes = 1000
)

// Option changes how Parse and ParseFile read a file.
type Option func(*parseOptions)

type parseOptions struct {
	sep        string
	keepInline bool
	ignoreInc  bool
	report     func(Include, error)
	incCWD     bool
	strict     bool
	fsys       fs.FS
	name       string
	maxLine    int
	included   int // files included so far by this call
}

// WithSeparator sets the key/value separator (default ":"; CUP's
// separator argument). Any non-empty string works; "" makes Parse return
// ErrInvalidSeparator.
func WithSeparator(sep string) Option {
	return func(o *parseOptions) { o.sep = sep }
}

// KeepInlineComments keeps "# ..." in unquoted values instead of cutting
// the value at the first "#" (CUP remove_comments=False).
func KeepInlineComments() Option { return func(o *parseOptions) { o.keepInline = true } }

// IgnoreIncludeErrors makes a failing $include non-fatal (CUP
// ignore_error=True): report, if not nil, is called with the directive
// and the error, the include is recorded with a nil Conf, and parsing
// goes on. Errors in the file itself are still returned.
func IgnoreIncludeErrors(report func(Include, error)) Option {
	return func(o *parseOptions) { o.ignoreInc, o.report = true, report }
}

// IncludeRelativeToCWD resolves relative $include paths against the
// working directory (or the root of WithFS), as CUP 3.2.7 did. By default
// they are relative to the directory of the including file.
func IncludeRelativeToCWD() Option { return func(o *parseOptions) { o.incCWD = true } }

// Strict makes a scalar key or plain section defined twice in one
// section an ErrDuplicate error instead of "last one wins" (CUP).
func Strict() Option { return func(o *parseOptions) { o.strict = true } }

// WithFS reads the main file (for ParseFile) and every included file
// through fsys. Paths are slash-separated and relative to fsys's root; a
// leading "/" of an absolute include path is dropped.
func WithFS(fsys fs.FS) Option { return func(o *parseOptions) { o.fsys = fsys } }

// WithName sets the file name Parse uses in errors and as the base of
// relative includes (default: none, and includes relative to the working
// directory).
func WithName(name string) Option { return func(o *parseOptions) { o.name = name } }

// MaxLineLength sets the longest line accepted, in bytes (default
// DefaultMaxLineLength); a longer line is an ErrLineFormat error. n <= 0
// means the default.
func MaxLineLength(n int) Option { return func(o *parseOptions) { o.maxLine = n } }

func buildOptions(opts []Option) (*parseOptions, error) {
	o := &parseOptions{sep: ":"}
	for _, opt := range opts {
		opt(o)
	}
	if o.sep == "" {
		return nil, errs.New(ErrInvalidSeparator, "conf: the separator must not be empty")
	}
	if o.maxLine <= 0 {
		o.maxLine = DefaultMaxLineLength
	}
	return o, nil
}

// Parse reads a file in CUP's configuration format from r and returns its
// root section (CUP Configure2Dict(...).get_dict()). Every malformed line
// gives an *errs.ParseError with the line number; on error no tree is
// returned. Relative includes are resolved against the directory of
// WithName's name, or the working directory.
func Parse(r io.Reader, opts ...Option) (*Section, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	p := &parser{opts: o, name: o.name}
	if o.name != "" {
		p.dir = dirOf(o, o.name)
		if key, err := fileKey(o, o.name); err == nil {
			p.stack = []string{key}
		}
	} else {
		p.dir = "."
	}
	return p.run(r)
}

// ParseFile reads and parses the file at path (through WithFS's fsys if
// given). A missing file gives an error matching fs.ErrNotExist; a
// directory one matching errs.ErrInvalidArgument.
func ParseFile(path string, opts ...Option) (*Section, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	return parseFile(o, path, nil)
}

func parseFile(o *parseOptions, name string, stack []string) (*Section, error) {
	key, err := fileKey(o, name)
	if err != nil {
		return nil, errs.New(errs.ErrIO, "%w", err)
	}
	f, err := openFile(o, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p := &parser{opts: o, name: name, dir: dirOf(o, name), stack: append(stack[:len(stack):len(stack)], key)}
	return p.run(f)
}

func openFile(o *parseOptions, name string) (fs.File, error) {
	var (
		f   fs.File
		err error
	)
	if o.fsys != nil {
		f, err = o.fsys.Open(fsPath(name))
	} else {
		f, err = os.Open(name)
	}
	if err != nil {
		return nil, errs.New(errs.ErrIO, "%w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, errs.New(errs.ErrIO, "%w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, errs.New(errs.ErrInvalidArgument, "conf: %s: not a regular file", name)
	}
	return f, nil
}

func fsPath(name string) string {
	for len(name) > 0 && name[0] == '/' {
		name = name[1:]
	}
	if name == "" {
		return "."
	}
	return path.Clean(name)
}

func dirOf(o *parseOptions, name string) string {
	if o.fsys != nil {
		return path.Dir(fsPath(name))
	}
	return filepath.Dir(name)
}

// fileKey identifies a file for cycle detection.
func fileKey(o *parseOptions, name string) (string, error) {
	if o.fsys != nil {
		return fsPath(name), nil
	}
	return filepath.Abs(name)
}

type parser struct {
	opts    *parseOptions
	name    string
	dir     string
	stack   []string // files being parsed, outermost first (cycle detection)
	root    *Section
	open    []*Section // open[0] is the root, open[d] the open section at depth d
	pending []string   // comment and blank lines not yet attached
	lineNo  int
	text    []byte  // the current stripped line
	slab    []Entry // entries are allocated in blocks
	long    []byte  // buffer for lines longer than the reader's buffer
}

func (p *parser) run(r io.Reader) (*Section, error) {
	p.root = &Section{file: p.name}
	p.open = append(make([]*Section, 0, 8), p.root)
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 4096 {
		br = bufio.NewReaderSize(r, 32<<10)
	}
	for {
		line, err := p.readLine(br)
		if len(line) > p.opts.maxLine {
			return nil, p.tooLong(p.lineNo + 1)
		}
		if len(line) > 0 || err == nil {
			p.lineNo++
			if p.lineNo == 1 {
				line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
			}
			if perr := p.handle(line); perr != nil {
				return nil, perr
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(p.pending) > 0 {
		p.root.Trailer = p.pending
	}
	return p.root, nil
}

// readLine returns the next line without its LF. At the end of input it
// returns the last (unterminated, possibly empty) line with io.EOF.
func (p *parser) readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == nil {
		return line[:len(line)-1], nil
	}
	if err != bufio.ErrBufferFull {
		if err == io.EOF {
			return line, io.EOF
		}
		return nil, &errs.ParseError{File: p.name, Line: p.lineNo + 1, Err: err}
	}
	p.long = append(p.long[:0], line...)
	for {
		if len(p.long) > p.opts.maxLine {
			return nil, p.tooLong(p.lineNo + 1)
		}
		line, err = br.ReadSlice('\n')
		p.long = append(p.long, line...)
		switch err {
		case nil:
			return p.long[:len(p.long)-1], nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			return p.long, io.EOF
		default:
			return nil, &errs.ParseError{File: p.name, Line: p.lineNo + 1, Err: err}
		}
	}
}

func (p *parser) tooLong(line int) error {
	return &errs.ParseError{File: p.name, Line: line,
		Msg: fmt.Sprintf("line longer than %d bytes", p.opts.maxLine),
		Err: &causeError{kind: ErrLineFormat, cause: bufio.ErrTooLong}}
}

// fail builds the error for the current line.
func (p *parser) fail(kind error, format string, args ...any) error {
	return &errs.ParseError{File: p.name, Line: p.lineNo, Text: clipText(string(p.text)), Msg: fmt.Sprintf(format, args...), Err: kind}
}

func (p *parser) handle(raw []byte) error {
	line := trimSpace(raw)
	p.text = line
	if len(line) == 0 {
		p.pending = append(p.pending, "")
		return nil
	}
	switch line[0] {
	case '#':
		p.pending = append(p.pending, string(line))
		return nil
	case '[':
		return p.header(line)
	case '$':
		if bytes.HasPrefix(line, []byte("$include")) {
			rest := line[len("$include"):]
			if len(rest) == 0 {
				return p.fail(ErrLineFormat, "$include without a path")
			}
			if r, _ := utf8.DecodeRune(rest); isSpace(r) {
				return p.include(trimSpace(rest))
			}
		}
	}
	return p.keyValue(line)
}

func (p *parser) keyValue(line []byte) error {
	sep := p.opts.sep
	var i int
	if len(sep) == 1 {
		i = bytes.IndexByte(line, sep[0])
	} else {
		i = bytes.Index(line, []byte(sep))
	}
	if i < 0 {
		return p.fail(ErrLineFormat, "no separator %q", sep)
	}
	rawKey := trimSpace(line[:i])
	val := trimBlanks(line[i+len(sep):])
	if err := p.checkKey(rawKey); err != nil {
		return err
	}
	isList := rawKey[0] == '@'
	if isList {
		rawKey = rawKey[1:]
	}
	// One string for the line; key and value are slices of it (the
	// subslices share line's array, so cap differences give offsets).
	ls := string(line)
	at := func(sub []byte) string {
		o := cap(line) - cap(sub)
		return ls[o : o+len(sub)]
	}
	var value string
	if len(val) > 0 && val[0] == '"' {
		if val[len(val)-1] != '"' {
			return p.fail(ErrValueFormat, "quoted value does not end with a double quote")
		}
		if bytes.IndexByte(val, '\\') >= 0 {
			value = unescape(val)
		} else {
			value = at(val)
		}
	} else {
		if !p.opts.keepInline {
			if j := bytes.IndexByte(val, '#'); j >= 0 {
				val = trimSpace(val[:j])
			}
		}
		value = at(val)
	}
	cur := p.open[len(p.open)-1]
	key := at(rawKey)
	e := cur.lookup(key)
	if !isList {
		switch {
		case e == nil:
			e = p.newEntry()
			*e = Entry{Key: key, Kind: KindString, Value: value, Comments: p.take(), Line: p.lineNo}
			cur.add(e)
		case e.Kind != KindString:
			return p.fail(ErrTypeClash, "key %q is a %s (line %d), not a string", key, e.Kind, e.Line)
		case p.opts.strict:
			return p.fail(ErrDuplicate, "key %q already defined at line %d", key, e.Line)
		default:
			e.Value = value
			p.pending = p.pending[:0]
		}
		return nil
	}
	switch {
	case e == nil:
		cur.add(&Entry{Key: key, Kind: KindList, List: []string{value}, Comments: p.take(), Line: p.lineNo})
	case e.Kind != KindList:
		return p.fail(ErrTypeClash, "key %q is a %s (line %d), not a string array", key, e.Kind, e.Line)
	default:
		e.List = append(e.List, value)
		if c := p.take(); c != nil {
			setItemComments(e, len(e.List)-1, c)
		}
	}
	return nil
}

// newEntry returns a zero Entry from the current block.
func (p *parser) newEntry() *Entry {
	if len(p.slab) == 0 {
		p.slab = make([]Entry, 64)
	}
	e := &p.slab[0]
	p.slab = p.slab[1:]
	return e
}

// take returns the pending comment lines (nil if none) and clears them.
func (p *parser) take() []string {
	if len(p.pending) == 0 {
		return nil
	}
	c := p.pending
	p.pending = nil
	return c
}

func setItemComments(e *Entry, i int, c []string) {
	for len(e.ItemComments) <= i {
		e.ItemComments = append(e.ItemComments, nil)
	}
	e.ItemComments[i] = c
}

func (p *parser) header(line []byte) error {
	h := line
	if j := bytes.IndexByte(h[1:], '#'); j >= 0 {
		h = trimSpace(h[:j+1])
	}
	if len(h) < 2 || h[len(h)-1] != ']' {
		return p.fail(ErrLineFormat, "section header %q does not end with \"]\"", h)
	}
	inner := h[1 : len(h)-1]
	d := 0
	for d < len(inner) && inner[d] == '.' {
		d++
	}
	name := inner[d:]
	parts := 1
	for start := 0; ; {
		j := bytes.IndexByte(name[start:], '.')
		end := len(name)
		if j >= 0 {
			end = start + j
		}
		if err := p.checkKey(name[start:end]); err != nil {
			return err
		}
		if j < 0 {
			break
		}
		parts++
		start = end + 1
	}
	if d+1 > MaxDepth || parts > MaxDepth {
		return p.fail(ErrLevel, "sections nested deeper than %d levels", MaxDepth)
	}
	if string(name) == "GLOBAL" {
		p.open = p.open[:1]
		return nil
	}
	if parts > 1 {
		return p.dotted(name)
	}
	cur := len(p.open) - 1
	if d > cur {
		return p.fail(ErrLevel, "header [%s] opens level %d but the open section is at level %d", inner, d+1, cur)
	}
	parent := p.open[d]
	sub := &Section{file: p.name, line: p.lineNo}
	if name[0] == '@' {
		key := string(name[1:])
		e := parent.lookup(key)
		attach := d+1 == cur // CUP attaches comments only at the same depth
		switch {
		case e == nil:
			e = &Entry{Key: key, Kind: KindSectionList, Sections: []*Section{sub}, Line: p.lineNo}
			if attach {
				e.Comments = p.take()
			}
			parent.add(e)
		case e.Kind != KindSectionList:
			return p.fail(ErrTypeClash, "key %q is a %s (line %d), not an array of sections", key, e.Kind, e.Line)
		default:
			e.Sections = append(e.Sections, sub)
			if attach {
				if c := p.take(); c != nil {
					setItemComments(e, len(e.Sections)-1, c)
				}
			}
		}
	} else {
		key := string(name)
		e := parent.lookup(key)
		switch {
		case e == nil:
			parent.add(&Entry{Key: key, Kind: KindSection, Section: sub, Comments: p.take(), Line: p.lineNo})
		case e.Kind != KindSection:
			return p.fail(ErrTypeClash, "key %q is a %s (line %d), not a section", key, e.Kind, e.Line)
		case p.opts.strict:
			return p.fail(ErrDuplicate, "section %q already defined at line %d", key, e.Line)
		default:
			e.Section = sub // CUP: a repeated plain header replaces the section
			p.pending = p.pending[:0]
		}
	}
	p.open = append(p.open[:d+1], sub)
	return nil
}

// dotted handles [a.b.c]: an absolute path from the root whose existing
// sections are reused.
func (p *parser) dotted(name []byte) error {
	p.open = p.open[:1]
	cur := p.root
	for len(name) > 0 {
		part := name
		if j := bytes.IndexByte(name, '.'); j >= 0 {
			part, name = name[:j], name[j+1:]
		} else {
			name = nil
		}
		if part[0] == '@' {
			key := string(part[1:])
			sub := &Section{file: p.name, line: p.lineNo}
			e := cur.lookup(key)
			switch {
			case e == nil:
				cur.add(&Entry{Key: key, Kind: KindSectionList, Sections: []*Section{sub}, Comments: p.take(), Line: p.lineNo})
			case e.Kind != KindSectionList:
				return p.fail(ErrTypeClash, "key %q is a %s (line %d), not an array of sections", key, e.Kind, e.Line)
			default:
				e.Sections = append(e.Sections, sub)
				if c := p.take(); c != nil {
					setItemComments(e, len(e.Sections)-1, c)
				}
			}
			cur = sub
		} else {
			key := string(part)
			e := cur.lookup(key)
			switch {
			case e == nil:
				sub := &Section{file: p.name, line: p.lineNo}
				cur.add(&Entry{Key: key, Kind: KindSection, Section: sub, Comments: p.take(), Line: p.lineNo})
				cur = sub
			case e.Kind == KindSection:
				cur = e.Section
			case e.Kind == KindSectionList && len(e.Sections) > 0:
				cur = e.Sections[len(e.Sections)-1]
			default:
				return p.fail(ErrTypeClash, "key %q is a %s (line %d), not a section", key, e.Kind, e.Line)
			}
		}
		p.open = append(p.open, cur)
	}
	return nil
}

func (p *parser) include(rest []byte) error {
	var incPath string
	if len(rest) >= 2 && rest[0] == '"' && rest[len(rest)-1] == '"' {
		incPath = string(rest[1 : len(rest)-1])
	} else {
		fields := bytes.FieldsFunc(rest, isSpace)
		if len(fields) > 0 {
			incPath = string(bytes.Trim(fields[len(fields)-1], `"`))
		}
	}
	if incPath == "" {
		return p.fail(ErrLineFormat, "$include without a path")
	}
	inc := Include{Path: incPath, Line: p.lineNo}
	conf, err := p.parseInclude(incPath)
	if err != nil {
		if !p.opts.ignoreInc {
			return err
		}
		if p.opts.report != nil {
			p.opts.report(inc, err)
		}
	}
	inc.Conf = conf
	p.root.includes = append(p.root.includes, inc)
	return nil
}

func (p *parser) parseInclude(incPath string) (*Section, error) {
	target := incPath
	if p.opts.fsys != nil {
		if !path.IsAbs(target) && !p.opts.incCWD {
			target = path.Join(p.dir, target)
		}
	} else if !filepath.IsAbs(target) && !p.opts.incCWD {
		target = filepath.Join(p.dir, target)
	}
	wrap := func(cause error) error {
		return &errs.ParseError{File: p.name, Line: p.lineNo, Text: clipText(string(p.text)),
			Err: &causeError{kind: ErrInclude, cause: cause}}
	}
	if len(p.stack) >= MaxIncludeDepth {
		return nil, wrap(fmt.Errorf("includes nested deeper than %d files", MaxIncludeDepth))
	}
	if p.opts.included >= MaxIncludes {
		return nil, wrap(fmt.Errorf("more than %d included files", MaxIncludes))
	}
	p.opts.included++
	key, err := fileKey(p.opts, target)
	if err != nil {
		return nil, wrap(err)
	}
	for _, k := range p.stack {
		if k == key {
			return nil, wrap(fmt.Errorf("%w: %s is already being parsed", ErrIncludeCycle, target))
		}
	}
	conf, err := parseFile(p.opts, target, p.stack)
	if err != nil {
		return nil, wrap(err)
	}
	return conf, nil
}

// checkKey validates a key or a header part (CUP _check_key_valid).
func (p *parser) checkKey(key []byte) error {
	if len(key) == 0 || (len(key) == 1 && key[0] == '@') {
		return p.fail(ErrKeyFormat, "empty key %q", key)
	}
	k := key
	if k[0] == '@' {
		k = k[1:]
	}
	if !validKey(k) {
		return p.fail(ErrKeyFormat, "key %q has a character other than letters, digits and \"_-.$\"", k)
	}
	return nil
}

// checkKeyString validates a key given through the API. Array keys
// ("@x") are not accepted: the kind says it is an array.
func checkKeyString(key string) error {
	if key == "" || !validKey([]byte(key)) {
		return errs.New(ErrKeyFormat, "conf: invalid key %q", key)
	}
	return nil
}

var keyChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "_-.$" {
		t[c] = true
	}
	return
}()

func validKey(k []byte) bool {
	for i := 0; i < len(k); {
		c := k[i]
		if c < utf8.RuneSelf {
			if !keyChar[c] {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(k[i:])
		if r == utf8.RuneError && n == 1 || !(unicode.IsLetter(r) || unicode.IsNumber(r)) {
			return false
		}
		i += n
	}
	return true
}

// isSpace is Python's str.isspace: Unicode white space plus the ASCII
// separators U+001C..U+001F.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiSpace[r]
	}
	return unicode.IsSpace(r)
}

var asciiSpace = [128]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true,
	0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true}

// trimSpace strips Python's white space from both ends (str.strip()).
func trimSpace(b []byte) []byte {
	for len(b) > 0 {
		c := b[0]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if !unicode.IsSpace(r) {
			break
		}
		b = b[n:]
	}
	for len(b) > 0 {
		c := b[len(b)-1]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			b = b[:len(b)-1]
			continue
		}
		r, n := utf8.DecodeLastRune(b)
		if !unicode.IsSpace(r) {
			break
		}
		b = b[:len(b)-n]
	}
	return b
}

// trimBlanks strips spaces and TABs from both ends (value.strip(' \t')).
func trimBlanks(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// unescape applies CUP's escapes to a quoted value (quotes included).
func unescape(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v)
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(v) {
			break // unreachable: the value ends with a quote
		}
		switch v[i] {
		case '0':
			out = append(out, 0)
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, '\v')
		case 'a':
			out = append(out, '\a')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'd':
			out = append(out, '\\', 'd')
		case '\'', '"', '\\':
			out = append(out, v[i])
		default:
			// any other escape: both characters are dropped (a whole rune)
			if v[i] >= utf8.RuneSelf {
				_, n := utf8.DecodeRune(v[i:])
				i += n - 1
			}
		}
	}
	return string(out)
}
