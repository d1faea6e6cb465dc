//go:build !linux

package shell

import (
	"fmt"

	"github.com/cupgo/cup/errs"
)

// StartDetached is not supported outside Linux.
func StartDetached(cmd string) (int, error) {
	return 0, fmt.Errorf("shell: start detached: %w", errs.ErrNotSupported)
}
