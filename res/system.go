package res

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/procfs"
)

// BootTime returns when the machine booted (CUP get_boottime_since_epoch,
// boot_time): the btime of /proc/stat. On the live system it is computed
// from CLOCK_REALTIME − CLOCK_BOOTTIME, as the kernel computes btime, and
// the file is read only when the clocks cannot give the exact second; an
// FS rooted elsewhere reads its stat file.
func BootTime() (time.Time, error) { return defaultFS.BootTime() }

// BootTime returns when the machine booted. A /proc/stat without btime
// gives an error matching errs.ErrNotSupported.
func (f *FS) BootTime() (time.Time, error) {
	if !supported {
		return time.Time{}, errNotSupported("BootTime")
	}
	b, err := f.proc.BootTime()
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(int64(b), 0), nil
}

// Uptime returns how long the machine has been up (/proc/uptime).
func Uptime() (time.Duration, error) { return defaultFS.Uptime() }

// Uptime returns how long the machine has been up.
func (f *FS) Uptime() (time.Duration, error) {
	if !supported {
		return 0, errNotSupported("Uptime")
	}
	up, _, err := f.proc.Uptime()
	if err != nil {
		return 0, err
	}
	return time.Duration(up * float64(time.Second)), nil
}

// KernelVersion returns the running kernel's release (CUP
// get_kernel_version), read from /proc/sys/kernel/osrelease (what uname -r
// prints).
func KernelVersion() (Kernel, error) { return defaultFS.KernelVersion() }

// KernelVersion returns the kernel release under the proc root.
func (f *FS) KernelVersion() (Kernel, error) {
	if !supported {
		return Kernel{}, errNotSupported("KernelVersion")
	}
	s, err := readSmall(f.proc.Path("sys", "kernel", "osrelease"))
	if err != nil {
		return Kernel{}, err
	}
	return ParseKernelRelease(strings.TrimSpace(s))
}

// ParseKernelRelease splits a release such as "3.10.0-957.el7.x86_64" into
// a Kernel: Parts is the split on ".", Major/Minor/Patch the leading digits
// of the first three parts (0 where a part has none).
func ParseKernelRelease(release string) (Kernel, error) {
	if release == "" {
		return Kernel{}, errs.New(errs.ErrInvalidArgument, "empty kernel release")
	}
	k := Kernel{Release: release, Parts: strings.Split(release, ".")}
	nums := [3]*int{&k.Major, &k.Minor, &k.Patch}
	for i := 0; i < 3 && i < len(k.Parts); i++ {
		p := k.Parts[i]
		j := 0
		for j < len(p) && j < 9 && p[j] >= '0' && p[j] <= '9' {
			j++
		}
		*nums[i], _ = strconv.Atoi(p[:j])
	}
	return k, nil
}

// CPUCount returns the number of online logical CPUs (CUP get_cpu_nums).
// CPU affinity and cgroup limits are not applied.
func CPUCount() (int, error) { return defaultFS.CPUCount() }

// CPUCount reads /sys/devices/system/cpu/online; if that is missing it
// counts "processor" lines of /proc/cpuinfo, then "cpuN" lines of
// /proc/stat. Finding none is an error matching errs.ErrNotSupported.
func (f *FS) CPUCount() (int, error) {
	if !supported {
		return 0, errNotSupported("CPUCount")
	}
	online := f.sysPath("devices", "system", "cpu", "online")
	if s, err := readSmall(online); err == nil {
		n, err := ParseCPUList(strings.TrimSpace(s))
		if err != nil {
			return 0, &errs.ParseError{File: online, Line: 1, Text: s, Msg: err.Error()}
		}
		if n > 0 {
			return n, nil
		}
	}
	if b, err := procfs.ReadFile(f.proc.Path("cpuinfo")); err == nil {
		n := 0
		for line := range bytes.Lines(b) {
			if bytes.HasPrefix(line, []byte("processor")) {
				n++
			}
		}
		if n > 0 {
			return n, nil
		}
	}
	st, err := f.proc.SystemStat()
	if err == nil && len(st.CPUs) > 0 {
		return len(st.CPUs), nil
	}
	return 0, errs.New(errs.ErrNotSupported, "couldn't determine the number of CPUs from %s, %s or %s",
		online, f.proc.Path("cpuinfo"), f.proc.Path("stat"))
}

// ParseCPUList counts the CPUs of a kernel CPU list such as "0-3,5,7-8".
func ParseCPUList(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n := 0
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a {
			return 0, errs.New(errs.ErrParse, "bad CPU list item %q", part)
		}
		n += b - a + 1
	}
	return n, nil
}

// LoadAvg returns the load averages of /proc/loadavg.
func LoadAvg() (Load, error) { return defaultFS.LoadAvg() }

// LoadAvg returns the load averages.
func (f *FS) LoadAvg() (Load, error) {
	if !supported {
		return Load{}, errNotSupported("LoadAvg")
	}
	a, err := f.proc.LoadAvg()
	if err != nil {
		return Load{}, err
	}
	return Load{Load1: a.Load1, Load5: a.Load5, Load15: a.Load15, Running: a.Running, Total: a.Total, LastPID: a.LastPID}, nil
}

// SystemCPUTimes returns the aggregate cpu line of /proc/stat in ticks.
// Two samples and [CPUUsageBetween] give a [CPUInfo] without sleeping here.
func SystemCPUTimes() (CPUTicks, error) { return defaultFS.CPUTimes("cpu") }

// CPUTimes returns the /proc/stat line named name ("cpu" for all CPUs,
// "cpuN" for CPU N) in ticks. A missing line is an error matching
// errs.ErrNotFound.
func (f *FS) CPUTimes(name string) (CPUTicks, error) {
	if !supported {
		return CPUTicks{}, errNotSupported("CPUTimes")
	}
	c, err := f.proc.CPU(name)
	if err != nil {
		return CPUTicks{}, err
	}
	return ticksOf(c), nil
}

// PerCPUTimes returns every cpuN line of /proc/stat in ticks, in file order.
func (f *FS) PerCPUTimes() ([]CPUTicks, error) {
	if !supported {
		return nil, errNotSupported("PerCPUTimes")
	}
	st, err := f.proc.SystemStat()
	if err != nil {
		return nil, err
	}
	out := make([]CPUTicks, len(st.CPUs))
	for i, c := range st.CPUs {
		out[i] = ticksOf(c)
	}
	return out, nil
}

func ticksOf(c procfs.CPUTimes) CPUTicks {
	return CPUTicks{Name: c.Name, User: c.User, Nice: c.Nice, System: c.System, Idle: c.Idle, IOWait: c.IOWait,
		IRQ: c.IRQ, SoftIRQ: c.SoftIRQ, Steal: c.Steal, Guest: c.Guest, GuestNice: c.GuestNice}
}

func (c CPUTicks) values() [10]uint64 {
	return [10]uint64{c.User, c.Nice, c.System, c.Idle, c.IOWait, c.IRQ, c.SoftIRQ, c.Steal, c.Guest, c.GuestNice}
}

// CPUUsageBetween computes CUP's CPUInfo from two samples of the same cpu
// line: each column's delta × 100 / the sum of all deltas. A counter that
// went backwards, or no tick at all between the samples, is an error
// matching errs.ErrInvalidArgument (never NaN or Inf).
func CPUUsageBetween(before, after CPUTicks) (CPUInfo, error) {
	a, b := before.values(), after.values()
	var d [10]float64
	var total float64
	for i := range a {
		if b[i] < a[i] {
			return CPUInfo{}, errs.New(errs.ErrInvalidArgument, "cpu counters went backwards between samples (column %d: %d then %d)", i+1, a[i], b[i])
		}
		d[i] = float64(b[i] - a[i])
		total += d[i]
	}
	if total == 0 {
		return CPUInfo{}, errs.New(errs.ErrInvalidArgument, "no CPU time elapsed during interval")
	}
	p := func(i int) float64 { return d[i] * 100 / total }
	return CPUInfo{Usr: p(0), Nice: p(1), System: p(2), Idle: p(3), IOWait: p(4), IRQ: p(5), SoftIRQ: p(6),
		Steal: p(7), Guest: p(8), GuestNice: p(9)}, nil
}

// CPUUsage measures the usage of all CPUs over interval (CUP
// get_cpu_usage).
func CPUUsage(ctx context.Context, interval time.Duration) (CPUInfo, error) {
	return defaultFS.CPUUsage(ctx, interval)
}

// CPUUsage measures the usage of all CPUs over interval. interval must
// be positive (errs.ErrInvalidArgument); a context that ends first returns
// its error, wrapped.
func (f *FS) CPUUsage(ctx context.Context, interval time.Duration) (CPUInfo, error) {
	return f.usage(ctx, "cpu", interval)
}

// CPUCoreUsage measures the usage of CPU core over interval (CUP
// get_cpu_core_usage).
func CPUCoreUsage(ctx context.Context, core int, interval time.Duration) (CPUInfo, error) {
	return defaultFS.CPUCoreUsage(ctx, core, interval)
}

// CPUCoreUsage measures the usage of one CPU over interval, from the
// line named exactly "cpu<core>". An unknown core is an error matching
// errs.ErrNotFound, reported before waiting.
func (f *FS) CPUCoreUsage(ctx context.Context, core int, interval time.Duration) (CPUInfo, error) {
	if core < 0 {
		return CPUInfo{}, errs.New(errs.ErrInvalidArgument, "cpu core %d: want 0 or more", core)
	}
	return f.usage(ctx, "cpu"+strconv.Itoa(core), interval)
}

func (f *FS) usage(ctx context.Context, name string, interval time.Duration) (CPUInfo, error) {
	if !supported {
		return CPUInfo{}, errNotSupported("CPUUsage")
	}
	if err := checkInterval(interval); err != nil {
		return CPUInfo{}, err
	}
	a, err := f.CPUTimes(name)
	if err != nil {
		return CPUInfo{}, err
	}
	if err := sleep(ctx, interval); err != nil {
		return CPUInfo{}, err
	}
	b, err := f.CPUTimes(name)
	if err != nil {
		return CPUInfo{}, err
	}
	return CPUUsageBetween(a, b)
}

// Memory returns /proc/meminfo as CUP's get_meminfo reports it.
func Memory() (MemInfo, error) { return defaultFS.Memory() }

// Memory reads /proc/meminfo. MemTotal, MemFree, Buffers, Cached, Active
// and Inactive are required: a missing one is an error matching
// errs.ErrNotSupported that names it.
func (f *FS) Memory() (MemInfo, error) {
	if !supported {
		return MemInfo{}, errNotSupported("Memory")
	}
	m, err := f.proc.Meminfo()
	if err != nil {
		return MemInfo{}, err
	}
	for _, k := range [...]string{"MemTotal", "MemFree", "Buffers", "Cached", "Active", "Inactive"} {
		if !m.Has(k) {
			return MemInfo{}, errs.New(errs.ErrNotSupported, "%s: no %q line", f.proc.Path("meminfo"), k)
		}
	}
	if m.MemTotal == 0 || m.MemFree > m.MemTotal {
		return MemInfo{}, &errs.ParseError{File: f.proc.Path("meminfo"), Msg: "MemTotal is 0 or below MemFree"}
	}
	avail := m.MemFree + m.Buffers + m.Cached
	var pct int
	if avail < m.MemTotal {
		pct = int((m.MemTotal - avail) * 100 / m.MemTotal)
	}
	return MemInfo{Total: m.MemTotal, Available: avail, Percent: pct, Used: m.MemTotal - m.MemFree, Free: m.MemFree,
		Active: m.Active, Inactive: m.Inactive, Buffers: m.Buffers, Cached: m.Cached, KernelAvailable: m.MemAvailable}, nil
}

// Swap returns swap usage (CUP get_swapinfo), every field in bytes.
func Swap() (SwapInfo, error) { return defaultFS.Swap() }

// Swap sums the areas of /proc/swaps and reads pswpin/pswpout of
// /proc/vmstat (pages × the page size). No swap configured gives zeros
// and no error.
func (f *FS) Swap() (SwapInfo, error) {
	if !supported {
		return SwapInfo{}, errNotSupported("Swap")
	}
	areas, err := f.proc.Swaps()
	if err != nil {
		return SwapInfo{}, err
	}
	var s SwapInfo
	for _, a := range areas {
		s.Total += a.Size
		s.Used += a.Used
	}
	if s.Used > s.Total {
		s.Used = s.Total
	}
	s.Free = s.Total - s.Used
	v, err := f.proc.VMStat()
	if err != nil {
		return SwapInfo{}, err
	}
	page := uint64(pageSize())
	s.SwapIn, s.SwapOut = v.PswpIn*page, v.PswpOut*page
	return s, nil
}

// NetIOCounters returns the counters of every interface of /proc/net/dev
// (CUP net_io_counters).
func NetIOCounters() (map[string]NetIO, error) { return defaultFS.NetIOCounters() }

// NetIOCounters returns the counters of every interface, by name.
func (f *FS) NetIOCounters() (map[string]NetIO, error) {
	if !supported {
		return nil, errNotSupported("NetIOCounters")
	}
	devs, err := f.proc.NetDev()
	if err != nil {
		return nil, err
	}
	m := make(map[string]NetIO, len(devs))
	for _, d := range devs {
		m[d.Name] = netIOOf(d)
	}
	return m, nil
}

func netIOOf(d procfs.NetDev) NetIO {
	return NetIO{BytesSent: d.TxBytes, BytesRecv: d.RxBytes, PacketsSent: d.TxPackets, PacketsRecv: d.RxPackets,
		ErrIn: d.RxErrs, ErrOut: d.TxErrs, DropIn: d.RxDrop, DropOut: d.TxDrop}
}

// NetThrough returns the received and sent byte counters of one interface
// (CUP get_net_through), matched by exact name.
func NetThrough(iface string) (rx, tx uint64, err error) { return defaultFS.NetThrough(iface) }

// NetThrough returns rx and tx bytes of iface. An interface not listed is
// an error matching errs.ErrNotFound that names it.
func (f *FS) NetThrough(iface string) (rx, tx uint64, err error) {
	if !supported {
		return 0, 0, errNotSupported("NetThrough")
	}
	d, found, err := f.proc.NetDevByName(iface)
	if err != nil {
		return 0, 0, err
	}
	if !found {
		return 0, 0, errs.New(errs.ErrNotFound, "interface %q not in %s", iface, f.proc.Path("net", "dev"))
	}
	return d.RxBytes, d.TxBytes, nil
}

// NetTransmitSpeed returns iface's sent bytes per second over interval.
// CUP's get_net_transmit_speed measured received bytes; this measures
// what its name says.
func NetTransmitSpeed(ctx context.Context, iface string, interval time.Duration) (float64, error) {
	return defaultFS.NetTransmitSpeed(ctx, iface, interval)
}

// NetTransmitSpeed returns iface's tx bytes per second over interval.
func (f *FS) NetTransmitSpeed(ctx context.Context, iface string, interval time.Duration) (float64, error) {
	_, tx, err := f.netSpeed(ctx, iface, interval)
	return tx, err
}

// NetRecvSpeed returns iface's received bytes per second over interval.
// CUP's get_net_recv_speed measured sent bytes; this measures what its
// name says.
func NetRecvSpeed(ctx context.Context, iface string, interval time.Duration) (float64, error) {
	return defaultFS.NetRecvSpeed(ctx, iface, interval)
}

// NetRecvSpeed returns iface's rx bytes per second over interval.
func (f *FS) NetRecvSpeed(ctx context.Context, iface string, interval time.Duration) (float64, error) {
	rx, _, err := f.netSpeed(ctx, iface, interval)
	return rx, err
}

// netSpeed samples iface twice, interval apart, and divides by the time
// that really passed between the samples.
func (f *FS) netSpeed(ctx context.Context, iface string, interval time.Duration) (rx, tx float64, err error) {
	if !supported {
		return 0, 0, errNotSupported("NetSpeed")
	}
	if err := checkInterval(interval); err != nil {
		return 0, 0, err
	}
	rx0, tx0, err := f.NetThrough(iface)
	if err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	if err := sleep(ctx, interval); err != nil {
		return 0, 0, err
	}
	rx1, tx1, err := f.NetThrough(iface)
	if err != nil {
		return 0, 0, err
	}
	secs := time.Since(t0).Seconds()
	return rate(rx0, rx1, secs), rate(tx0, tx1, secs), nil
}

// rate is (b − a) / secs; a counter that went backwards (interface reset)
// counts as 0.
func rate(a, b uint64, secs float64) float64 {
	if b < a || secs <= 0 {
		return 0
	}
	return float64(b-a) / secs
}

// DiskUsage returns the usage of the filesystem holding path, with CUP's
// formulas (Used = Total − Free, Free = space for unprivileged users).
func DiskUsage(path string) (Disk, error) {
	if !supported {
		return Disk{}, errNotSupported("DiskUsage")
	}
	if path == "" {
		return Disk{}, errs.New(errs.ErrInvalidArgument, "DiskUsage: empty path")
	}
	total, free, err := statfs(path)
	if err != nil {
		if errors.Is(err, errs.ErrNotSupported) {
			return Disk{}, err
		}
		return Disk{}, errs.New(errs.ErrIO, "disk usage of %s: %w", path, err)
	}
	if free > total {
		free = total
	}
	return Disk{Total: total, Used: total - free, Free: free}, nil
}

// DiskUsageAll returns the usage of "/" as CUP's get_disk_usage_all:
// bytes when raw, else GB when the total exceeds 1 GiB, MB when it exceeds
// 1 MiB, bytes otherwise (1 GB = 1024³ bytes).
func DiskUsageAll(raw bool) (DiskHuman, error) {
	d, err := DiskUsage("/")
	if err != nil {
		return DiskHuman{}, err
	}
	return humanDisk(d, raw), nil
}

func humanDisk(d Disk, raw bool) DiskHuman {
	div, unit := 1.0, "Byte"
	switch {
	case raw:
	case d.Total > 1<<30:
		div, unit = 1<<30, "GB"
	case d.Total > 1<<20:
		div, unit = 1<<20, "MB"
	}
	total, free := float64(d.Total)/div, float64(d.Free)/div
	return DiskHuman{TotalSpace: total, FreeSpace: free, UsedSpace: total - free, Unit: unit}
}

// DiskInfo runs `df -lhP` (local filesystems, human sizes, one line per
// filesystem) with LC_ALL=C and returns its rows (CUP get_disk_info, plus
// the mount point).
func DiskInfo(ctx context.Context) ([]DiskEntry, error) {
	if !supported {
		return nil, errNotSupported("DiskInfo")
	}
	cmd := exec.CommandContext(ctx, "df", "-lhP")
	cmd.Env = append(cmd.Environ(), "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, errs.New(errs.ErrShell, "df -lhP: %w", ctx.Err())
		}
		return nil, errs.New(errs.ErrShell, "df -lhP: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return ParseDF(out)
}

// ParseDF parses the output of `df -P` (a header, then six columns; the
// mount point may contain spaces).
func ParseDF(out []byte) ([]DiskEntry, error) {
	entries := []DiskEntry{}
	n := 0
	for line := range bytes.Lines(out) {
		n++
		line = bytes.TrimRight(line, "\n")
		if n == 1 || len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		f := strings.Fields(string(line))
		if len(f) < 6 {
			return nil, &errs.ParseError{File: "df -lhP", Line: n, Text: string(line), Msg: "want 6 columns"}
		}
		// the mount point is the rest after the fifth column.
		rest := string(line)
		for range 5 {
			rest = strings.TrimLeft(rest, " \t")
			i := strings.IndexAny(rest, " \t")
			rest = rest[i:]
		}
		entries = append(entries, DiskEntry{FileSystem: f[0], Size: f[1], Used: f[2], Available: f[3],
			Percentage: f[4], MountedOn: strings.TrimLeft(rest, " \t")})
	}
	return entries, nil
}
