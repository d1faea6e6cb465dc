// Package cmdutil holds what every cup subcommand shares: the IO streams,
// the factory that hands them out, the --json flag and the errors that map
// to exit codes.
package cmdutil

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// IOStreams are the standard streams a command reads and writes. Tests
// build them with [TestIO].
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY bool
}

// IsStdoutTTY reports whether Out is a terminal, which decides whether
// progress bars and colours are shown.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// SystemIO returns the process's own standard streams.
func SystemIO() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
	}
}

// TestIO returns streams backed by the given reader and writers, reported
// as not a terminal.
func TestIO(in io.Reader, out, errOut io.Writer) *IOStreams {
	return &IOStreams{In: in, Out: out, ErrOut: errOut}
}

// Factory hands dependencies to commands. Commands take what they need
// from it when they run, never from package globals.
type Factory struct {
	IO *IOStreams
}

// ExitError asks Main to exit with Code without printing anything more;
// the command has already reported what happened. cup exec uses it to
// pass on the child's exit status.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// FlagError reports a usage mistake: a bad flag or argument. Main prints
// it with the command's usage hint and exits 2.
type FlagError struct {
	Err error
}

func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf builds a *FlagError from a format.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// IsFlagError reports whether err is a usage mistake.
func IsFlagError(err error) bool {
	var fe *FlagError
	return errors.As(err, &fe)
}

// AddJSONFlag adds the shared --json flag to cmd, bound to target.
func AddJSONFlag(cmd *cobra.Command, target *bool) {
	cmd.Flags().BoolVar(target, "json", false, "print machine-readable JSON instead of a table")
}

// WriteJSON writes v to w as indented JSON followed by a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
