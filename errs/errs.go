package errs

import (
	"context"
	"io/fs"
)

// kind is a sentinel error. A kind may have parents: errors.Is(k, parent)
// reports true for each of them, which is how CUP's exception hierarchy is
// kept. Kinds compare by identity.
type kind struct {
	msg     string
	parents []error
}

func (k *kind) Error() string { return "cup: " + k.msg }

// Is reports whether target is one of k's parents (or theirs).
func (k *kind) Is(target error) bool {
	for _, p := range k.parents {
		if p == target {
			return true
		}
		if pk, ok := p.(*kind); ok && pk.Is(target) {
			return true
		}
	}
	return false
}

func newKind(msg string, parents ...error) error {
	return &kind{msg: msg, parents: parents}
}

// Sentinels ported from CUP's exception classes. Test for them with
// errors.Is; never compare error strings.
var (
	// ErrNotSupported: the operation is not available on this platform or
	// in this configuration (CUP DecoratorException, NotSupportedError).
	ErrNotSupported = newKind("not supported")
	// ErrLogger: the logger could not be set up or written (CUP LoggerException).
	ErrLogger = newKind("logger error")
	// ErrNotInitialized: a facility was used before it was initialised
	// (CUP NotInitialized).
	ErrNotInitialized = newKind("not initialized")
	// ErrAlreadyInitialized: a facility was initialised twice (CUP's
	// "init_comlog twice").
	ErrAlreadyInitialized = newKind("already initialized")
	// ErrResource: a system resource could not be read (CUP ResException).
	ErrResource = newKind("resource error")
	// ErrNoSuchProcess: the process does not exist (any more). It matches
	// ErrResource and ErrNotFound.
	ErrNoSuchProcess = newKind("no such process", ErrResource, ErrNotFound)
	// ErrAccessDenied: the caller lacks permission. It matches ErrResource
	// and fs.ErrPermission.
	ErrAccessDenied = newKind("access denied", ErrResource, fs.ErrPermission)
	// ErrNet: a network operation failed (CUP NetException).
	ErrNet = newKind("network error")
	// ErrAsyncMsg: the message center failed (CUP AsyncMsgError). It
	// matches ErrNet.
	ErrAsyncMsg = newKind("async message error", ErrNet)
	// ErrShell: a command could not be run (CUP ShellException).
	ErrShell = newKind("shell error")
	// ErrIO: a file operation failed (CUP IOException).
	ErrIO = newKind("i/o error")
	// ErrNoSuchFileOrDir: the path does not exist. It matches ErrIO,
	// ErrNotFound and fs.ErrNotExist.
	ErrNoSuchFileOrDir = newKind("no such file or directory", ErrIO, ErrNotFound, fs.ErrNotExist)
	// ErrThreadTerminated: a worker was terminated before it finished
	// (CUP ThreadTermException).
	ErrThreadTerminated = newKind("thread terminated")
	// ErrLockFile: a lock file could not be created, locked or unlocked
	// (CUP LockFileError).
	ErrLockFile = newKind("lock file error")
	// ErrWouldBlock: a non-blocking lock attempt was refused because
	// another holder has it. It matches ErrLockFile.
	ErrWouldBlock = newKind("lock would block", ErrLockFile)
	// ErrExpectFailure: a value differed from what was expected (CUP
	// ExpectFailure).
	ErrExpectFailure = newKind("expect failure")
	// ErrNotImplemented: the functionality is not implemented (CUP
	// NotImplementedYet).
	ErrNotImplemented = newKind("not implemented")
	// ErrConfig: a configuration is invalid (CUP ConfigError).
	ErrConfig = newKind("configuration error")
	// ErrTest: a test helper failed (CUP TestError).
	ErrTest = newKind("test error")
	// ErrCacheFull: the cache has no room for the entries (CUP
	// cache.CacheFull).
	ErrCacheFull = newKind("cache full")
	// ErrInvalidArgument: an argument was out of range or malformed (CUP's
	// ValueError, TypeError and assertions on bad input).
	ErrInvalidArgument = newKind("invalid argument")
	// ErrTimeout: an operation did not finish in time (CUP's shell return
	// code 999, lock waits). It matches context.DeadlineExceeded.
	ErrTimeout = newKind("timeout", context.DeadlineExceeded)
	// ErrNotFound: a looked-up thing (interface, pid, key, job) does not
	// exist.
	ErrNotFound = newKind("not found")
	// ErrProtectedPath: refusing to delete or overwrite "/" or a protected
	// path.
	ErrProtectedPath = newKind("protected path")
	// ErrParse: a log line, configuration file or wire format could not be
	// parsed. *ParseError values match it.
	ErrParse = newKind("parse error")
	// ErrClosed: the object was used after Close or Stop.
	ErrClosed = newKind("use of closed object")
	// ErrFull: a bounded queue or pool has no room; the call was refused
	// without blocking.
	ErrFull = newKind("full")
	// ErrCanceled: the operation was abandoned because its context was
	// canceled. It matches context.Canceled.
	ErrCanceled = newKind("canceled", context.Canceled)
)
