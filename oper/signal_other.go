//go:build !unix

package oper

import (
	"syscall"

	"github.com/cupgo/cup/errs"
)

const maxSignal = 64

// ParseSignal is only available on Unix systems; elsewhere it returns an
// error wrapping [errs.ErrNotSupported].
func ParseSignal(s string) (syscall.Signal, error) {
	return 0, errs.New(errs.ErrNotSupported, "oper: signals are not supported on this platform")
}
