package conf

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/cupgo/cup/errs"
)

// Kind says what an Entry holds.
type Kind uint8

// The four kinds of entries, one per construct of the format.
const (
	KindString      Kind = iota + 1 // key: value
	KindList                        // @key: value lines (a string array)
	KindSection                     // [key]
	KindSectionList                 // [@key] headers (an array of sections)
)

// String returns the kind's name as used in error messages.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindList:
		return "string array"
	case KindSection:
		return "section"
	case KindSectionList:
		return "array of sections"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Entry is one key of a Section. Exactly one of Value, List, Section and
// Sections is meaningful, as Kind says.
type Entry struct {
	Key      string
	Kind     Kind
	Value    string     // KindString: raw text exactly as CUP returns it (quotes kept)
	List     []string   // KindList
	Section  *Section   // KindSection
	Sections []*Section // KindSectionList
	// Comments are the lines above the key's first definition: "" for a
	// blank line, "# ..." for a comment line (leading blanks removed).
	Comments []string
	// ItemComments holds, for KindList and KindSectionList, the lines
	// above element i. It may be shorter than the array (missing elements
	// have none); element 0's lines are in Comments.
	ItemComments [][]string
	// Line is the 1-based line of the first definition; 0 if built in code.
	Line int
}

// Section is an ordered map of entries: a parsed file (the root) or a
// [section] of it. Keys keep the order of their first definition. The
// zero value is an empty, usable section. A Section is not safe for
// concurrent mutation; concurrent reads are fine.
type Section struct {
	entries  []*Entry
	index    map[string]int // built once the section grows past indexThreshold
	includes []Include
	// Trailer holds the comment and blank lines after the last entry of
	// a file (root only); CUP dropped them. They are written only with
	// WriteComments.
	Trailer []string

	file string // the file the section was parsed from, for Decode errors
	line int    // the line of its header, for Decode errors
}

// Include is one $include directive of a parsed file.
type Include struct {
	Path string   // as written in the directive
	Conf *Section // parsed content; nil if it failed and errors were ignored
	Line int      // the directive's line
}

// indexThreshold is the size above which a section keeps a map index;
// below it a linear scan is faster.
const indexThreshold = 8

func (s *Section) pos(key string) int {
	if s.index != nil {
		if i, ok := s.index[key]; ok {
			return i
		}
		return -1
	}
	for i, e := range s.entries {
		if e.Key == key {
			return i
		}
	}
	return -1
}

func (s *Section) lookup(key string) *Entry {
	if i := s.pos(key); i >= 0 {
		return s.entries[i]
	}
	return nil
}

// add appends e without checking for an existing key.
func (s *Section) add(e *Entry) {
	s.entries = append(s.entries, e)
	if s.index != nil {
		s.index[e.Key] = len(s.entries) - 1
	} else if len(s.entries) > indexThreshold {
		s.index = make(map[string]int, 4*len(s.entries))
		for i, e := range s.entries {
			s.index[e.Key] = i
		}
	}
}

// put stores e, replacing an entry with the same key in place.
func (s *Section) put(e *Entry) {
	if i := s.pos(e.Key); i >= 0 {
		s.entries[i] = e
		return
	}
	s.add(e)
}

// Len returns the number of keys.
func (s *Section) Len() int { return len(s.entries) }

// Keys returns the keys in first-definition order.
func (s *Section) Keys() []string {
	keys := make([]string, len(s.entries))
	for i, e := range s.entries {
		keys[i] = e.Key
	}
	return keys
}

// Entries returns the entries in first-definition order. The slice is a
// copy; the entries are shared with the section.
func (s *Section) Entries() []*Entry { return append([]*Entry(nil), s.entries...) }

// Entry returns the entry of key (CUP get_ex).
func (s *Section) Entry(key string) (*Entry, bool) {
	e := s.lookup(key)
	return e, e != nil
}

// Get returns the string value of key, exactly as written (a quoted value
// keeps its quotes). It reports false if key is absent or not a string.
func (s *Section) Get(key string) (string, bool) {
	if e := s.lookup(key); e != nil && e.Kind == KindString {
		return e.Value, true
	}
	return "", false
}

// GetList returns the string array of key (@key lines).
func (s *Section) GetList(key string) ([]string, bool) {
	if e := s.lookup(key); e != nil && e.Kind == KindList {
		return e.List, true
	}
	return nil, false
}

// GetSection returns the section of key ([key]).
func (s *Section) GetSection(key string) (*Section, bool) {
	if e := s.lookup(key); e != nil && e.Kind == KindSection {
		return e.Section, true
	}
	return nil, false
}

// GetSections returns the array of sections of key ([@key] headers).
func (s *Section) GetSections(key string) ([]*Section, bool) {
	if e := s.lookup(key); e != nil && e.Kind == KindSectionList {
		return e.Sections, true
	}
	return nil, false
}

// Lookup walks path from s: every element but the last must name a
// section or an array of sections (entered at its last element, as the
// parser does); the last names the entry returned, of any kind.
func (s *Section) Lookup(path ...string) (*Entry, bool) {
	if len(path) == 0 {
		return nil, false
	}
	cur := s
	for i, key := range path {
		e := cur.lookup(key)
		if e == nil {
			return nil, false
		}
		if i == len(path)-1 {
			return e, true
		}
		switch e.Kind {
		case KindSection:
			cur = e.Section
		case KindSectionList:
			if len(e.Sections) == 0 {
				return nil, false
			}
			cur = e.Sections[len(e.Sections)-1]
		default:
			return nil, false
		}
		if cur == nil {
			return nil, false
		}
	}
	return nil, false
}

// Includes returns the $include directives of a parsed file (root only),
// all of them in file order.
func (s *Section) Includes() []Include { return append([]Include(nil), s.includes...) }

// AddInclude records an $include directive to be written by the writer
// (and listed by Includes and ToMap). conf may be nil.
func (s *Section) AddInclude(path string, conf *Section) {
	s.includes = append(s.includes, Include{Path: path, Conf: conf})
}

func (s *Section) setEntry(key string, kind Kind, fill func(*Entry)) error {
	if err := checkKeyString(key); err != nil {
		return err
	}
	if e := s.lookup(key); e != nil {
		if e.Kind != kind {
			return errs.New(ErrTypeClash, "key %q is a %s, not a %s", key, e.Kind, kind)
		}
		fill(e)
		return nil
	}
	e := &Entry{Key: key, Kind: kind}
	fill(e)
	s.add(e)
	return nil
}

// Set sets the string value of key. A new key is appended at the end, an
// existing key keeps its position and comments. It fails with
// ErrKeyFormat for an invalid key and ErrTypeClash if key holds another
// kind. The value is stored raw: to write a value with "#" or outer
// blanks, quote it ("\"...\"").
func (s *Section) Set(key, value string) error {
	return s.setEntry(key, KindString, func(e *Entry) { e.Value = value })
}

// SetList sets the string array of key, like Set.
func (s *Section) SetList(key string, values ...string) error {
	return s.setEntry(key, KindList, func(e *Entry) {
		e.List = append([]string(nil), values...)
		e.ItemComments = nil
	})
}

// SetSection sets the section of key, like Set. A nil sub means a new
// empty section.
func (s *Section) SetSection(key string, sub *Section) error {
	if sub == nil {
		sub = &Section{}
	}
	return s.setEntry(key, KindSection, func(e *Entry) { e.Section = sub })
}

// AppendSection appends a new empty section to the array of sections of
// key, creating the array if absent, and returns it.
func (s *Section) AppendSection(key string) (*Section, error) {
	sub := &Section{}
	err := s.setEntry(key, KindSectionList, func(e *Entry) { e.Sections = append(e.Sections, sub) })
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// Delete removes key, with its comments, and reports whether it existed.
func (s *Section) Delete(key string) bool {
	i := s.pos(key)
	if i < 0 {
		return false
	}
	s.entries = append(s.entries[:i], s.entries[i+1:]...)
	if s.index != nil {
		delete(s.index, key)
		for j := i; j < len(s.entries); j++ {
			s.index[s.entries[j].Key] = j
		}
	}
	return true
}

// ToMap returns the tree as plain Go values, the shape CUP's get_dict
// gives: string, []string, map[string]any and []map[string]any; the
// includes of a root are under "$include" as map[string]any{path: map}
// (includes that failed under IgnoreIncludeErrors are left out, as CUP
// does). Maps lose the key order; use Keys or MarshalJSON to keep it.
func (s *Section) ToMap() map[string]any {
	m := make(map[string]any, len(s.entries)+1)
	if inc := s.includeMap(); inc != nil {
		m["$include"] = inc
	}
	for _, e := range s.entries {
		switch e.Kind {
		case KindString:
			m[e.Key] = e.Value
		case KindList:
			m[e.Key] = append([]string{}, e.List...)
		case KindSection:
			m[e.Key] = orEmpty(e.Section).ToMap()
		case KindSectionList:
			l := make([]map[string]any, len(e.Sections))
			for i, sub := range e.Sections {
				l[i] = orEmpty(sub).ToMap()
			}
			m[e.Key] = l
		}
	}
	return m
}

func (s *Section) includeMap() map[string]any {
	var inc map[string]any
	for _, in := range s.includes {
		if in.Conf == nil {
			continue
		}
		if inc == nil {
			inc = map[string]any{}
		}
		inc[in.Path] = in.Conf.ToMap()
	}
	return inc
}

var emptySection = &Section{}

func orEmpty(s *Section) *Section {
	if s == nil {
		return emptySection
	}
	return s
}

// FromMap builds a section from plain Go values (CUP Dict2Configure given
// a dict): the shapes ToMap returns, plus []any, bool ("True"/"False",
// as CUP writes them), integers and floats (shortest strconv form). A
// root key "$include" holding a map becomes include directives. Map keys
// are visited in sorted order. nil and other types give
// ErrUnrepresentable naming the key path. Keys are not validated here;
// the writer does that.
func FromMap(m map[string]any) (*Section, error) {
	return fromMap(m, "", true)
}

func fromMap(m map[string]any, path string, root bool) (*Section, error) {
	s := &Section{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := joinPath(path, k)
		v := m[k]
		if root && k == "$include" {
			if inc, ok := v.(map[string]any); ok {
				paths := make([]string, 0, len(inc))
				for ip := range inc {
					paths = append(paths, ip)
				}
				sort.Strings(paths)
				for _, ip := range paths {
					sub, ok := inc[ip].(map[string]any)
					if !ok {
						return nil, errs.New(ErrUnrepresentable, "key %s: include %q is a %T, not a map", p, ip, inc[ip])
					}
					c, err := fromMap(sub, p+"."+ip, true)
					if err != nil {
						return nil, err
					}
					s.includes = append(s.includes, Include{Path: ip, Conf: c})
				}
				continue
			}
		}
		e, err := entryFromValue(k, v, p)
		if err != nil {
			return nil, err
		}
		s.add(e)
	}
	return s, nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func entryFromValue(key string, v any, path string) (*Entry, error) {
	if str, ok := scalarString(v); ok {
		return &Entry{Key: key, Kind: KindString, Value: str}, nil
	}
	switch x := v.(type) {
	case []string:
		return &Entry{Key: key, Kind: KindList, List: append([]string{}, x...)}, nil
	case map[string]any:
		sub, err := fromMap(x, path, false)
		if err != nil {
			return nil, err
		}
		return &Entry{Key: key, Kind: KindSection, Section: sub}, nil
	case []map[string]any:
		e := &Entry{Key: key, Kind: KindSectionList}
		for i, m := range x {
			sub, err := fromMap(m, fmt.Sprintf("%s[%d]", path, i), false)
			if err != nil {
				return nil, err
			}
			e.Sections = append(e.Sections, sub)
		}
		return e, nil
	case []any:
		return entryFromSlice(key, x, path)
	}
	return nil, errs.New(ErrUnrepresentable, "key %s: cannot convert a %T", path, v)
}

func entryFromSlice(key string, x []any, path string) (*Entry, error) {
	if len(x) > 0 {
		if _, ok := x[0].(map[string]any); ok {
			e := &Entry{Key: key, Kind: KindSectionList}
			for i, el := range x {
				m, ok := el.(map[string]any)
				if !ok {
					return nil, errs.New(ErrUnrepresentable, "key %s[%d]: a %T in an array of sections", path, i, el)
				}
				sub, err := fromMap(m, fmt.Sprintf("%s[%d]", path, i), false)
				if err != nil {
					return nil, err
				}
				e.Sections = append(e.Sections, sub)
			}
			return e, nil
		}
	}
	e := &Entry{Key: key, Kind: KindList, List: make([]string, 0, len(x))}
	for i, el := range x {
		str, ok := scalarString(el)
		if !ok {
			return nil, errs.New(ErrUnrepresentable, "key %s[%d]: a %T in a string array", path, i, el)
		}
		e.List = append(e.List, str)
	}
	return e, nil
}

// scalarString converts the scalar types FromMap accepts.
func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		if x {
			return "True", true
		}
		return "False", true
	case int:
		return strconv.FormatInt(int64(x), 10), true
	case int8:
		return strconv.FormatInt(int64(x), 10), true
	case int16:
		return strconv.FormatInt(int64(x), 10), true
	case int32:
		return strconv.FormatInt(int64(x), 10), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case uint:
		return strconv.FormatUint(uint64(x), 10), true
	case uint8:
		return strconv.FormatUint(uint64(x), 10), true
	case uint16:
		return strconv.FormatUint(uint64(x), 10), true
	case uint32:
		return strconv.FormatUint(uint64(x), 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	case float32:
		return formatFloat(float64(x), 32), true
	case float64:
		return formatFloat(x, 64), true
	}
	return "", false
}

// formatFloat gives the shortest text that reads back as f.
func formatFloat(f float64, bits int) string {
	return strconv.FormatFloat(f, 'g', -1, bits)
}
