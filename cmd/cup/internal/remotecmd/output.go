package remotecmd

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/shell/remote"
)

// Statuses of a host in the table and the JSON.
const (
	statusOK      = "ok"      // ran and exited 0 / copied
	statusFailed  = "failed"  // ran and exited non-zero
	statusTimeout = "timeout" // did not finish within --timeout
	statusError   = "error"   // could not connect, log in or copy
)

// HostJSON is one host's entry in --json output.
type HostJSON struct {
	Host   string `json:"host"`
	Status string `json:"status"`
	// ExitStatus is the remote command's exit status (128+N for signal
	// N); null when it never ran or was killed by cup.
	ExitStatus *int   `json:"exit_status"`
	Signal     string `json:"signal,omitempty"`
	Stdout     string `json:"stdout"`
	Stderr     string `json:"stderr"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	// Bytes is the file content copied (copy only).
	Bytes *int64 `json:"bytes,omitempty"`
}

// ReportJSON is the whole --json output.
type ReportJSON struct {
	Command   string     `json:"command"` // "run" or "copy"
	Hosts     []HostJSON `json:"hosts"`   // in --hosts order
	Succeeded int        `json:"succeeded"`
	Failed    int        `json:"failed"`
}

func status(r remote.HostResult) string {
	var ee *remote.ExitError
	switch {
	case r.Err == nil:
		return statusOK
	case errors.Is(r.Err, errs.ErrTimeout):
		return statusTimeout
	case errors.As(r.Err, &ee) && r.Result.ExitStatus == 0:
		return statusFailed
	}
	return statusError
}

// report prints the results as a table or JSON and returns the exit
// error. bytes, if not nil, holds the bytes each host received (copy).
func report(opts *Options, command string, results []remote.HostResult, bytes []int64) error {
	if opts.JSON {
		out := ReportJSON{Command: command, Hosts: make([]HostJSON, len(results))}
		for i, r := range results {
			h := HostJSON{
				Host: r.Host, Status: status(r), Signal: r.Result.Signal,
				Stdout: r.Result.Stdout, Stderr: r.Result.Stderr,
				DurationMS: r.Duration.Milliseconds(),
			}
			if r.Result.ExitStatus == 0 && r.Result.RemoteExitStatus >= 0 {
				st := r.Result.RemoteExitStatus
				h.ExitStatus = &st
			}
			if r.Err != nil {
				h.Error = r.Err.Error()
				out.Failed++
			} else {
				out.Succeeded++
			}
			if bytes != nil {
				b := bytes[i]
				h.Bytes = &b
			}
			out.Hosts[i] = h
		}
		if err := cmdutil.WriteJSON(opts.IO.Out, out); err != nil {
			return err
		}
		return exitError(results)
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tSTATUS\tEXIT\tDURATION\tOUTPUT")
	failed := 0
	for i, r := range results {
		exit := "-"
		if r.Result.ExitStatus == 0 && r.Result.RemoteExitStatus >= 0 {
			exit = fmt.Sprint(r.Result.RemoteExitStatus)
		}
		var text string
		switch {
		case r.Err != nil && status(r) != statusFailed:
			text = r.Err.Error()
		case r.Err != nil && strings.TrimSpace(r.Result.Stderr) != "":
			text = r.Result.Stderr
		case bytes != nil:
			text = "copied " + humanBytes(bytes[i])
		default:
			text = r.Result.Output
		}
		if r.Err != nil {
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Host, status(r), exit, r.Duration.Round(time.Millisecond), oneLine(text))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "cup remote %s: %d of %d hosts failed\n", command, failed, len(results))
	}
	return exitError(results)
}

// oneLine returns the first non-empty line of s, cut to 160 bytes.
func oneLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		l = strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return ' '
			}
			return r
		}, l)
		if len(l) > 160 {
			cut := 157
			for cut > 0 && !utf8.RuneStart(l[cut]) {
				cut--
			}
			l = l[:cut] + "..."
		}
		return l
	}
	return ""
}

// humanBytes renders n in binary units ("3.0 MiB").
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
