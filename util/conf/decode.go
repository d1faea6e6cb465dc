package conf

import (
	"bytes"
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/cupgo/cup/errs"
)

// Unmarshal parses data (see Parse) and decodes the tree into v (see
// Decode).
func Unmarshal(data []byte, v any, opts ...Option) error {
	s, err := Parse(bytes.NewReader(data), opts...)
	if err != nil {
		return err
	}
	return s.Decode(v)
}

// Decode stores the section's values in the struct v points to. A field
// is named by its `conf:"name"` tag, or by its Go name (matched
// exactly, then case-insensitively); `conf:"-"` skips it and
// `conf:"name,required"` makes a missing key an error. Keys without a
// field are ignored, fields without a key are left alone.
//
// Field types and what they take:
//
//   - string: a string value; a quoted value ("...") loses its quotes
//   - bool: a string: 1/0, t/f, true/false, True/False, yes/no, on/off
//   - int*, uint*, float*: a string (Go syntax: 0x1f, 1_000, 1.5e3)
//   - time.Duration: a string time.ParseDuration accepts ("1m30s")
//   - encoding.TextUnmarshaler: a string
//   - []T of the above: a string array (@key lines)
//   - struct, *struct: a section; []struct, []*struct: an array of sections
//   - map[string]string: a section holding only strings
//   - *Section: the section itself
//
// A value that does not fit gives an *errs.ParseError matching ErrDecode
// whose Msg names the key path and whose File and Line point at the
// key's definition.
func (s *Section) Decode(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return errs.New(errs.ErrInvalidArgument, "conf: Decode needs a non-nil pointer to a struct, not %T", v)
	}
	return decodeStruct(s, rv.Elem(), "")
}

var (
	durationType  = reflect.TypeFor[time.Duration]()
	sectionPtr    = reflect.TypeFor[*Section]()
	textUnmarshal = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func decodeErr(s *Section, e *Entry, path, text, format string, args ...any) error {
	line := s.line
	if e != nil {
		line = e.Line
	}
	return &errs.ParseError{File: s.file, Line: line, Text: clipText(text),
		Msg: "key " + path + ": " + fmt.Sprintf(format, args...), Err: ErrDecode}
}

func decodeStruct(s *Section, rv reflect.Value, path string) error {
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		tag, hasTag := f.Tag.Lookup("conf")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fv := rv.Field(i)
		if f.Anonymous && !hasTag {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[Section]() {
				if fv.Kind() == reflect.Pointer {
					if !fv.CanSet() {
						continue
					}
					if fv.IsNil() {
						fv.Set(reflect.New(ft))
					}
					fv = fv.Elem()
				}
				if err := decodeStruct(s, fv, path); err != nil {
					return err
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		var e *Entry
		if name != "" {
			e = s.lookup(name)
		} else {
			name = f.Name
			if e = s.lookup(name); e == nil {
				for _, cand := range s.entries {
					if strings.EqualFold(cand.Key, name) {
						e = cand
						break
					}
				}
			}
		}
		p := joinPath(path, name)
		if e == nil {
			if strings.Contains(","+opts+",", ",required,") {
				return decodeErr(s, nil, p, "", "required key is missing")
			}
			continue
		}
		if err := decodeEntry(s, e, fv, p); err != nil {
			return err
		}
	}
	return nil
}

func decodeEntry(s *Section, e *Entry, fv reflect.Value, path string) error {
	ft := fv.Type()
	if ft == sectionPtr {
		if e.Kind != KindSection {
			return decodeErr(s, e, path, "", "want a section, found a %s", e.Kind)
		}
		fv.Set(reflect.ValueOf(e.Section))
		return nil
	}
	if e.Kind == KindString {
		return decodeScalar(s, e, e.Value, fv, path)
	}
	if ft.Kind() == reflect.Pointer && e.Kind == KindSection {
		if fv.IsNil() {
			fv.Set(reflect.New(ft.Elem()))
		}
		return decodeEntry(s, e, fv.Elem(), path)
	}
	switch e.Kind {
	case KindList:
		if ft.Kind() != reflect.Slice {
			return decodeErr(s, e, path, "", "want a %s, found a string array", ft)
		}
		out := reflect.MakeSlice(ft, len(e.List), len(e.List))
		for i, v := range e.List {
			if err := decodeScalar(s, e, v, out.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		fv.Set(out)
		return nil
	case KindSection:
		sub := orEmpty(e.Section)
		switch {
		case ft.Kind() == reflect.Struct:
			return decodeStruct(sub, fv, path)
		case ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String && ft.Elem().Kind() == reflect.String:
			m := reflect.MakeMapWithSize(ft, sub.Len())
			for _, se := range sub.entries {
				if se.Kind != KindString {
					return decodeErr(sub, se, joinPath(path, se.Key), "", "want a string, found a %s", se.Kind)
				}
				m.SetMapIndex(reflect.ValueOf(se.Key).Convert(ft.Key()), reflect.ValueOf(unquote(se.Value)).Convert(ft.Elem()))
			}
			fv.Set(m)
			return nil
		}
		return decodeErr(s, e, path, "", "want a %s, found a section", ft)
	case KindSectionList:
		if ft.Kind() != reflect.Slice {
			return decodeErr(s, e, path, "", "want a %s, found an array of sections", ft)
		}
		et := ft.Elem()
		out := reflect.MakeSlice(ft, len(e.Sections), len(e.Sections))
		for i, sub := range e.Sections {
			p := fmt.Sprintf("%s[%d]", path, i)
			el := out.Index(i)
			switch {
			case et == sectionPtr:
				el.Set(reflect.ValueOf(sub))
				continue
			case et.Kind() == reflect.Pointer && et.Elem().Kind() == reflect.Struct:
				el.Set(reflect.New(et.Elem()))
				el = el.Elem()
			case et.Kind() != reflect.Struct:
				return decodeErr(s, e, path, "", "want a %s, found an array of sections", ft)
			}
			if err := decodeStruct(orEmpty(sub), el, p); err != nil {
				return err
			}
		}
		fv.Set(out)
		return nil
	}
	return decodeErr(s, e, path, "", "unsupported entry kind %s", e.Kind)
}

// unquote removes the double quotes CUP keeps around a quoted value.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

func decodeScalar(s *Section, e *Entry, raw string, fv reflect.Value, path string) error {
	v := unquote(raw)
	ft := fv.Type()
	if ft.Kind() == reflect.Pointer {
		nv := reflect.New(ft.Elem())
		if err := decodeScalar(s, e, raw, nv.Elem(), path); err != nil {
			return err
		}
		fv.Set(nv)
		return nil
	}
	if fv.CanAddr() && fv.Addr().Type().Implements(textUnmarshal) {
		if err := fv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(v)); err != nil {
			return decodeErr(s, e, path, raw, "%v", err)
		}
		return nil
	}
	if ft == durationType {
		d, err := time.ParseDuration(v)
		if err != nil {
			return decodeErr(s, e, path, raw, "not a duration (like 1m30s)")
		}
		fv.SetInt(int64(d))
		return nil
	}
	switch ft.Kind() {
	case reflect.String:
		fv.SetString(v)
	case reflect.Bool:
		b, ok := parseBool(v)
		if !ok {
			return decodeErr(s, e, path, raw, "not a boolean")
		}
		fv.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(v, 0, ft.Bits())
		if err != nil {
			return decodeErr(s, e, path, raw, "not an int%s: %v", bitsSuffix(ft), numErr(err))
		}
		fv.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, err := strconv.ParseUint(v, 0, ft.Bits())
		if err != nil {
			return decodeErr(s, e, path, raw, "not a uint%s: %v", bitsSuffix(ft), numErr(err))
		}
		fv.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(v, ft.Bits())
		if err != nil {
			return decodeErr(s, e, path, raw, "not a float: %v", numErr(err))
		}
		fv.SetFloat(n)
	case reflect.Slice:
		return decodeErr(s, e, path, raw, "want a string array (@%s lines), found a string", e.Key)
	case reflect.Struct, reflect.Map:
		return decodeErr(s, e, path, raw, "want a section, found a string")
	default:
		return decodeErr(s, e, path, raw, "unsupported field type %s", ft)
	}
	return nil
}

func bitsSuffix(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Uint, reflect.Uintptr:
		return ""
	}
	return strconv.Itoa(t.Bits())
}

func numErr(err error) error {
	if ne, ok := err.(*strconv.NumError); ok {
		return ne.Err
	}
	return err
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "1", "t", "true", "yes", "y", "on":
		return true, true
	case "0", "f", "false", "no", "n", "off":
		return false, true
	}
	return false, false
}
