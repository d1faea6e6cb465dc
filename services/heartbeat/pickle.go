package heartbeat

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CUP 3.2.7 agents serialise their LinuxHost dict with Python 2's
// pickle.dumps (protocol 0 by default). Unpickling runs whatever the data
// asks for, so the port never uses a pickle library: decodePickle is a
// small interpreter for the opcodes that build plain values only (None,
// bools, ints, floats, byte and unicode strings, lists, tuples and dicts)
// in protocols 0 to 2. Any opcode that would import a name, call, build or
// persist an object is an error, so decoding untrusted input can do
// nothing but return data.

var errPickle = errors.New("not a plain-data pickle")

const (
	maxPickleContainers = 1 << 12 // lists, tuples and dicts per pickle
	maxPickleMemo       = 1 << 16 // memo entries
	maxPickleDepth      = 64      // nesting of the decoded value
	maxPickleNodes      = 1 << 16 // values in the decoded value, expanded
)

// bounded reports whether walking v stays within maxPickleDepth levels
// and *budget values (a cycle exceeds the depth).
func bounded(v any, depth int, budget *int) bool {
	*budget--
	if *budget < 0 || depth > maxPickleDepth {
		return false
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if !bounded(e, depth+1, budget) {
				return false
			}
		}
	case map[string]any:
		for _, e := range x {
			if !bounded(e, depth+1, budget) {
				return false
			}
		}
	}
	return true
}

type pickleMark struct{}

// decodePickle returns the value a pickle of plain data builds: nil,
// bool, int64, float64, string (byte strings as their bytes), []any
// (lists and tuples) or map[string]any (dicts with string keys).
func decodePickle(b []byte) (any, error) {
	var (
		stack      []any
		memo       = map[int]any{}
		containers int
		pos        int
	)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: byte %d: %s", errPickle, pos, fmt.Sprintf(format, args...))
	}
	fail := func(format string, args ...any) (any, error) { return nil, bad(format, args...) }
	line := func() (string, bool) { // a protocol 0 argument, up to '\n'
		i := bytes.IndexByte(b[pos:], '\n')
		if i < 0 {
			return "", false
		}
		s := string(b[pos : pos+i])
		pos += i + 1
		return s, true
	}
	take := func(n int) ([]byte, bool) {
		if n < 0 || len(b)-pos < n {
			return nil, false
		}
		s := b[pos : pos+n]
		pos += n
		return s, true
	}
	pop := func() (any, bool) {
		if len(stack) == 0 {
			return nil, false
		}
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := v.(pickleMark); ok {
			return nil, false
		}
		return v, true
	}
	popMark := func() ([]any, bool) { // the items above the topmost mark
		for i := len(stack) - 1; i >= 0; i-- {
			if _, ok := stack[i].(pickleMark); ok {
				items := append([]any(nil), stack[i+1:]...)
				stack = stack[:i]
				return items, true
			}
		}
		return nil, false
	}
	push := func(v any) { stack = append(stack, v) }
	container := func() bool {
		containers++
		return containers <= maxPickleContainers
	}
	setItems := func(items []any) error {
		if len(items)%2 != 0 || len(stack) == 0 {
			return bad("dict items unpaired")
		}
		d, ok := stack[len(stack)-1].(map[string]any)
		if !ok {
			return bad("SETITEM on a %T", stack[len(stack)-1])
		}
		for i := 0; i < len(items); i += 2 {
			k, ok := items[i].(string)
			if !ok {
				return bad("dict key of type %T", items[i])
			}
			d[k] = items[i+1]
		}
		return nil
	}
	appendItems := func(items []any) error {
		if len(stack) == 0 {
			return bad("APPEND without a list")
		}
		l, ok := stack[len(stack)-1].([]any)
		if !ok {
			return bad("APPEND on a %T", stack[len(stack)-1])
		}
		stack[len(stack)-1] = append(l, items...)
		return nil
	}
	memoPut := func(i int) error {
		if len(stack) == 0 || i < 0 {
			return bad("PUT without a value")
		}
		if _, ok := memo[i]; !ok && len(memo) >= maxPickleMemo {
			return bad("memo too large")
		}
		memo[i] = stack[len(stack)-1]
		return nil
	}
	memoGet := func(i int) error {
		v, ok := memo[i]
		if !ok {
			return bad("GET of unknown memo %d", i)
		}
		push(v)
		return nil
	}

	for pos < len(b) {
		op := b[pos]
		pos++
		var err error
		switch op {
		case 0x80: // PROTO
			p, ok := take(1)
			if !ok || p[0] > 2 {
				return fail("protocol %v not supported", p)
			}
		case '.': // STOP
			v, ok := pop()
			if !ok || len(stack) != 0 {
				return fail("STOP with %d values left", len(stack))
			}
			if pos != len(b) {
				return fail("data after STOP")
			}
			// Memo references can make a dict hold itself, or share one
			// value so often that walking the result explodes: bound both.
			budget := maxPickleNodes
			if !bounded(v, 0, &budget) {
				return fail("cyclic, deeper than %d or more than %d values once expanded", maxPickleDepth, maxPickleNodes)
			}
			return v, nil
		case '(': // MARK
			push(pickleMark{})
		case '0': // POP
			if _, ok := pop(); !ok {
				return fail("POP on an empty stack")
			}
		case '1': // POP_MARK
			if _, ok := popMark(); !ok {
				return fail("POP_MARK without a mark")
			}
		case '2': // DUP
			if len(stack) == 0 {
				return fail("DUP on an empty stack")
			}
			push(stack[len(stack)-1])
		case 'N':
			push(nil)
		case 0x88:
			push(true)
		case 0x89:
			push(false)
		case 'I': // INT, or I00 / I01 for a bool
			s, ok := line()
			if !ok {
				return fail("INT without newline")
			}
			switch s {
			case "00":
				push(false)
			case "01":
				push(true)
			default:
				n, perr := strconv.ParseInt(s, 10, 64)
				if perr != nil {
					return fail("INT %q", s)
				}
				push(n)
			}
		case 'L': // LONG "123L"
			s, ok := line()
			if !ok {
				return fail("LONG without newline")
			}
			n, perr := strconv.ParseInt(strings.TrimSuffix(s, "L"), 10, 64)
			if perr != nil {
				return fail("LONG %q out of range", s)
			}
			push(n)
		case 'F':
			s, ok := line()
			if !ok {
				return fail("FLOAT without newline")
			}
			f, perr := strconv.ParseFloat(s, 64)
			if perr != nil {
				return fail("FLOAT %q", s)
			}
			push(f)
		case 'K', 'M', 'J': // BININT1, BININT2, BININT
			n := map[byte]int{'K': 1, 'M': 2, 'J': 4}[op]
			d, ok := take(n)
			if !ok {
				return fail("truncated int")
			}
			switch op {
			case 'K':
				push(int64(d[0]))
			case 'M':
				push(int64(binary.LittleEndian.Uint16(d)))
			default:
				push(int64(int32(binary.LittleEndian.Uint32(d))))
			}
		case 0x8a: // LONG1: little-endian two's complement
			n, ok := take(1)
			if !ok {
				return fail("truncated LONG1")
			}
			d, ok := take(int(n[0]))
			if !ok || len(d) > 8 {
				return fail("LONG1 of %d bytes", len(d))
			}
			var v uint64
			for i := len(d) - 1; i >= 0; i-- {
				v = v<<8 | uint64(d[i])
			}
			if len(d) > 0 && len(d) < 8 && d[len(d)-1]&0x80 != 0 {
				v -= 1 << (8 * uint(len(d)))
			} else if len(d) == 8 && d[7]&0x80 != 0 {
				return fail("LONG1 out of range")
			}
			push(int64(v))
		case 'G': // BINFLOAT, big-endian
			d, ok := take(8)
			if !ok {
				return fail("truncated BINFLOAT")
			}
			push(math.Float64frombits(binary.BigEndian.Uint64(d)))
		case 'S':
			s, ok := line()
			if !ok {
				return fail("STRING without newline")
			}
			v, uerr := unquotePy2(s)
			if uerr != nil {
				return fail("STRING %q: %v", s, uerr)
			}
			push(v)
		case 'V':
			s, ok := line()
			if !ok {
				return fail("UNICODE without newline")
			}
			v, uerr := rawUnicodeEscape(s)
			if uerr != nil {
				return fail("UNICODE %q: %v", s, uerr)
			}
			push(v)
		case 'U', 'T', 'X': // SHORT_BINSTRING, BINSTRING, BINUNICODE
			var n int
			if op == 'U' {
				d, ok := take(1)
				if !ok {
					return fail("truncated string length")
				}
				n = int(d[0])
			} else {
				d, ok := take(4)
				if !ok {
					return fail("truncated string length")
				}
				n = int(int32(binary.LittleEndian.Uint32(d)))
			}
			d, ok := take(n)
			if !ok {
				return fail("string of %d bytes past the end", n)
			}
			if op == 'X' && !utf8.Valid(d) {
				return fail("BINUNICODE is not UTF-8")
			}
			push(string(d))
		case '}':
			if !container() {
				return fail("more than %d containers", maxPickleContainers)
			}
			push(map[string]any{})
		case ']':
			if !container() {
				return fail("more than %d containers", maxPickleContainers)
			}
			push([]any{})
		case ')':
			push([]any{})
		case 'd', 'l', 't': // DICT, LIST, TUPLE from the items above the mark
			items, ok := popMark()
			if !ok {
				return fail("%c without a mark", op)
			}
			if !container() {
				return fail("more than %d containers", maxPickleContainers)
			}
			if op == 'd' {
				push(map[string]any{})
				err = setItems(items)
			} else {
				push(items)
			}
		case 0x85, 0x86, 0x87: // TUPLE1..3
			n := int(op - 0x84)
			if len(stack) < n {
				return fail("TUPLE%d on a short stack", n)
			}
			items := append([]any(nil), stack[len(stack)-n:]...)
			for _, it := range items {
				if _, isMark := it.(pickleMark); isMark {
					return fail("TUPLE%d over a mark", n)
				}
			}
			stack = stack[:len(stack)-n]
			push(items)
		case 's': // SETITEM
			v, ok1 := pop()
			k, ok2 := pop()
			if !ok1 || !ok2 {
				return fail("SETITEM on a short stack")
			}
			err = setItems([]any{k, v})
		case 'u': // SETITEMS
			items, ok := popMark()
			if !ok {
				return fail("SETITEMS without a mark")
			}
			err = setItems(items)
		case 'a': // APPEND
			v, ok := pop()
			if !ok {
				return fail("APPEND on an empty stack")
			}
			err = appendItems([]any{v})
		case 'e': // APPENDS
			items, ok := popMark()
			if !ok {
				return fail("APPENDS without a mark")
			}
			err = appendItems(items)
		case 'p', 'g': // PUT, GET with a decimal index
			s, ok := line()
			if !ok {
				return fail("memo index without newline")
			}
			i, perr := strconv.Atoi(s)
			if perr != nil {
				return fail("memo index %q", s)
			}
			if op == 'p' {
				err = memoPut(i)
			} else {
				err = memoGet(i)
			}
		case 'q', 'h': // BINPUT, BINGET
			d, ok := take(1)
			if !ok {
				return fail("truncated memo index")
			}
			if op == 'q' {
				err = memoPut(int(d[0]))
			} else {
				err = memoGet(int(d[0]))
			}
		case 'r', 'j': // LONG_BINPUT, LONG_BINGET
			d, ok := take(4)
			if !ok {
				return fail("truncated memo index")
			}
			i := int(int32(binary.LittleEndian.Uint32(d)))
			if op == 'r' {
				err = memoPut(i)
			} else {
				err = memoGet(i)
			}
		default:
			// GLOBAL, REDUCE, BUILD, INST, OBJ, NEWOBJ, PERSID, EXT*, ...
			return fail("opcode %q builds objects and is refused", op)
		}
		if err != nil {
			return nil, err
		}
	}
	return fail("no STOP")
}

// unquotePy2 decodes a Python 2 str repr as protocol 0 writes it: quoted
// with ' or ", with backslash escapes.
func unquotePy2(s string) (string, error) {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", errors.New("not a quoted string")
	}
	s = s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(s) {
			return "", errors.New("trailing backslash")
		}
		switch c = s[i]; c {
		case '\\', '\'', '"':
			b.WriteByte(c)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case 'x':
			if i+2 > len(s)-1 {
				return "", errors.New("short \\x escape")
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", errors.New("bad \\x escape")
			}
			b.WriteByte(byte(v))
			i += 2
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i:j], 8, 16)
			b.WriteByte(byte(v))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// rawUnicodeEscape decodes Python's raw-unicode-escape: \uXXXX and
// \UXXXXXXXX escapes, every other byte a Latin-1 character.
func rawUnicodeEscape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') {
			n := 4
			if s[i+1] == 'U' {
				n = 8
			}
			if i+2+n > len(s) {
				return "", errors.New("short \\u escape")
			}
			v, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32)
			if err != nil || v > utf8.MaxRune {
				return "", errors.New("bad \\u escape")
			}
			b.WriteRune(rune(v))
			i += 1 + n
			continue
		}
		b.WriteRune(rune(c))
	}
	return b.String(), nil
}

// pickle returns b as CUP 3.2.7's serilize() would: a protocol 0 pickle
// of the record's dict (its JSON keys), keys in sorted order.
func (b beat) pickle() ([]byte, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return appendPickle0(nil, m)
}

// appendPickle0 appends a protocol 0 pickle of a dict of plain JSON
// values (string, json.Number, bool, nil; no nesting needed for a
// heartbeat) to dst.
func appendPickle0(dst []byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, "(d"...)
	for _, k := range keys {
		dst = appendPy2Str(dst, k)
		switch v := m[k].(type) {
		case string:
			dst = appendPy2Str(dst, v)
		case json.Number:
			if i, err := v.Int64(); err == nil {
				dst = strconv.AppendInt(append(dst, 'I'), i, 10)
			} else if f, err := v.Float64(); err == nil {
				dst = strconv.AppendFloat(append(dst, 'F'), f, 'g', -1, 64)
			} else {
				return nil, fmt.Errorf("heartbeat: pickle: number %q", v)
			}
			dst = append(dst, '\n')
		case bool:
			if v {
				dst = append(dst, "I01\n"...)
			} else {
				dst = append(dst, "I00\n"...)
			}
		case nil:
			dst = append(dst, 'N')
		default:
			return nil, fmt.Errorf("heartbeat: pickle: value of type %T", v)
		}
		dst = append(dst, 's')
	}
	return append(dst, '.'), nil
}

// appendPy2Str appends a STRING opcode: s as a single-quoted Python 2
// str literal, bytes outside printable ASCII escaped as \xhh.
func appendPy2Str(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, "S'"...)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == '\'':
			dst = append(dst, '\\', c)
		case c >= ' ' && c < 0x7f:
			dst = append(dst, c)
		default:
			dst = append(dst, '\\', 'x', hex[c>>4], hex[c&15])
		}
	}
	return append(dst, "'\n"...)
}
