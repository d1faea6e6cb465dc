package conf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/cupgo/cup/errs"
)

// MarshalJSON encodes the tree as one JSON object with the keys in file
// order: the structure CUP's get_dict builds, with the includes of a root
// first, under "$include" as {path: tree} (includes that failed under
// IgnoreIncludeErrors are left out). This is what "cup conf json" prints.
func (s *Section) MarshalJSON() ([]byte, error) {
	return s.appendJSON(make([]byte, 0, 1024)), nil
}

func (s *Section) appendJSON(b []byte) []byte {
	b = append(b, '{')
	first := true
	sep := func() {
		if !first {
			b = append(b, ',')
		}
		first = false
	}
	if len(s.includes) > 0 {
		// One member per path: a file included twice would otherwise give
		// the object a duplicate name. The first inclusion is shown (as
		// CUP shows the first include of all).
		var inc []Include
		seen := make(map[string]bool, len(s.includes))
		for _, in := range s.includes {
			if in.Conf != nil && !seen[in.Path] {
				seen[in.Path] = true
				inc = append(inc, in)
			}
		}
		if len(inc) > 0 {
			sep()
			b = append(b, `"$include":{`...)
			for i, in := range inc {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, in.Path)
				b = append(b, ':')
				b = in.Conf.appendJSON(b)
			}
			b = append(b, '}')
		}
	}
	for _, e := range s.entries {
		sep()
		b = appendJSONString(b, e.Key)
		b = append(b, ':')
		switch e.Kind {
		case KindString:
			b = appendJSONString(b, e.Value)
		case KindList:
			b = append(b, '[')
			for i, v := range e.List {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, v)
			}
			b = append(b, ']')
		case KindSection:
			b = orEmpty(e.Section).appendJSON(b)
		case KindSectionList:
			b = append(b, '[')
			for i, sub := range e.Sections {
				if i > 0 {
					b = append(b, ',')
				}
				b = orEmpty(sub).appendJSON(b)
			}
			b = append(b, ']')
		default:
			b = append(b, "null"...)
		}
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string, keeping non-ASCII text as
// UTF-8 (invalid bytes become U+FFFD) and not escaping HTML characters.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += n
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += n
			start = i
			continue
		}
		i += n
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// UnmarshalJSON builds the tree from a JSON object, keeping the key order
// of the input (the inverse of MarshalJSON; "cup conf fmt" uses it).
// Strings become strings, arrays of objects arrays of sections, other
// arrays string arrays, objects sections; numbers keep their JSON text and
// booleans become "True"/"False" as CUP writes them; null is
// ErrUnrepresentable. A root key "$include" holding an object becomes
// include directives. Keys are not validated here; the writer does that.
// Any content s had is replaced.
func (s *Section) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return errs.New(ErrUnrepresentable, "conf: JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errs.New(ErrUnrepresentable, "conf: JSON: the top level must be an object, not %v", tok)
	}
	ns, err := decodeJSONObject(dec, "", true, 0)
	if err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errs.New(ErrUnrepresentable, "conf: JSON: data after the top-level object")
	}
	*s = *ns
	return nil
}

func jsonErr(path string, format string, args ...any) error {
	if path == "" {
		path = "(root)"
	}
	return errs.New(ErrUnrepresentable, "conf: JSON key %s: %s", path, fmt.Sprintf(format, args...))
}

// decodeJSONObject reads the members of an object whose "{" was read.
func decodeJSONObject(dec *json.Decoder, path string, root bool, depth int) (*Section, error) {
	if depth > MaxDepth {
		return nil, jsonErr(path, "nested deeper than %d levels", MaxDepth)
	}
	s := &Section{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errs.New(ErrUnrepresentable, "conf: JSON: %w", err)
		}
		key := tok.(string)
		p := joinPath(path, key)
		tok, err = dec.Token()
		if err != nil {
			return nil, errs.New(ErrUnrepresentable, "conf: JSON: %w", err)
		}
		if root && key == "$include" {
			if d, ok := tok.(json.Delim); ok && d == '{' {
				for dec.More() {
					t, err := dec.Token()
					if err != nil {
						return nil, errs.New(ErrUnrepresentable, "conf: JSON: %w", err)
					}
					ip := t.(string)
					t, err = dec.Token()
					if err != nil {
						return nil, errs.New(ErrUnrepresentable, "conf: JSON: %w", err)
					}
					if d, ok := t.(json.Delim); !ok || d != '{' {
						return nil, jsonErr(p, "include %q is not an object", ip)
					}
					c, err := decodeJSONObject(dec, p+"."+ip, true, depth+1)
					if err != nil {
						return nil, err
					}
					s.includes = append(s.includes, Include{Path: ip, Conf: c})
				}
				if _, err := dec.Token(); err != nil {
					return nil, errs.New(ErrUnrepresentable, "conf: JSON: %w", err)
				}
				continue
			}
		}
		e, err := decodeJSONValue(dec, tok, key, p, depth)
		if err != nil {
			return nil, err
		}
		s.put(e)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, errs.New(ErrUnrepresentable, "conf: JSON: %w", err)
	}
	return s, nil
}

func jsonScalar(tok json.Token) (string, bool) {
	switch v := tok.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		if v {
			return "True", true
		}
		return "False", true
	}
	return "", false
}

func decodeJSONValue(dec *json.Decoder, tok json.Token, key, path string, depth int) (*Entry, error) {
	if str, ok := jsonScalar(tok); ok {
		return &Entry{Key: key, Kind: KindString, Value: str}, nil
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil, jsonErr(path, "null cannot be written")
	}
	if d == '{' {
		sub, err := decodeJSONObject(dec, path, false, depth+1)
		if err != nil {
			return nil, err
		}
		return &Entry{Key: key, Kind: KindSection, Section: sub}, nil
	}
	// an array: of objects (sections) or of scalars (strings)
	e := &Entry{Key: key, Kind: KindList}
	for i := 0; dec.More(); i++ {
		t, err := dec.Token()
		if err != nil {
			return nil, errs.New(ErrUnrepresentable, "conf: JSON: %w", err)
		}
		ep := fmt.Sprintf("%s[%d]", path, i)
		if d, ok := t.(json.Delim); ok && d == '{' {
			if i == 0 {
				e.Kind, e.List = KindSectionList, nil
			}
			if e.Kind != KindSectionList {
				return nil, jsonErr(ep, "an object in a string array")
			}
			sub, err := decodeJSONObject(dec, ep, false, depth+1)
			if err != nil {
				return nil, err
			}
			e.Sections = append(e.Sections, sub)
			continue
		}
		str, ok := jsonScalar(t)
		if !ok {
			return nil, jsonErr(ep, "only strings, numbers and booleans can be array elements")
		}
		if e.Kind != KindList {
			return nil, jsonErr(ep, "a scalar in an array of sections")
		}
		e.List = append(e.List, str)
	}
	if _, err := dec.Token(); err != nil {
		return nil, errs.New(ErrUnrepresentable, "conf: JSON: %w", err)
	}
	return e, nil
}
