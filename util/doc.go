// Package util reports which operating system the program was built for,
// and is the parent of cup's general-purpose helper packages (conf,
// threadpool, generator, thread, cache, exfile, typeman, mysqldb).
//
// It replaces CUP's cup.platforms module:
//
//	is_linux()    IsLinux()
//	is_mac()      IsMac()
//	is_windows()  IsWindows()
//	(os.name == 'posix')  IsPosix()
//
// The answers are compile-time constants ([runtime.GOOS] is a constant),
// so a branch on them is removed by the compiler on other platforms.
// Unlike CUP, whose is_mac() tested for kqueue and so answered true on
// every BSD, IsMac is true only on macOS (GOOS "darwin"). Library code
// should prefer build constraints (file_linux.go) to these functions.
//
// CUP's is_py2, is_py3 and is_str_py2py3 are Python concerns and are not
// ported.
package util
