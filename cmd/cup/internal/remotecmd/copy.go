package remotecmd

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cupgo/cup/shell/remote"
)

// barMinBytes is the size from which a copy gets progress bars.
const barMinBytes = 1 << 20

// barRedraw is how often the bars are redrawn.
const barRedraw = 200 * time.Millisecond

// hostProgress is what the copy of one host has reported so far. The
// copy's goroutine writes it; the bar drawer reads it.
type hostProgress struct {
	bytes   atomic.Int64
	total   atomic.Int64
	started atomic.Int64 // UnixNano of the first report
}

func runCopy(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cfgs := opts.configs()
	prog := make([]hostProgress, len(cfgs))
	for i := range cfgs {
		p := &prog[i]
		p.total.Store(-1)
		cfgs[i].CopyProgress = func(ev remote.CopyProgress) {
			if p.started.Load() == 0 {
				p.started.Store(time.Now().UnixNano())
			}
			p.total.Store(ev.Total)
			p.bytes.Store(ev.Bytes)
		}
	}
	fo := opts.fanOut()
	var bars *barSet
	if opts.Bars {
		bars = startBars(opts.IO.Out, opts.Hosts, prog)
	} else if !opts.JSON {
		fo.Progress = func(done, total int, r remote.HostResult) {
			fmt.Fprintf(opts.IO.ErrOut, "cup remote copy: [%d/%d] %s: %s in %v\n", done, total, r.Host, status(r), r.Duration.Round(time.Millisecond))
		}
	}
	var results []remote.HostResult
	if opts.Tar {
		results = fo.UploadTar(ctx, cfgs, opts.Src, opts.Dst)
	} else {
		results = fo.Upload(ctx, cfgs, opts.Src, opts.Dst)
	}
	bars.stop()
	bytes := make([]int64, len(results))
	for i := range results {
		bytes[i] = prog[i].bytes.Load()
	}
	return finish(ctx, opts, "copy", results, bytes)
}

// treeSize sums the regular files under p, stopping once it reaches
// barMinBytes (all that the caller wants to know).
func treeSize(p string) int64 {
	var n int64
	_ = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		if n >= barMinBytes {
			return fs.SkipAll
		}
		return nil
	})
	return n
}

// barSet draws one progress line per host on a terminal, redrawing them
// in place. Its goroutine is stopped by stop.
type barSet struct {
	w     io.Writer
	hosts []string
	prog  []hostProgress
	width int // of the host column
	drawn bool
	quit  chan struct{}
	done  chan struct{}
}

func startBars(w io.Writer, hosts []string, prog []hostProgress) *barSet {
	b := &barSet{w: w, hosts: hosts, prog: prog, quit: make(chan struct{}), done: make(chan struct{})}
	for _, h := range hosts {
		b.width = max(b.width, len(h))
	}
	go b.loop()
	return b
}

func (b *barSet) loop() {
	defer close(b.done)
	t := time.NewTicker(barRedraw)
	defer t.Stop()
	b.draw(time.Now())
	for {
		select {
		case <-b.quit:
			b.draw(time.Now())
			return
		case now := <-t.C:
			b.draw(now)
		}
	}
}

// stop draws the final state and waits for the drawing goroutine. A nil
// barSet does nothing.
func (b *barSet) stop() {
	if b == nil {
		return
	}
	close(b.quit)
	<-b.done
}

func (b *barSet) draw(now time.Time) {
	var sb strings.Builder
	if b.drawn {
		fmt.Fprintf(&sb, "\x1b[%dA", len(b.hosts)) // back to the first bar
	}
	for i, h := range b.hosts {
		p := &b.prog[i]
		var rate float64
		if st := p.started.Load(); st != 0 {
			if el := now.Sub(time.Unix(0, st)).Seconds(); el > 0 {
				rate = float64(p.bytes.Load()) / el
			}
		}
		sb.WriteString("\r\x1b[2K")
		sb.WriteString(barLine(h, b.width, p.bytes.Load(), p.total.Load(), rate))
		sb.WriteByte('\n')
	}
	b.drawn = true
	_, _ = io.WriteString(b.w, sb.String())
}

// barLine renders one host's line: name, bar, percentage, bytes and rate.
// total < 0 means unknown.
func barLine(host string, width int, bytes, total int64, rate float64) string {
	const cells = 24
	filled, pct := 0, ""
	if total > 0 {
		filled = int(min(bytes, total) * cells / total)
		pct = fmt.Sprintf("%3d%%", min(bytes, total)*100/total)
	} else if total == 0 {
		filled, pct = cells, "100%"
	} else {
		pct = "  ?%"
	}
	size := humanBytes(bytes)
	if total >= 0 {
		size += " / " + humanBytes(total)
	}
	speed := ""
	if rate > 0 {
		speed = "  " + humanBytes(int64(rate)) + "/s"
	}
	return fmt.Sprintf("%-*s  [%s%s] %s  %s%s", width, host,
		strings.Repeat("#", filled), strings.Repeat("-", cells-filled), pct, size, speed)
}
