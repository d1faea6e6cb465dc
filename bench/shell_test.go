package bench

import (
	"bytes"
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

// BenchmarkShellRunTrueSh is the like-for-like floor of the benchmark
// above: shell.Run always goes through /bin/sh -c (CUP's semantics), so
// the fair peer is os/exec running the same shell line with both streams
// captured. What remains between the two is cup's own cost: the process
// group, the timeout and the result bookkeeping.
func BenchmarkShellRunTrueSh(b *testing.B) {
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
	b.Run("stdlibsh", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out, errOut bytes.Buffer
			cmd := exec.CommandContext(ctx, "/bin/sh", "-c", "/bin/true")
			cmd.Stdout, cmd.Stderr = &out, &errOut
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
