//go:build linux

package res_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cupgo/cup/res"
)

// Read a machine summary from the live system.
func Example() {
	ctx := context.Background()
	n, _ := res.CPUCount()
	usage, err := res.CPUUsage(ctx, 100*time.Millisecond)
	if err != nil {
		fmt.Println(err)
		return
	}
	mem, _ := res.Memory()
	fmt.Println(n > 0, usage.Busy() >= 0, mem.Total > 0)
	// Output: true true true
}

// Read a fixture tree instead of /proc: every reader takes its root from
// Options.
func ExampleNewFS() {
	fs := res.NewFS(res.Options{ProcRoot: "testdata/proc", SysRoot: "testdata/sys"})
	m, _ := fs.Memory()
	fmt.Println(m.Total, m.Available, m.Percent, m.KernelAvailable)
	rx, tx, _ := fs.NetThrough("eth1")
	fmt.Println(rx, tx)
	p, _ := fs.NewProcess(4242)
	name, _ := p.Name()
	fmt.Printf("%q\n", name)
	// Output:
	// 16384000000 7475200000 54 9216000000
	// 1000 2000
	// "tmux: server"
}

// Inspect one process.
func ExampleNewProcess() {
	p, err := res.NewProcess(os.Getpid())
	if err != nil {
		fmt.Println(err)
		return
	}
	ppid, _ := p.PPID()
	mem, _ := p.MemoryInfo()
	fmt.Println(ppid == os.Getppid(), mem.RSS > 0)
	// Output: true true
}

// Sample CPU ticks yourself to measure over an interval you control.
func ExampleCPUUsageBetween() {
	a := res.CPUTicks{User: 100, Idle: 900}
	b := res.CPUTicks{User: 150, Idle: 950}
	u, _ := res.CPUUsageBetween(a, b)
	fmt.Printf("usr %.0f%% idle %.0f%%\n", u.Usr, u.Idle)
	// Output: usr 50% idle 50%
}
