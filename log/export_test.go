package log

import "io"

// ResetForTest returns the package to its start-up state: the default
// logger not initialised, no names used, no named loggers.
func ResetForTest() { reset() }

// SetFallbackWriter replaces stderr as the pre-Init output and returns a
// function restoring it. The change applies from the next reset.
func SetFallbackWriter(w io.Writer) (restore func()) {
	mu.Lock()
	old := fallbackWriter
	fallbackWriter = w
	mu.Unlock()
	reset()
	return func() {
		mu.Lock()
		fallbackWriter = old
		mu.Unlock()
		reset()
	}
}
