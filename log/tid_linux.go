package log

import "syscall"

// gettid returns the id of the OS thread running the calling goroutine.
// Goroutines move between threads, so it identifies the thread that
// happened to run the goroutine when the record was made.
func gettid() int { return syscall.Gettid() }
