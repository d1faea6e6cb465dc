//go:build !linux

package res

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

// Checklist 28: off Linux every function says "not supported".
func TestNotSupported(t *testing.T) {
	ctx := context.Background()
	for name, f := range map[string]func() error{
		"BootTime":      func() error { _, err := BootTime(); return err },
		"KernelVersion": func() error { _, err := KernelVersion(); return err },
		"CPUCount":      func() error { _, err := CPUCount(); return err },
		"CPUUsage":      func() error { _, err := CPUUsage(ctx, time.Millisecond); return err },
		"Memory":        func() error { _, err := Memory(); return err },
		"Swap":          func() error { _, err := Swap(); return err },
		"NetIOCounters": func() error { _, err := NetIOCounters(); return err },
		"NetThrough":    func() error { _, _, err := NetThrough("lo"); return err },
		"DiskUsage":     func() error { _, err := DiskUsage("/"); return err },
		"DiskInfo":      func() error { _, err := DiskInfo(ctx); return err },
		"Pids":          func() error { _, err := Pids(); return err },
		"NewProcess":    func() error { _, err := NewProcess(1); return err },
		"Snapshot":      func() error { _, err := Snapshot(); return err },
	} {
		if err := f(); !errors.Is(err, errs.ErrNotSupported) {
			t.Errorf("%s = %v, want ErrNotSupported", name, err)
		}
	}
}
