// Package errs holds the sentinel errors and error types shared by every
// package of cup.
//
// It replaces CUP's cup.err exception hierarchy. Where CUP raised an
// exception class, cup returns an error that matches one of the sentinels
// below with [errors.Is]; the class hierarchy is kept through Is, so an
// error for a vanished process matches both [ErrNoSuchProcess] and
// [ErrResource]:
//
//	if errors.Is(err, errs.ErrResource) { ... }
//
// Errors that carry data are typed ([*NoSuchProcessError],
// [*AccessDeniedError], [*ExpectFailureError], [*ConfigError],
// [*ParseError]); retrieve them with [errors.As]. Every message starts
// with "cup: " and says which input was wrong.
//
// errs is a leaf package: it imports nothing else of cup, so every other
// package may depend on it. A package that needs a new condition adds its
// sentinel here, in a file named after its area, rather than defining a
// private error type for a condition listed here.
//
// CUP names and their Go replacements:
//
//	BaseCupException       any error of this package (all start with "cup: ")
//	DecoratorException     ErrNotSupported (platform guards)
//	NotSupportedError      ErrNotSupported
//	LoggerException        ErrLogger
//	NotInitialized         ErrNotInitialized
//	ResException           ErrResource
//	NoSuchProcess          *NoSuchProcessError, ErrNoSuchProcess
//	AccessDenied           *AccessDeniedError, ErrAccessDenied
//	NetException           ErrNet
//	AsyncMsgError          ErrAsyncMsg
//	ShellException         ErrShell
//	IOException            ErrIO
//	NoSuchFileOrDir        ErrNoSuchFileOrDir
//	ThreadTermException    ErrThreadTerminated
//	LockFileError          ErrLockFile
//	ExpectFailure          *ExpectFailureError, ErrExpectFailure
//	NotImplementedYet      ErrNotImplemented
//	ConfigError            *ConfigError, ErrConfig
//	TestError              ErrTest
//	cache.CacheFull        ErrCacheFull
package errs
