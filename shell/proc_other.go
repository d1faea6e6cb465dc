//go:build !linux

package shell

import (
	"context"
	"fmt"
	"time"

	"github.com/cupgo/cup/errs"
)

// proc is not implemented outside Linux.
type proc struct{ pid int }

func (e *Exec) start(ctx context.Context, cmdText string, timeout time.Duration, mode ioMode) (*proc, error) {
	if err := e.validate(cmdText, timeout); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("shell: running commands: %w", errs.ErrNotSupported)
}

func (p *proc) wait() (Result, error) {
	return Result{ReturnCode: ReturnCodeNotRun}, errs.ErrNotSupported
}
func (p *proc) snapshot() Result { return Result{ReturnCode: ReturnCodeNotRun} }
func (p *proc) kill()            {}
func (p *proc) reaped() bool     { return true }

func procStatus(int) (string, bool) { return "", false }
