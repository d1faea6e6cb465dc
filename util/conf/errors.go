package conf

import (
	"strings"

	"github.com/cupgo/cup/errs"
)

// confError is a sentinel of this package. It prints with the "cup: "
// prefix the errs sentinels use and may match parent sentinels.
type confError struct {
	msg     string
	parents []error
}

func (e *confError) Error() string { return "cup: " + e.msg }

// Is reports whether target is one of e's parents.
func (e *confError) Is(target error) bool {
	for _, p := range e.parents {
		if p == target {
			return true
		}
	}
	return false
}

// Sentinels of the conf parser, writer and decoder. Parse errors are
// *errs.ParseError values whose Err is (or wraps) one of these, so both
// errors.Is(err, conf.ErrKeyFormat) and errors.Is(err, errs.ErrParse)
// hold, and errors.As gives the file and line.
var (
	// ErrLineFormat: a key/value line without the separator, a section
	// header that does not end in "]", an $include without a path or a
	// line longer than the limit (CUP LineFormatError and the raw
	// ValueError of a line without separator).
	ErrLineFormat error = &confError{msg: "malformed line"}
	// ErrKeyFormat: an empty key, the key "@", or a character other than
	// a letter, a digit or one of "_-.$" in a key or section name (CUP
	// KeyFormatError). The writer returns it for keys it cannot write.
	ErrKeyFormat error = &confError{msg: "invalid key"}
	// ErrValueFormat: a value that starts with a double quote but does
	// not end with one, which includes a comment after a quoted value
	// (CUP ValueFormatError).
	ErrValueFormat error = &confError{msg: "invalid value"}
	// ErrLevel: a section header more than one level deeper than the open
	// section, or nesting deeper than MaxDepth (CUP ArrayFormatError).
	ErrLevel error = &confError{msg: "section level skipped"}
	// ErrTypeClash: a key used as another kind than its first definition,
	// for example "k: 1" then "@k: 2", or a dotted header walking through a
	// string (CUP crashed with AttributeError or silently replaced data).
	ErrTypeClash error = &confError{msg: "key redefined as another kind"}
	// ErrDuplicate: a scalar key or plain section defined twice in one
	// section; returned only with Strict.
	ErrDuplicate error = &confError{msg: "duplicate key"}
	// ErrInclude: an $include directive failed: the file is missing,
	// unreadable, malformed or nested too deeply. The error also wraps
	// the cause, which carries the included file's name and line.
	ErrInclude error = &confError{msg: "include failed"}
	// ErrIncludeCycle: a file includes itself, directly or through other
	// files. It matches ErrInclude.
	ErrIncludeCycle error = &confError{msg: "include cycle", parents: []error{ErrInclude}}
	// ErrUnrepresentable: the writer cannot write a value so that it reads
	// back the same (newline or "#" in an unquoted value, empty list, nil
	// value, ...). AllowLossy writes such values raw, as CUP did. It
	// matches errs.ErrInvalidArgument.
	ErrUnrepresentable error = &confError{msg: "value cannot be written", parents: []error{errs.ErrInvalidArgument}}
	// ErrInvalidSeparator: WithSeparator or WriteSeparator was given an
	// empty separator. It matches errs.ErrInvalidArgument.
	ErrInvalidSeparator error = &confError{msg: "invalid separator", parents: []error{errs.ErrInvalidArgument}}
	// ErrDecode: a value could not be stored in a Go struct field by
	// Decode (wrong kind, bad number, bad duration, missing required key).
	ErrDecode error = &confError{msg: "cannot decode value"}
)

// causeError puts a sentinel in front of a cause: it prints
// "<sentinel>: <cause>" and matches both.
type causeError struct {
	kind  error
	cause error
}

func (e *causeError) Error() string {
	return strings.TrimPrefix(e.kind.Error(), "cup: ") + ": " + strings.TrimPrefix(e.cause.Error(), "cup: ")
}

func (e *causeError) Unwrap() []error { return []error{e.kind, e.cause} }

// maxErrText caps how much of an offending line an error keeps.
const maxErrText = 4096

func clipText(s string) string {
	if len(s) > maxErrText {
		return s[:maxErrText]
	}
	return s
}
