//go:build interop && linux

// A test against Baidu's own CUP: CUP 3.2.7's cup.res.linux (under Python
// 3) and this package read the same machine and the same sleeping child
// process, and every value that cannot change in between must agree.
// CUP's source is not part of this repository, so the test is built only
// with -tags interop:
//
//	CUP_SRC=/path/to/CUP-3.2.7 CUP_PYTHON3=python3 \
//	    go test -tags interop -run TestInteropCUPRes -count=1 -v ./res
//
// or scripts/interop-cup.sh. Once built with the tag, a missing CUP_SRC
// fails the test: it never skips.

package res

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cupgo/cup/internal/cupinterop"
)

// cupResOracle prints, as one JSON object, what CUP's cup.res.linux says
// of the machine and of process argv[3].
const cupResOracle = `
import json, sys, warnings
warnings.simplefilter('ignore')
from cup.res import linux
pid = int(sys.argv[3])
p = linux.Process(pid)
mem, swap = linux.get_meminfo(), linux.get_swapinfo()
out = {
    'boot': linux.get_boottime_since_epoch(),
    'cpus': linux.get_cpu_nums(),
    'kernel': list(linux.get_kernel_version()),
    'mem_total': mem.total,
    'swap_total': swap.total,
    'pids_has_child': pid in linux.pids(),
    'nics': sorted(linux.net_io_counters().keys()),
    'create_time': float(p.create_time()),
    'name': p.get_process_name(),
    'exe': p.get_process_exe(),
    'cmdline': p.get_process_cmdline(),
    'cwd': p.get_process_cwd(),
    'ppid': p.get_process_ppid(),
    'pgid': p.getpgid(),
    'uids': list(p.get_process_uids()),
    'gids': list(p.get_process_gids()),
    'threads': p.get_process_num_threads(),
    'nice': p.get_process_nice(),
    'status': p.get_process_status(),
    'num_fds': p.get_num_fds(),
    'open_files': sorted([f.file, f.fd] for f in p.get_open_files()),
    'mem': list(p.get_memory_info()),
    'mem_ex': list(p.get_ext_memory_info()),
    'ctx': list(p.get_num_ctx_switches()),
    'cpu': list(p.get_cpu_times()),
    'io': list(p.get_process_io_counters()),
}
print(json.dumps(out))
`

type cupResView struct {
	Boot         float64   `json:"boot"`
	CPUs         int       `json:"cpus"`
	Kernel       []string  `json:"kernel"`
	MemTotal     uint64    `json:"mem_total"`
	SwapTotal    uint64    `json:"swap_total"`
	PidsHasChild bool      `json:"pids_has_child"`
	NICs         []string  `json:"nics"`
	CreateTime   float64   `json:"create_time"`
	Name         string    `json:"name"`
	Exe          string    `json:"exe"`
	Cmdline      []string  `json:"cmdline"`
	Cwd          string    `json:"cwd"`
	PPID         int       `json:"ppid"`
	Pgid         int       `json:"pgid"`
	UIDs         []int     `json:"uids"`
	GIDs         []int     `json:"gids"`
	Threads      int       `json:"threads"`
	Nice         int       `json:"nice"`
	Status       string    `json:"status"`
	NumFDs       int       `json:"num_fds"`
	OpenFiles    [][2]any  `json:"open_files"`
	Mem          []uint64  `json:"mem"`
	MemEx        []uint64  `json:"mem_ex"`
	Ctx          []int64   `json:"ctx"`
	CPU          []float64 `json:"cpu"`
	IO           []uint64  `json:"io"`
}

// must returns v, or panics with err; TestInteropCUPRes turns the panic
// into a test failure.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestInteropCUPRes(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("reading with package res: %v", r)
		}
	}()
	env := cupinterop.Setup(t, "cup/res/linux.py")
	src, stubs, dir, python := env.Src, env.Stubs, env.Dir, env.Python3
	script := env.Script(t, "oracle.py", cupResOracle)

	// The child: sleep with a known working directory, an extra regular
	// file open on fd 3 and nice 7, so that every field has something to
	// say; sleeping, nothing in it changes between the two readings.
	held, err := os.Create(filepath.Join(dir, "held.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	child := exec.Command("sleep", "60")
	child.Dir = work
	child.ExtraFiles = []*os.File{held}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	pid := child.Process.Pid
	if err := syscall.Setpriority(syscall.PRIO_PROCESS, pid, 7); err != nil {
		t.Fatal(err)
	}
	p := must(NewProcess(pid))
	deadline := time.Now().Add(10 * time.Second)
	for {
		name, _ := p.Name()
		st, _ := p.Status()
		if name == "sleep" && st == StatusSleeping {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("child %d never went to sleep: %q %s", pid, name, st)
		}
		time.Sleep(10 * time.Millisecond)
	}

	out, err := exec.Command(python, script, src, stubs, strconv.Itoa(pid)).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("CUP oracle: %v\n%s", err, stderr)
	}
	var cup cupResView
	if err := json.Unmarshal(out, &cup); err != nil {
		t.Fatalf("oracle printed %s: %v", out, err)
	}

	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: cup-go %v, CUP %v", what, got, want)
		}
	}
	boot := must(BootTime())
	if d := math.Abs(float64(boot.UnixNano())/1e9 - cup.Boot); d > 1 {
		t.Errorf("boot time: cup-go %v, CUP %v", boot.Unix(), cup.Boot)
	}
	check("cpu count", must(CPUCount()), cup.CPUs)
	check("kernel version", must(KernelVersion()).Parts, cup.Kernel)
	check("memory total", must(Memory()).Total, cup.MemTotal)
	check("swap total", must(Swap()).Total, cup.SwapTotal)
	check("child in pids", slices.Contains(must(Pids()), pid), cup.PidsHasChild)
	nics := must(NetIOCounters())
	var names []string
	for n := range nics {
		names = append(names, n)
	}
	slices.Sort(names)
	check("interfaces", names, cup.NICs)

	ct := must(p.CreateTime())
	// CUP rounds the start time to 1/100 s (clock ticks).
	if d := math.Abs(float64(ct.UnixNano())/1e9 - cup.CreateTime); d > 0.011 {
		t.Errorf("create time: cup-go %.3f, CUP %.2f", float64(ct.UnixNano())/1e9, cup.CreateTime)
	}
	check("name", must(p.Name()), cup.Name)
	check("exe", must(p.Exe()), cup.Exe)
	check("cmdline", must(p.Cmdline()), cup.Cmdline)
	check("cwd", must(p.Cwd()), cup.Cwd)
	check("ppid", must(p.PPID()), cup.PPID)
	check("pgid", must(p.Pgid()), cup.Pgid)
	u := must(p.UIDs())
	check("uids", []int{u.Real, u.Effective, u.Saved}, cup.UIDs)
	g := must(p.GIDs())
	check("gids", []int{g.Real, g.Effective, g.Saved}, cup.GIDs)
	check("threads", must(p.NumThreads()), cup.Threads)
	check("nice", must(p.Nice()), cup.Nice)
	check("status", string(must(p.Status())), cup.Status)
	check("fds", must(p.NumFDs()), cup.NumFDs)
	var files [][2]any
	for _, f := range must(p.OpenFiles()) {
		files = append(files, [2]any{f.Path, float64(f.FD)})
	}
	slices.SortFunc(files, func(a, b [2]any) int { return strings.Compare(a[0].(string), b[0].(string)) })
	check("open files", files, cup.OpenFiles)
	if !slices.ContainsFunc(files, func(f [2]any) bool { return f[0] == held.Name() && f[1] == float64(3) }) {
		t.Errorf("open files %v lack %s on fd 3", files, held.Name())
	}
	m := must(p.MemoryInfo())
	check("memory", []uint64{m.RSS, m.VMS}, cup.Mem)
	mx := must(p.MemoryInfoEx())
	check("memory ex", []uint64{mx.RSS, mx.VMS, mx.Shared, mx.Text, mx.Lib, mx.Data, mx.Dirty}, cup.MemEx)
	c := must(p.NumCtxSwitches())
	check("context switches", []int64{c.Voluntary, c.Involuntary}, cup.Ctx)
	ti := must(p.CPUTimes())
	check("cpu times", []float64{ti.User, ti.System}, cup.CPU)
	io := must(p.IOCounters())
	check("io counters", []uint64{io.ReadCount, io.WriteCount, io.ReadBytes, io.WriteBytes}, cup.IO)
	if t.Failed() {
		t.Logf("CUP: %s", out)
	}
}
