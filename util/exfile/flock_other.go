//go:build !linux && !darwin

package exfile

import (
	"errors"
	"os"

	"github.com/cupgo/cup/errs"
)

const flockSupported = false

var errWouldBlock = errors.New("exfile: would block")

func flockTry(*os.File, LockType) error { return errs.ErrNotSupported }

func funlock(*os.File) error { return errs.ErrNotSupported }
