package res

import "time"

// CPUInfo is CPU usage over an interval, in percent per column of
// /proc/stat (CUP CPUInfo). The fields sum to 100: like CUP, the total
// includes Guest and GuestNice although the kernel also counts them in
// Usr and Nice.
type CPUInfo struct {
	Usr       float64 `json:"usr"`
	Nice      float64 `json:"nice"`
	System    float64 `json:"system"`
	Idle      float64 `json:"idle"`
	IOWait    float64 `json:"iowait"`
	IRQ       float64 `json:"irq"`
	SoftIRQ   float64 `json:"softirq"`
	Steal     float64 `json:"steal"`
	Guest     float64 `json:"guest"`
	GuestNice float64 `json:"guest_nice"`
}

// Busy is 100 minus Idle and IOWait: the share of time the CPUs worked.
func (c CPUInfo) Busy() float64 { return 100 - c.Idle - c.IOWait }

// CPUTicks is one cpu line of /proc/stat in clock ticks (USER_HZ). Take
// two samples and pass them to [CPUUsageBetween] to get a [CPUInfo].
// Columns the kernel does not have are 0.
type CPUTicks struct {
	Name      string `json:"name"` // "cpu" (all CPUs) or "cpuN"
	User      uint64 `json:"user"`
	Nice      uint64 `json:"nice"`
	System    uint64 `json:"system"`
	Idle      uint64 `json:"idle"`
	IOWait    uint64 `json:"iowait"`
	IRQ       uint64 `json:"irq"`
	SoftIRQ   uint64 `json:"softirq"`
	Steal     uint64 `json:"steal"`
	Guest     uint64 `json:"guest"`
	GuestNice uint64 `json:"guest_nice"`
}

// MemInfo is /proc/meminfo as CUP's get_meminfo reports it, in bytes.
type MemInfo struct {
	Total uint64 `json:"total"`
	// Available is CUP's formula: Free + Buffers + Cached. It ignores
	// unreclaimable page cache (shmem, tmpfs); KernelAvailable is usually
	// the better estimate.
	Available uint64 `json:"available"`
	// Percent is (Total − Available) × 100 / Total, truncated.
	Percent  int    `json:"percent"`
	Used     uint64 `json:"used"` // Total − Free (includes buffers and cache)
	Free     uint64 `json:"free"`
	Active   uint64 `json:"active"`
	Inactive uint64 `json:"inactive"`
	Buffers  uint64 `json:"buffers"`
	Cached   uint64 `json:"cached"`
	// KernelAvailable is the kernel's MemAvailable (0 before Linux 3.14).
	KernelAvailable uint64 `json:"kernel_available"`
}

// SwapInfo is swap usage (CUP SWAPINFO), every field in bytes.
type SwapInfo struct {
	Total   uint64 `json:"total"`
	Free    uint64 `json:"free"`
	Used    uint64 `json:"used"`
	SwapIn  uint64 `json:"sin"`  // bytes swapped in since boot
	SwapOut uint64 `json:"sout"` // bytes swapped out since boot
}

// NetIO is one interface's counters of /proc/net/dev (CUP
// net_io_counters' tuple, with names).
type NetIO struct {
	BytesSent   uint64 `json:"bytes_sent"`
	BytesRecv   uint64 `json:"bytes_recv"`
	PacketsSent uint64 `json:"packets_sent"`
	PacketsRecv uint64 `json:"packets_recv"`
	ErrIn       uint64 `json:"errin"`
	ErrOut      uint64 `json:"errout"`
	DropIn      uint64 `json:"dropin"`
	DropOut     uint64 `json:"dropout"`
}

// Kernel is the running kernel's release (CUP get_kernel_version).
type Kernel struct {
	Release string   `json:"release"` // "6.18.44-fc-v669"
	Parts   []string `json:"parts"`   // Release split on ".": CUP's tuple
	Major   int      `json:"major"`   // leading digits of Parts[0], 0 if none
	Minor   int      `json:"minor"`
	Patch   int      `json:"patch"`
}

// Disk is the usage of one filesystem in bytes, with CUP's formulas:
// Free is what unprivileged users may still use, Used = Total − Free.
type Disk struct {
	Total uint64 `json:"total"`
	Used  uint64 `json:"used"`
	Free  uint64 `json:"free"`
}

// DiskHuman is CUP's get_disk_usage_all result for "/".
type DiskHuman struct {
	TotalSpace float64 `json:"totalSpace"`
	UsedSpace  float64 `json:"usedSpace"`
	FreeSpace  float64 `json:"freeSpace"`
	Unit       string  `json:"unit"` // "Byte", "MB" or "GB"
}

// DiskEntry is one line of `df -lhP` (CUP get_disk_info, plus the mount
// point CUP drops).
type DiskEntry struct {
	FileSystem string `json:"FileSystem"`
	Size       string `json:"Size"`
	Used       string `json:"Used"`
	Available  string `json:"Available"`
	Percentage string `json:"Percentage"`
	MountedOn  string `json:"MountedOn"`
}

// Load is /proc/loadavg.
type Load struct {
	Load1   float64 `json:"load1"`
	Load5   float64 `json:"load5"`
	Load15  float64 `json:"load15"`
	Running int     `json:"running"`
	Total   int     `json:"total"`
	LastPID int     `json:"last_pid"`
}

// Status is a process state, spelled as CUP spells it.
type Status string

// Process states (CUP's STATUS_* strings; StatusIdle and StatusParked are
// new kernel states CUP reports as "?").
const (
	StatusRunning     Status = "STATUS_RUNNING"
	StatusSleeping    Status = "STATUS_SLEEPING"
	StatusDiskSleep   Status = "STATUS_DISK_SLEEP"
	StatusStopped     Status = "STATUS_STOPPED"
	StatusTracingStop Status = "STATUS_TRACING_STOP"
	StatusZombie      Status = "STATUS_ZOMBIE"
	StatusDead        Status = "STATUS_DEAD"
	StatusWakeKill    Status = "STATUS_WAKE_KILL"
	StatusWaking      Status = "STATUS_WAKING"
	StatusIdle        Status = "STATUS_IDLE"
	StatusParked      Status = "STATUS_PARKED"
	StatusUnknown     Status = "?"
)

// StatusOf maps a state letter of /proc/PID/stat or status to a Status.
func StatusOf(letter byte) Status {
	switch letter {
	case 'R':
		return StatusRunning
	case 'S':
		return StatusSleeping
	case 'D':
		return StatusDiskSleep
	case 'T':
		return StatusStopped
	case 't':
		return StatusTracingStop
	case 'Z':
		return StatusZombie
	case 'X', 'x':
		return StatusDead
	case 'K':
		return StatusWakeKill
	case 'W':
		return StatusWaking
	case 'I':
		return StatusIdle
	case 'P':
		return StatusParked
	}
	return StatusUnknown
}

// IOCounters are a process's I/O counters (/proc/PID/io).
type IOCounters struct {
	ReadCount  uint64 `json:"read_count"`  // syscr
	WriteCount uint64 `json:"write_count"` // syscw
	ReadBytes  uint64 `json:"read_bytes"`  // read_bytes (from storage)
	WriteBytes uint64 `json:"write_bytes"` // write_bytes (to storage)
}

// CPUTimes are the CPU seconds a process spent in user and kernel mode.
type CPUTimes struct {
	User   float64 `json:"user"`
	System float64 `json:"system"`
}

// MemoryInfo is a process's resident and virtual size in bytes.
type MemoryInfo struct {
	RSS uint64 `json:"rss"`
	VMS uint64 `json:"vms"`
}

// MemoryInfoEx is /proc/PID/statm in bytes.
type MemoryInfoEx struct {
	RSS    uint64 `json:"rss"`
	VMS    uint64 `json:"vms"`
	Shared uint64 `json:"shared"`
	Text   uint64 `json:"text"`
	Lib    uint64 `json:"lib"`
	Data   uint64 `json:"data"`
	Dirty  uint64 `json:"dirty"`
}

// MemoryMap is one mapping of /proc/PID/smaps, amounts in bytes.
type MemoryMap struct {
	Addr         string `json:"addr"`
	Perms        string `json:"perms"`
	Path         string `json:"path"` // "[anon]" for anonymous mappings
	RSS          uint64 `json:"rss"`
	Size         uint64 `json:"size"`
	PSS          uint64 `json:"pss"`
	SharedClean  uint64 `json:"shared_clean"`
	SharedDirty  uint64 `json:"shared_dirty"`
	PrivateClean uint64 `json:"private_clean"`
	PrivateDirty uint64 `json:"private_dirty"`
	Referenced   uint64 `json:"referenced"`
	Anonymous    uint64 `json:"anonymous"`
	Swap         uint64 `json:"swap"`
}

// CtxSwitches counts a process's voluntary and involuntary context switches.
type CtxSwitches struct {
	Voluntary   int64 `json:"voluntary"`
	Involuntary int64 `json:"involuntary"`
}

// Thread is one thread of a process with its CPU seconds.
type Thread struct {
	ID     int     `json:"id"`
	User   float64 `json:"user"`
	System float64 `json:"system"`
}

// OpenFile is a regular file a process holds open.
type OpenFile struct {
	Path string `json:"path"`
	FD   int    `json:"fd"`
}

// Addr is a socket address: IP and Port for inet sockets, Path for unix
// sockets. The zero Addr stands for CUP's () and None (no address).
type Addr struct {
	IP   string `json:"ip,omitempty"`
	Port int    `json:"port,omitempty"`
	Path string `json:"path,omitempty"`
}

// IsZero reports whether a is the zero Addr.
func (a Addr) IsZero() bool { return a == Addr{} }

// String renders "ip:port", "[ip6]:port", the path, or "".
func (a Addr) String() string {
	switch {
	case a.IP != "":
		for i := 0; i < len(a.IP); i++ {
			if a.IP[i] == ':' {
				return "[" + a.IP + "]:" + itoa(a.Port)
			}
		}
		return a.IP + ":" + itoa(a.Port)
	default:
		return a.Path
	}
}

// Connection is one socket a process holds (CUP get_connections' tuple).
type Connection struct {
	FD     int    `json:"fd"`
	Family int    `json:"family"` // 2 AF_INET, 10 AF_INET6, 1 AF_UNIX
	Type   int    `json:"type"`   // 1 stream, 2 datagram (unix: the kernel's type)
	Laddr  Addr   `json:"laddr"`
	Raddr  Addr   `json:"raddr"`
	Status string `json:"status"` // "CONN_LISTEN", ..., "CONN_NONE"
}

// IDs are the real, effective and saved user or group ids of a process.
type IDs struct {
	Real      int `json:"real"`
	Effective int `json:"effective"`
	Saved     int `json:"saved"`
}

// ProcInfo is a one-read summary of a process from /proc/PID/stat, as
// [FS.Snapshot] returns it for every process.
type ProcInfo struct {
	PID        int       `json:"pid"`
	PPID       int       `json:"ppid"`
	Name       string    `json:"name"`
	Status     Status    `json:"status"`
	RSS        uint64    `json:"rss"` // bytes
	VMS        uint64    `json:"vms"` // bytes
	Threads    int       `json:"threads"`
	Nice       int       `json:"nice"`
	CPU        CPUTimes  `json:"cpu_times"`
	CreateTime time.Time `json:"create_time"`
}
