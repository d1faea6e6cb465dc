package errs

import "io"

// Sentinels of package netasync (the asynchronous message center). All of
// them match ErrAsyncMsg (and so ErrNet).
var (
	// ErrBadMagic: the first frame of a connection did not start with
	// "CUP012-3". It matches ErrAsyncMsg.
	ErrBadMagic = newKind("bad frame magic", ErrAsyncMsg)
	// ErrFrameTooShort: a frame's len field is smaller than its header. It
	// matches ErrAsyncMsg.
	ErrFrameTooShort = newKind("frame length shorter than its header", ErrAsyncMsg)
	// ErrFrameTooLarge: a frame's body is larger than the configured
	// maximum. It matches ErrAsyncMsg.
	ErrFrameTooLarge = newKind("frame too large", ErrAsyncMsg)
	// ErrBadAddress: a packed address has non-zero reserved bytes or is not
	// IPv4. It matches ErrAsyncMsg.
	ErrBadAddress = newKind("bad packed address", ErrAsyncMsg)
	// ErrPeerClosedMidFrame: the peer closed the connection in the middle
	// of a frame. It matches ErrAsyncMsg and io.ErrUnexpectedEOF.
	ErrPeerClosedMidFrame = newKind("peer closed in the middle of a frame", ErrAsyncMsg, io.ErrUnexpectedEOF)
	// ErrConnClosed: the connection was closed before the message was
	// written. It matches ErrAsyncMsg and ErrClosed.
	ErrConnClosed = newKind("connection closed", ErrAsyncMsg, ErrClosed)
	// ErrQueueFull: a connection's bounded send queue has no room. It
	// matches ErrAsyncMsg and ErrFull.
	ErrQueueFull = newKind("send queue full", ErrAsyncMsg, ErrFull)
	// ErrStopped: the message center is stopping or stopped. It matches
	// ErrAsyncMsg and ErrClosed.
	ErrStopped = newKind("message center stopped", ErrAsyncMsg, ErrClosed)
	// ErrInvalidMessage: a message cannot be encoded (not IPv4, body too
	// large, ...). It matches ErrAsyncMsg and ErrInvalidArgument.
	ErrInvalidMessage = newKind("invalid message", ErrAsyncMsg, ErrInvalidArgument)
	// ErrTooManyConns: the connection limit is reached. It matches
	// ErrAsyncMsg and ErrFull.
	ErrTooManyConns = newKind("too many connections", ErrAsyncMsg, ErrFull)
	// ErrSelfConnect: a TCP connect ended connected to itself (local
	// endpoint equals remote endpoint). It matches ErrAsyncMsg.
	ErrSelfConnect = newKind("tcp self-connect", ErrAsyncMsg)
	// ErrAckTimeout: no acknowledgement arrived within the total timeout of
	// a need-ack message. It matches ErrAsyncMsg and ErrTimeout.
	ErrAckTimeout = newKind("acknowledgement timeout", ErrAsyncMsg, ErrTimeout)
	// ErrIdleTimeout: a connection was idle longer than allowed. It matches
	// ErrAsyncMsg and ErrTimeout.
	ErrIdleTimeout = newKind("idle connection timeout", ErrAsyncMsg, ErrTimeout)
	// ErrWriteTimeout: a connection could not write for longer than
	// allowed. It matches ErrAsyncMsg and ErrTimeout.
	ErrWriteTimeout = newKind("write timeout", ErrAsyncMsg, ErrTimeout)
)
