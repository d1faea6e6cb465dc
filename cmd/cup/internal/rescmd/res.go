// Package rescmd implements "cup res" (a machine summary) and
// "cup res proc PID" (one process), over package res.
package rescmd

import (
	"context"
	"fmt"
	"io"
	stdnet "net"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/res"
)

// Options are the parsed arguments of "cup res".
type Options struct {
	IO       *cmdutil.IOStreams
	JSON     bool
	Interval time.Duration
	// FS is where to read; nil means the live system.
	FS *res.FS
}

// NewCmd builds "cup res" and its "proc" subcommand. runF replaces the
// default run in tests.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "res",
		Short: "Show a machine summary: CPU, load, memory, swap, disk, kernel and network rates",
		Long: "Show a machine summary read from /proc: online CPUs, load, CPU usage and per-interface\n" +
			"rx/tx rates measured over --interval, memory (CUP's available and the kernel's),\n" +
			"swap, the root filesystem, boot time and kernel release.",
		Example: "  cup res\n  cup res --interval 200ms --json\n  cup res proc 1",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.IO = f.IO
			if opts.Interval <= 0 {
				return cmdutil.FlagErrorf("--interval %v: want a positive duration", opts.Interval)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().DurationVar(&opts.Interval, "interval", time.Second, "how long to measure CPU usage and network rates")
	cmdutil.AddJSONFlag(cmd, &opts.JSON)
	cmd.AddCommand(newCmdProc(f, nil))
	return cmd
}

// Summary is what "cup res" reports (and prints with --json).
type Summary struct {
	Hostname string        `json:"hostname"`
	Kernel   res.Kernel    `json:"kernel"`
	BootTime time.Time     `json:"boot_time"`
	Uptime   time.Duration `json:"uptime_ns"`
	CPUs     int           `json:"cpus"`
	Load     res.Load      `json:"load"`
	Interval time.Duration `json:"interval_ns"`
	CPU      res.CPUInfo   `json:"cpu"`
	Memory   res.MemInfo   `json:"memory"`
	Swap     res.SwapInfo  `json:"swap"`
	Disk     *res.Disk     `json:"root_disk,omitempty"`
	NICs     []NIC         `json:"nics"`
}

// NIC is one interface with its addresses, counters and rates.
type NIC struct {
	Name    string   `json:"name"`
	Addrs   []string `json:"addrs"`
	RxBytes uint64   `json:"rx_bytes"`
	TxBytes uint64   `json:"tx_bytes"`
	RxRate  float64  `json:"rx_bytes_per_sec"`
	TxRate  float64  `json:"tx_bytes_per_sec"`
	ErrIn   uint64   `json:"errin"`
	ErrOut  uint64   `json:"errout"`
	DropIn  uint64   `json:"dropin"`
	DropOut uint64   `json:"dropout"`
}

// collect reads everything, sampling CPU and network counters over one
// shared interval.
func collect(ctx context.Context, opts *Options) (*Summary, error) {
	fs := opts.FS
	if fs == nil {
		fs = res.NewFS(res.Options{})
	}
	s := &Summary{Interval: opts.Interval}
	s.Hostname, _ = os.Hostname()
	var err error
	if s.CPUs, err = fs.CPUCount(); err != nil {
		return nil, err
	}
	if s.Kernel, err = fs.KernelVersion(); err != nil {
		return nil, err
	}
	if s.BootTime, err = fs.BootTime(); err != nil {
		return nil, err
	}
	if s.Uptime, err = fs.Uptime(); err != nil {
		return nil, err
	}
	if s.Load, err = fs.LoadAvg(); err != nil {
		return nil, err
	}
	if s.Memory, err = fs.Memory(); err != nil {
		return nil, err
	}
	if s.Swap, err = fs.Swap(); err != nil {
		return nil, err
	}
	if d, err := res.DiskUsage("/"); err == nil {
		s.Disk = &d
	}
	cpu0, err := fs.CPUTimes("cpu")
	if err != nil {
		return nil, err
	}
	net0, err := fs.NetIOCounters()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	timer := time.NewTimer(opts.Interval)
	select {
	case <-ctx.Done():
		timer.Stop()
		return nil, ctx.Err()
	case <-timer.C:
	}
	cpu1, err := fs.CPUTimes("cpu")
	if err != nil {
		return nil, err
	}
	net1, err := fs.NetIOCounters()
	if err != nil {
		return nil, err
	}
	secs := time.Since(t0).Seconds()
	if s.CPU, err = res.CPUUsageBetween(cpu0, cpu1); err != nil {
		return nil, err
	}
	for name, b := range net1 {
		n := NIC{Name: name, Addrs: []string{}, RxBytes: b.BytesRecv, TxBytes: b.BytesSent,
			ErrIn: b.ErrIn, ErrOut: b.ErrOut, DropIn: b.DropIn, DropOut: b.DropOut}
		if a, ok := net0[name]; ok { // an interface that just appeared has no rate yet
			n.RxRate = rate(a.BytesRecv, b.BytesRecv, secs)
			n.TxRate = rate(a.BytesSent, b.BytesSent, secs)
		}
		if ifc, err := stdnet.InterfaceByName(name); err == nil {
			if addrs, err := ifc.Addrs(); err == nil {
				for _, a := range addrs {
					n.Addrs = append(n.Addrs, a.String())
				}
			}
		}
		s.NICs = append(s.NICs, n)
	}
	// busiest first, then by name
	slices.SortFunc(s.NICs, func(a, b NIC) int {
		if d := (b.RxRate + b.TxRate) - (a.RxRate + a.TxRate); d != 0 {
			if d > 0 {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return s, nil
}

func rate(a, b uint64, secs float64) float64 {
	if b < a || secs <= 0 {
		return 0
	}
	return float64(b-a) / secs
}

func run(ctx context.Context, opts *Options) error {
	s, err := collect(ctx, opts)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(opts.IO.Out, s)
	}
	return printSummary(opts.IO.Out, s)
}

func printSummary(out io.Writer, s *Summary) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	host := s.Hostname
	if host == "" {
		host = "(unknown host)"
	}
	fmt.Fprintf(w, "Host\t%s\n", host)
	fmt.Fprintf(w, "Kernel\t%s\n", s.Kernel.Release)
	fmt.Fprintf(w, "Booted\t%s (up %s)\n", s.BootTime.Local().Format("2006-01-02 15:04:05 MST"), duration(s.Uptime))
	fmt.Fprintf(w, "CPU\t%d online, %.1f%% busy over %s (usr %.1f  sys %.1f  iowait %.1f  steal %.1f  idle %.1f)\n",
		s.CPUs, s.CPU.Busy(), s.Interval, s.CPU.Usr+s.CPU.Nice, s.CPU.System+s.CPU.IRQ+s.CPU.SoftIRQ, s.CPU.IOWait, s.CPU.Steal, s.CPU.Idle)
	fmt.Fprintf(w, "Load\t%.2f %.2f %.2f (1, 5, 15 min), %d/%d tasks running\n", s.Load.Load1, s.Load.Load5, s.Load.Load15, s.Load.Running, s.Load.Total)
	m := s.Memory
	fmt.Fprintf(w, "Memory\t%s total, %s used (%d%%), %s available (kernel estimate %s)\n",
		bytesIEC(m.Total), bytesIEC(m.Total-min(m.Available, m.Total)), m.Percent, bytesIEC(m.Available), bytesIEC(m.KernelAvailable))
	fmt.Fprintf(w, "\t%s free, %s buffers, %s cached\n", bytesIEC(m.Free), bytesIEC(m.Buffers), bytesIEC(m.Cached))
	if s.Swap.Total == 0 {
		fmt.Fprintf(w, "Swap\tnone\n")
	} else {
		fmt.Fprintf(w, "Swap\t%s total, %s used (%.0f%%), %s in / %s out since boot\n", bytesIEC(s.Swap.Total), bytesIEC(s.Swap.Used),
			float64(s.Swap.Used)*100/float64(s.Swap.Total), bytesIEC(s.Swap.SwapIn), bytesIEC(s.Swap.SwapOut))
	}
	if d := s.Disk; d != nil && d.Total > 0 {
		fmt.Fprintf(w, "Disk /\t%s total, %s used (%.0f%%), %s free\n", bytesIEC(d.Total), bytesIEC(d.Used),
			float64(d.Used)*100/float64(d.Total), bytesIEC(d.Free))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out)
	rows := [][]string{{"INTERFACE", "ADDRESS", "RX/s", "TX/s", "RX TOTAL", "TX TOTAL", "ERR IN/OUT", "DROP IN/OUT"}}
	for _, n := range s.NICs {
		addrs := n.Addrs
		if len(addrs) == 0 {
			addrs = []string{"-"}
		}
		rows = append(rows, []string{n.Name, addrs[0], bytesIEC(uint64(n.RxRate + 0.5)), bytesIEC(uint64(n.TxRate + 0.5)),
			bytesIEC(n.RxBytes), bytesIEC(n.TxBytes), fmt.Sprintf("%d/%d", n.ErrIn, n.ErrOut), fmt.Sprintf("%d/%d", n.DropIn, n.DropOut)})
		for _, a := range addrs[1:] {
			rows = append(rows, []string{"", a, "", "", "", "", "", ""})
		}
	}
	return writeTable(out, rows, 2)
}

// writeTable prints rows in columns two spaces apart: the first left
// columns left-aligned, the others (numbers) right-aligned.
func writeTable(out io.Writer, rows [][]string, left int) error {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		line := make([]byte, 0, 128)
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				line = append(line, "  "...)
			}
			if i < left {
				line = append(line, c+pad...)
			} else {
				line = append(line, pad+c...)
			}
		}
		b.WriteString(strings.TrimRight(string(line), " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// bytesIEC renders n with a binary unit: "512 B", "1.5 KiB", "3.2 GiB".
func bytesIEC(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// duration renders d as "3d 4h 5m" or "4h 5m 6s".
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	sec := (d - m*time.Minute) / time.Second
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh %dm", days, h, m)
	case h > 0:
		return fmt.Sprintf("%dh %dm %ds", h, m, sec)
	default:
		return fmt.Sprintf("%dm %ds", m, sec)
	}
}
