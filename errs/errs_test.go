package errs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

func TestHierarchy(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"no such process is a resource error", &errs.NoSuchProcessError{PID: 1}, errs.ErrResource, true},
		{"no such process is its sentinel", &errs.NoSuchProcessError{PID: 1}, errs.ErrNoSuchProcess, true},
		{"no such process is not found", &errs.NoSuchProcessError{PID: 1}, errs.ErrNotFound, true},
		{"async msg is net", errs.ErrAsyncMsg, errs.ErrNet, true},
		{"no such file is fs.ErrNotExist", errs.ErrNoSuchFileOrDir, fs.ErrNotExist, true},
		{"no such file is io", errs.ErrNoSuchFileOrDir, errs.ErrIO, true},
		{"would block is lock file", errs.ErrWouldBlock, errs.ErrLockFile, true},
		{"net is not resource", errs.ErrNet, errs.ErrResource, false},
		{"resource is not no such process", errs.ErrResource, errs.ErrNoSuchProcess, false},
		{"access denied is permission", &errs.AccessDeniedError{Resource: "/x"}, fs.ErrPermission, true},
		{"access denied is resource", &errs.AccessDeniedError{Resource: "/x"}, errs.ErrResource, true},
		{"access denied wraps cause", &errs.AccessDeniedError{Resource: "/x", Err: io.EOF}, io.EOF, true},
		{"timeout is deadline exceeded", errs.ErrTimeout, context.DeadlineExceeded, true},
		{"canceled is context.Canceled", errs.ErrCanceled, context.Canceled, true},
		{"expect failure", &errs.ExpectFailureError{Expect: 1, Got: 2}, errs.ErrExpectFailure, true},
		{"config", &errs.ConfigError{File: "a.conf", Line: 12, Msg: "x"}, errs.ErrConfig, true},
		{"parse error is ErrParse", &errs.ParseError{Line: 1}, errs.ErrParse, true},
		{"parse error is its cause", &errs.ParseError{Line: 1, Err: errs.ErrInvalidArgument}, errs.ErrInvalidArgument, true},
		{"wrapped by fmt", fmt.Errorf("ctx: %w", errs.ErrAsyncMsg), errs.ErrNet, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errors.Is(tt.err, tt.target); got != tt.want {
				t.Errorf("errors.Is(%v, %v) = %v, want %v", tt.err, tt.target, got, tt.want)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&errs.NoSuchProcessError{PID: 12, Name: "foo"}, `cup: no such process: pid 12, name "foo"`},
		{&errs.ExpectFailureError{Expect: 1, Got: 2}, "cup: expect failure: expect 1, got 2"},
		{&errs.ConfigError{File: "a.conf", Line: 12, Msg: "bad key"}, "cup: configuration error: a.conf:12: bad key"},
		{&errs.AccessDeniedError{Resource: "/proc/1/io", Err: fs.ErrPermission}, "cup: access denied: /proc/1/io: permission denied"},
		{&errs.ParseError{File: "x.conf", Line: 3, Err: errs.ErrInvalidArgument, Msg: "want key: value", Text: "junk"},
			`cup: parse error: x.conf:3: invalid argument: want key: value: "junk"`},
		{&errs.ParseError{Line: 7, Msg: "short"}, "cup: parse error: line 7: short"},
		{errs.New(errs.ErrShell, "run %q: %w", "ls", io.EOF), `cup: run "ls": EOF`},
		{errs.ErrTimeout, "cup: timeout"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestParseErrorTextIsBounded(t *testing.T) {
	err := &errs.ParseError{Line: 1, Text: strings.Repeat("x", 10000)}
	if n := len(err.Error()); n > 400 {
		t.Fatalf("message is %d bytes, want it capped", n)
	}
}

func TestNewMatchesKindAndWrapped(t *testing.T) {
	err := errs.New(errs.ErrShell, "x %w", io.EOF)
	if !errors.Is(err, errs.ErrShell) || !errors.Is(err, io.EOF) {
		t.Fatalf("New must match kind and wrapped error: %v", err)
	}
	if errors.Is(err, errs.ErrNet) {
		t.Fatal("New matched an unrelated kind")
	}
	multi := errs.New(errs.ErrIO, "%w and %w", io.EOF, fs.ErrClosed)
	if !errors.Is(multi, fs.ErrClosed) || !errors.Is(multi, io.EOF) {
		t.Fatalf("New with two %%w must match both: %v", multi)
	}
	var pe *errs.ParseError
	wrapped := errs.New(errs.ErrConfig, "load: %w", &errs.ParseError{File: "f", Line: 2})
	if !errors.As(wrapped, &pe) || pe.Line != 2 {
		t.Fatalf("errors.As through New failed: %v", wrapped)
	}
}

func TestNoCUPPrefixOrQuotes(t *testing.T) {
	all := []error{errs.ErrNotSupported, errs.ErrLogger, errs.ErrNotInitialized, errs.ErrAlreadyInitialized,
		errs.ErrResource, errs.ErrNoSuchProcess, errs.ErrAccessDenied, errs.ErrNet, errs.ErrAsyncMsg,
		errs.ErrShell, errs.ErrIO, errs.ErrNoSuchFileOrDir, errs.ErrThreadTerminated, errs.ErrLockFile,
		errs.ErrWouldBlock, errs.ErrExpectFailure, errs.ErrNotImplemented, errs.ErrConfig, errs.ErrTest,
		errs.ErrCacheFull, errs.ErrInvalidArgument, errs.ErrTimeout, errs.ErrNotFound, errs.ErrProtectedPath,
		errs.ErrParse, errs.ErrClosed, errs.ErrFull, errs.ErrCanceled}
	seen := map[string]bool{}
	for _, e := range all {
		s := e.Error()
		if !strings.HasPrefix(s, "cup: ") || strings.Contains(s, "Cup module Exception") || strings.ContainsAny(s, `'"`) {
			t.Errorf("bad sentinel text %q", s)
		}
		if seen[s] {
			t.Errorf("two sentinels print %q", s)
		}
		seen[s] = true
	}
}

func ExampleNew() {
	err := errs.New(errs.ErrInvalidArgument, "timeout %v: must not be negative", -1)
	fmt.Println(err)
	fmt.Println(errors.Is(err, errs.ErrInvalidArgument))
	// Output:
	// cup: timeout -1: must not be negative
	// true
}
