package bench

import (
	"os"
	"strconv"
	"testing"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/host"
	"github.com/shirou/gopsutil/v4/mem"
	gnet "github.com/shirou/gopsutil/v4/net"
	"github.com/shirou/gopsutil/v4/process"

	"github.com/cupgo/cup/res"
)

// The res benchmarks read the live /proc of the benchmark machine. Each
// reader is compared twice: with its gopsutil v4 equivalent
// (BenchmarkRes<Thing>, sub-benchmarks cup and gopsutil) and with the
// floor, os.ReadFile of the same /proc files and nothing else
// (BenchmarkResFloor<Thing>, sub-benchmarks cup and readfile).

// readFiles is the floor: read each file with os.ReadFile.
func readFiles(b *testing.B, paths ...string) {
	for _, p := range paths {
		if _, err := os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	}
}

func must(b *testing.B, err error) {
	if err != nil {
		b.Fatal(err)
	}
}

func cupCPUTimes(b *testing.B) {
	_, err := res.SystemCPUTimes()
	must(b, err)
}

// BenchmarkResCPUTimes: the aggregate cpu line of /proc/stat.
func BenchmarkResCPUTimes(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupCPUTimes(b)
		}
	})
	b.Run("gopsutil", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, err := cpu.Times(false)
			must(b, err)
		}
	})
}

func BenchmarkResFloorCPUTimes(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupCPUTimes(b)
		}
	})
	b.Run("readfile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			readFiles(b, "/proc/stat")
		}
	})
}

func cupMemory(b *testing.B) {
	_, err := res.Memory()
	must(b, err)
}

// BenchmarkResMemory: /proc/meminfo.
func BenchmarkResMemory(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupMemory(b)
		}
	})
	b.Run("gopsutil", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, err := mem.VirtualMemory()
			must(b, err)
		}
	})
}

func BenchmarkResFloorMemory(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupMemory(b)
		}
	})
	b.Run("readfile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			readFiles(b, "/proc/meminfo")
		}
	})
}

func cupSwap(b *testing.B) {
	_, err := res.Swap()
	must(b, err)
}

// BenchmarkResSwap: cup reads /proc/swaps and /proc/vmstat; gopsutil
// /proc/meminfo and /proc/vmstat.
func BenchmarkResSwap(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupSwap(b)
		}
	})
	b.Run("gopsutil", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, err := mem.SwapMemory()
			must(b, err)
		}
	})
}

func BenchmarkResFloorSwap(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupSwap(b)
		}
	})
	b.Run("readfile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			readFiles(b, "/proc/swaps", "/proc/vmstat")
		}
	})
}

func cupBootTime(b *testing.B) {
	_, err := res.BootTime()
	must(b, err)
}

// BenchmarkResBootTime: the btime line of /proc/stat.
func BenchmarkResBootTime(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupBootTime(b)
		}
	})
	b.Run("gopsutil", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, err := host.BootTime()
			must(b, err)
		}
	})
}

func BenchmarkResFloorBootTime(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupBootTime(b)
		}
	})
	b.Run("readfile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			readFiles(b, "/proc/stat")
		}
	})
}

func cupNetIO(b *testing.B) {
	_, err := res.NetIOCounters()
	must(b, err)
}

// BenchmarkResNetIO: per-interface counters of /proc/net/dev.
func BenchmarkResNetIO(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupNetIO(b)
		}
	})
	b.Run("gopsutil", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, err := gnet.IOCounters(true)
			must(b, err)
		}
	})
}

func BenchmarkResFloorNetIO(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupNetIO(b)
		}
	})
	b.Run("readfile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			readFiles(b, "/proc/net/dev")
		}
	})
}

func cupProcess(b *testing.B, pid int) {
	p, err := res.NewProcess(pid)
	must(b, err)
	_, err = p.Name()
	must(b, err)
	_, err = p.PPID()
	must(b, err)
	_, err = p.MemoryInfo()
	must(b, err)
	_, err = p.Cmdline()
	must(b, err)
}

// BenchmarkResProcess: open a process and ask its name, parent, memory
// and command line.
func BenchmarkResProcess(b *testing.B) {
	pid := os.Getpid()
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupProcess(b, pid)
		}
	})
	b.Run("gopsutil", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := process.NewProcess(int32(pid))
			must(b, err)
			_, err = p.Name()
			must(b, err)
			_, err = p.Ppid()
			must(b, err)
			_, err = p.MemoryInfo()
			must(b, err)
			_, err = p.Cmdline()
			must(b, err)
		}
	})
}

// BenchmarkResFloorProcess: the files cup reads for that (stat three
// times: open, Name, PPID; statm; cmdline).
func BenchmarkResFloorProcess(b *testing.B) {
	pid := os.Getpid()
	dir := "/proc/" + strconv.Itoa(pid) + "/"
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupProcess(b, pid)
		}
	})
	b.Run("readfile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			readFiles(b, dir+"stat", dir+"stat", dir+"stat", dir+"statm", dir+"cmdline")
		}
	})
}

func cupScan(b *testing.B) {
	ps, err := res.Snapshot()
	must(b, err)
	if len(ps) == 0 {
		b.Fatal("no processes")
	}
}

// BenchmarkResProcessScan: every process's pid, name, parent and RSS.
func BenchmarkResProcessScan(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupScan(b)
		}
	})
	b.Run("gopsutil", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ps, err := process.Processes()
			must(b, err)
			for _, p := range ps {
				// processes that exit meanwhile fail; like cup, skip them.
				if _, err := p.Name(); err != nil {
					continue
				}
				if _, err := p.Ppid(); err != nil {
					continue
				}
				_, _ = p.MemoryInfo()
			}
		}
	})
}

// BenchmarkResFloorProcessScan: list /proc and read every pid's stat.
func BenchmarkResFloorProcessScan(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cupScan(b)
		}
	})
	b.Run("readfile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d, err := os.Open("/proc")
			must(b, err)
			names, err := d.Readdirnames(-1)
			d.Close()
			must(b, err)
			for _, n := range names {
				if n[0] < '0' || n[0] > '9' {
					continue
				}
				_, _ = os.ReadFile("/proc/" + n + "/stat")
			}
		}
	})
}
