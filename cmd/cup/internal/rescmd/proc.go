package rescmd

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/res"
)

// ProcOptions are the parsed arguments of "cup res proc".
type ProcOptions struct {
	IO   *cmdutil.IOStreams
	JSON bool
	PID  int
	// FS is where to read; nil means the live system.
	FS *res.FS
}

func newCmdProc(f *cmdutil.Factory, runF func(context.Context, *ProcOptions) error) *cobra.Command {
	opts := &ProcOptions{}
	cmd := &cobra.Command{
		Use:     "proc PID",
		Short:   "Show one process: name, state, parent, command line, memory, CPU, files and sockets",
		Example: "  cup res proc 1\n  cup res proc $$ --json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO = f.IO
			pid, err := strconv.Atoi(args[0])
			if err != nil || pid <= 0 {
				return cmdutil.FlagErrorf("PID %q: want a positive number", args[0])
			}
			opts.PID = pid
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runProc(cmd.Context(), opts)
		},
	}
	cmdutil.AddJSONFlag(cmd, &opts.JSON)
	return cmd
}

// ProcReport is what "cup res proc" reports. Facts the caller may not
// read (another user's io, fds, ...) are left out and listed in Errors.
type ProcReport struct {
	PID         int               `json:"pid"`
	Name        string            `json:"name"`
	Status      res.Status        `json:"status"`
	PPID        int               `json:"ppid"`
	Pgid        int               `json:"pgid"`
	UIDs        res.IDs           `json:"uids"`
	GIDs        res.IDs           `json:"gids"`
	Exe         string            `json:"exe"`
	Cwd         string            `json:"cwd"`
	Cmdline     []string          `json:"cmdline"`
	CreateTime  time.Time         `json:"create_time"`
	Nice        int               `json:"nice"`
	NumThreads  int               `json:"num_threads"`
	CPUTimes    res.CPUTimes      `json:"cpu_times"`
	Memory      res.MemoryInfoEx  `json:"memory"`
	CtxSwitches res.CtxSwitches   `json:"ctx_switches"`
	IO          *res.IOCounters   `json:"io,omitempty"`
	NumFDs      int               `json:"num_fds"`
	OpenFiles   []res.OpenFile    `json:"open_files"`
	Connections []res.Connection  `json:"connections"`
	Children    []int             `json:"children"`
	Errors      map[string]string `json:"errors,omitempty"`
}

func collectProc(opts *ProcOptions) (*ProcReport, error) {
	fs := opts.FS
	if fs == nil {
		fs = res.NewFS(res.Options{})
	}
	p, err := fs.NewProcess(opts.PID)
	if err != nil {
		return nil, err
	}
	r := &ProcReport{PID: p.PID, Errors: map[string]string{}}
	// The process may exit while it is read: the first fact that says so
	// ends the report with that error.
	var gone error
	note := func(what string, err error) bool {
		if err == nil {
			return true
		}
		if !p.IsRunning() {
			gone = err
		} else {
			r.Errors[what] = err.Error()
		}
		return false
	}
	var e error
	r.Name, e = p.Name()
	note("name", e)
	r.Status, e = p.Status()
	note("status", e)
	r.PPID, e = p.PPID()
	note("ppid", e)
	r.Pgid, e = p.Pgid()
	note("pgid", e)
	r.UIDs, e = p.UIDs()
	note("uids", e)
	r.GIDs, e = p.GIDs()
	note("gids", e)
	r.Exe, e = p.Exe()
	note("exe", e)
	r.Cwd, e = p.Cwd()
	note("cwd", e)
	r.Cmdline, e = p.Cmdline()
	note("cmdline", e)
	r.CreateTime, e = p.CreateTime()
	note("create_time", e)
	r.Nice, e = p.Nice()
	note("nice", e)
	r.NumThreads, e = p.NumThreads()
	note("num_threads", e)
	r.CPUTimes, e = p.CPUTimes()
	note("cpu_times", e)
	r.Memory, e = p.MemoryInfoEx()
	note("memory", e)
	r.CtxSwitches, e = p.NumCtxSwitches()
	note("ctx_switches", e)
	if io, err := p.IOCounters(); note("io", err) {
		r.IO = &io
	}
	r.NumFDs, e = p.NumFDs()
	note("num_fds", e)
	r.OpenFiles, e = p.OpenFiles()
	note("open_files", e)
	r.Connections, e = p.Connections("all")
	note("connections", e)
	r.Children, e = p.Children(false)
	note("children", e)
	if gone != nil {
		return nil, gone
	}
	if len(r.Errors) == 0 {
		r.Errors = nil
	}
	return r, nil
}

func runProc(_ context.Context, opts *ProcOptions) error {
	r, err := collectProc(opts)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(opts.IO.Out, r)
	}
	return printProc(opts.IO.Out, r)
}

func printProc(out io.Writer, r *ProcReport) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	unknown := func(key, v string) string {
		if _, bad := r.Errors[key]; bad {
			return "? (" + r.Errors[key] + ")"
		}
		if v == "" {
			return "-"
		}
		return v
	}
	fmt.Fprintf(w, "PID\t%d\n", r.PID)
	fmt.Fprintf(w, "Name\t%s\n", unknown("name", r.Name))
	fmt.Fprintf(w, "Status\t%s\n", unknown("status", strings.ToLower(strings.TrimPrefix(string(r.Status), "STATUS_"))))
	fmt.Fprintf(w, "Parent\t%d (pgid %d)\n", r.PPID, r.Pgid)
	fmt.Fprintf(w, "User\tuid %d/%d/%d  gid %d/%d/%d (real/effective/saved)\n", r.UIDs.Real, r.UIDs.Effective, r.UIDs.Saved,
		r.GIDs.Real, r.GIDs.Effective, r.GIDs.Saved)
	fmt.Fprintf(w, "Exe\t%s\n", unknown("exe", r.Exe))
	fmt.Fprintf(w, "Cwd\t%s\n", unknown("cwd", r.Cwd))
	fmt.Fprintf(w, "Command\t%s\n", unknown("cmdline", quoteArgs(r.Cmdline)))
	if !r.CreateTime.IsZero() {
		fmt.Fprintf(w, "Started\t%s (%s ago)\n", r.CreateTime.Local().Format("2006-01-02 15:04:05 MST"), duration(time.Since(r.CreateTime)))
	}
	fmt.Fprintf(w, "Threads\t%d (nice %d)\n", r.NumThreads, r.Nice)
	fmt.Fprintf(w, "CPU\t%.2fs user, %.2fs system\n", r.CPUTimes.User, r.CPUTimes.System)
	fmt.Fprintf(w, "Memory\t%s resident, %s virtual, %s shared\n", bytesIEC(r.Memory.RSS), bytesIEC(r.Memory.VMS), bytesIEC(r.Memory.Shared))
	fmt.Fprintf(w, "Switches\t%d voluntary, %d involuntary\n", r.CtxSwitches.Voluntary, r.CtxSwitches.Involuntary)
	if r.IO != nil {
		fmt.Fprintf(w, "I/O\t%d reads (%s), %d writes (%s)\n", r.IO.ReadCount, bytesIEC(r.IO.ReadBytes), r.IO.WriteCount, bytesIEC(r.IO.WriteBytes))
	} else {
		fmt.Fprintf(w, "I/O\t%s\n", unknown("io", ""))
	}
	fmt.Fprintf(w, "FDs\t%s open, %d regular files, %d sockets\n", unknown("num_fds", strconv.Itoa(r.NumFDs)), len(r.OpenFiles), len(r.Connections))
	if len(r.Children) > 0 {
		kids := make([]string, len(r.Children))
		for i, c := range r.Children {
			kids[i] = strconv.Itoa(c)
		}
		fmt.Fprintf(w, "Children\t%s\n", strings.Join(kids, " "))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(r.OpenFiles) > 0 {
		fmt.Fprintln(out)
		w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintf(w, "FD\tOPEN FILE\n")
		for _, f := range r.OpenFiles {
			fmt.Fprintf(w, "%d\t%s\n", f.FD, f.Path)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if len(r.Connections) > 0 {
		fmt.Fprintln(out)
		w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintf(w, "FD\tPROTO\tLOCAL\tREMOTE\tSTATE\n")
		for _, c := range r.Connections {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", c.FD, proto(c), orDash(c.Laddr.String()), orDash(c.Raddr.String()),
				strings.TrimPrefix(c.Status, "CONN_"))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func proto(c res.Connection) string {
	switch {
	case c.Family == 1:
		return "unix"
	case c.Type == 1 && c.Family == 10:
		return "tcp6"
	case c.Type == 1:
		return "tcp"
	case c.Family == 10:
		return "udp6"
	}
	return "udp"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// quoteArgs joins args, quoting those with spaces or nothing in them.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\") {
			a = strconv.Quote(a)
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}
