package errs

// Sentinels of package services/heartbeat.
var (
	// ErrBadFrame: a heartbeat transport frame could not be decoded (bad
	// version, length out of range, truncated). It matches ErrNet and
	// ErrParse.
	ErrBadFrame = newKind("bad heartbeat frame", ErrNet, ErrParse)
	// ErrUnreachable: a heartbeat transport has no route to the
	// destination (in-memory transport: nobody listens there). It matches
	// ErrNet and ErrNotFound.
	ErrUnreachable = newKind("destination unreachable", ErrNet, ErrNotFound)
)
