// Command res prints a short machine summary and the biggest processes,
// using package res (the Go port of CUP's cup.res).
//
//	go run ./examples/res
package main

import (
	"cmp"
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/cupgo/cup/res"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	cpus, err := res.CPUCount()
	if err != nil {
		log.Fatal(err)
	}
	kernel, err := res.KernelVersion()
	if err != nil {
		log.Fatal(err)
	}
	boot, err := res.BootTime()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("kernel %s (major %d), %d CPUs, booted %s\n", kernel.Release, kernel.Major, cpus, boot.Format(time.RFC3339))

	// CPU usage over half a second, CUP's CPUInfo formula.
	usage, err := res.CPUUsage(ctx, 500*time.Millisecond)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("cpu: %.1f%% busy (usr %.1f, sys %.1f, iowait %.1f)\n", usage.Busy(), usage.Usr, usage.System, usage.IOWait)

	mem, err := res.Memory()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("memory: %d MiB total, %d MiB available (CUP formula), %d MiB (kernel), %d%% used\n",
		mem.Total>>20, mem.Available>>20, mem.KernelAvailable>>20, mem.Percent)

	swap, err := res.Swap()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("swap: %d MiB total, %d MiB used\n", swap.Total>>20, swap.Used>>20)

	// Loopback traffic: tx is what was sent (CUP had these swapped).
	tx, err := res.NetTransmitSpeed(ctx, "lo", 200*time.Millisecond)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("lo: %.0f B/s sent\n", tx)

	// The five largest processes by resident memory, from one scan.
	procs, err := res.Snapshot()
	if err != nil {
		log.Fatal(err)
	}
	slices.SortFunc(procs, func(a, b res.ProcInfo) int { return cmp.Compare(b.RSS, a.RSS) })
	fmt.Println("largest processes:")
	for _, p := range procs[:min(5, len(procs))] {
		fmt.Printf("  %7d %-16s %6d MiB  %s\n", p.PID, p.Name, p.RSS>>20, p.Status)
	}

	// One process in detail: this one.
	self, err := res.NewProcess(os.Getpid())
	if err != nil {
		log.Fatal(err)
	}
	threads, _ := self.NumThreads()
	fds, _ := self.NumFDs()
	info, _ := self.MemoryInfo()
	fmt.Printf("this process: %d threads, %d fds, %d KiB resident\n", threads, fds, info.RSS>>10)
}
