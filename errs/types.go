package errs

import (
	"fmt"
	"strconv"
	"strings"
)

// New returns an error that matches kind with errors.Is and prints
// "cup: " followed by the formatted detail. If format uses %w, the
// wrapped errors match as well:
//
//	err := errs.New(errs.ErrShell, "run %q: %w", name, io.EOF)
//	errors.Is(err, errs.ErrShell) // true
//	errors.Is(err, io.EOF)        // true
func New(kind error, format string, args ...any) error {
	inner := fmt.Errorf(format, args...)
	return &detailError{kind: kind, msg: inner.Error(), inner: inner}
}

type detailError struct {
	kind  error
	msg   string
	inner error
}

func (e *detailError) Error() string { return "cup: " + e.msg }

// Unwrap returns the kind and whatever the detail wrapped with %w.
func (e *detailError) Unwrap() []error {
	out := []error{e.kind}
	switch w := e.inner.(type) {
	case interface{ Unwrap() error }:
		if u := w.Unwrap(); u != nil {
			out = append(out, u)
		}
	case interface{ Unwrap() []error }:
		out = append(out, w.Unwrap()...)
	}
	return out
}

// NoSuchProcessError reports a process that does not exist (CUP
// NoSuchProcess). It matches ErrNoSuchProcess, ErrResource and ErrNotFound.
type NoSuchProcessError struct {
	PID  int
	Name string // may be empty when unknown
}

func (e *NoSuchProcessError) Error() string {
	return "cup: no such process: pid " + strconv.Itoa(e.PID) + ", name " + strconv.Quote(e.Name)
}

// Is makes the error match ErrNoSuchProcess and its parents.
func (e *NoSuchProcessError) Is(target error) bool {
	return target == ErrNoSuchProcess || ErrNoSuchProcess.(*kind).Is(target)
}

// AccessDeniedError reports a resource the caller may not read or change
// (CUP AccessDenied). It matches ErrAccessDenied, ErrResource,
// fs.ErrPermission and whatever Err matches.
type AccessDeniedError struct {
	Resource string // the path or object refused
	Err      error  // the underlying cause, may be nil
}

func (e *AccessDeniedError) Error() string {
	s := "cup: access denied: " + e.Resource
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is makes the error match ErrAccessDenied and its parents.
func (e *AccessDeniedError) Is(target error) bool {
	return target == ErrAccessDenied || ErrAccessDenied.(*kind).Is(target)
}

// Unwrap returns the underlying cause.
func (e *AccessDeniedError) Unwrap() error { return e.Err }

// ExpectFailureError reports a value that differed from the expected one
// (CUP ExpectFailure). It matches ErrExpectFailure.
type ExpectFailureError struct {
	Expect any
	Got    any
}

func (e *ExpectFailureError) Error() string {
	return fmt.Sprintf("cup: expect failure: expect %v, got %v", e.Expect, e.Got)
}

// Is makes the error match ErrExpectFailure.
func (e *ExpectFailureError) Is(target error) bool { return target == ErrExpectFailure }

// ConfigError reports an invalid configuration, with its location when
// known (CUP ConfigError). It matches ErrConfig.
type ConfigError struct {
	File string // may be empty
	Line int    // 1-based; 0 when unknown
	Msg  string
}

func (e *ConfigError) Error() string {
	return "cup: configuration error: " + location(e.File, e.Line) + e.Msg
}

// Is makes the error match ErrConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// ParseError reports input that could not be parsed: which file, which
// line, what the line said and what was wrong. It matches ErrParse and
// whatever Err matches, so a parser can put its own finer sentinel in Err
// (for example conf's "invalid key") and callers can test for either.
type ParseError struct {
	File string // the input's name; "" when parsing an anonymous reader
	Line int    // 1-based line number; 0 when unknown
	Text string // the offending text, possibly shortened; may be empty
	Msg  string // what was expected or found, may be empty
	Err  error  // the finer cause (a sentinel or an I/O error), may be nil
}

// maxParseText caps how much of the offending input an error message
// quotes, so a pathological line does not make a pathological message.
const maxParseText = 256

func (e *ParseError) Error() string {
	s := "cup: parse error: " + location(e.File, e.Line)
	sep := ""
	if e.Err != nil {
		s += strings.TrimPrefix(e.Err.Error(), "cup: ")
		sep = ": "
	}
	if e.Msg != "" {
		s += sep + e.Msg
		sep = ": "
	}
	if e.Text != "" {
		t := e.Text
		if len(t) > maxParseText {
			t = t[:maxParseText] + "..."
		}
		s += sep + strconv.Quote(t)
	}
	return s
}

// Unwrap returns ErrParse and the finer cause.
func (e *ParseError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrParse}
	}
	return []error{e.Err, ErrParse}
}

// location renders "file:line: ", "file: ", "line N: " or "".
func location(file string, line int) string {
	switch {
	case file != "" && line > 0:
		return file + ":" + strconv.Itoa(line) + ": "
	case file != "":
		return file + ": "
	case line > 0:
		return "line " + strconv.Itoa(line) + ": "
	}
	return ""
}
