//go:build !linux

package autowait

import "github.com/cupgo/cup/errs"

func processRunning(dir, name string) (bool, error) {
	return false, errs.New(errs.ErrNotSupported, "autowait: process probes need Linux /proc")
}
