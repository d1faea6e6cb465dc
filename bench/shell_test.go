package bench

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/cupgo/cup/shell"
)

// BenchmarkShellRunTrue runs /bin/true: cup's shell.Run (through
// /bin/sh -c, own process group, both streams captured, timeout armed)
// against a bare os/exec run of the same binary.
func BenchmarkShellRunTrue(b *testing.B) {
	ctx := context.Background()
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			res, err := shell.Run(ctx, "/bin/true", time.Minute)
			if err != nil || res.ReturnCode != 0 {
				b.Fatal(res.ReturnCode, err)
			}
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := exec.Command("/bin/true").Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
