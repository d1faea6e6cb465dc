package serializer

import "github.com/cupgo/cup/errs"

// Errors of the package. Test for them with errors.Is.
var (
	// ErrCorrupt: a log file holds a record that cannot be read (short,
	// inconsistent, or out of sequence), or a file vanished while unread.
	// Errors carry the file and offset. It matches errs.ErrParse.
	ErrCorrupt = errs.New(errs.ErrParse, "serializer: corrupt log")
	// ErrClosed: the writer or reader was used after Close. It matches
	// errs.ErrClosed.
	ErrClosed = errs.New(errs.ErrClosed, "serializer: closed")
	// ErrTooLarge: the payload exceeds MaxPayload. It matches
	// errs.ErrInvalidArgument.
	ErrTooLarge = errs.New(errs.ErrInvalidArgument, "serializer: record too large")
)
