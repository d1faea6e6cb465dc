package remote

import (
	"context"
	"sync"
	"time"
)

// DefaultParallelism is how many hosts a fan-out works on at once when
// FanOut.Parallelism is 0 or less.
const DefaultParallelism = 8

// HostResult is one host's outcome in a fan-out.
type HostResult struct {
	Host     string        // Config.Host as given
	Result   *Result       // never nil
	Err      error         // the host's error: connection, auth, timeout, transfer or (from Run) non-zero exit
	Duration time.Duration // time spent on this host
}

// FanOut runs one operation on many hosts with bounded concurrency. The
// zero value works on DefaultParallelism hosts at once. One host failing
// does not stop the others; ctx ending stops them all.
type FanOut struct {
	// Parallelism caps how many hosts are worked on at once; 0 or less
	// means DefaultParallelism.
	Parallelism int
	// Timeout, if positive, bounds each host's work (connect included),
	// counted from when the host gets its turn, so hosts waiting for a
	// slot do not use up their budget. 0 leaves only ctx (and the CUP
	// default timeouts of GoEx and Lscp when ctx has no deadline).
	Timeout time.Duration
	// Progress, if set, is called after each host finishes, with the
	// count of hosts done so far. Calls are serialised.
	Progress func(done, total int, r HostResult)
}

// Run runs cmd on every host and returns one result per config, in input
// order. A host's Err is set when it could not run the command or the
// command exited non-zero (Result.Err()).
func (f FanOut) Run(ctx context.Context, cfgs []Config, cmd string) []HostResult {
	return f.each(ctx, cfgs, func(ctx context.Context, cfg Config) *Result {
		return GoEx(ctx, cfg, cmd)
	})
}

// Upload copies the local src to dst on every host (see Client.Upload)
// and returns one result per config, in input order.
func (f FanOut) Upload(ctx context.Context, cfgs []Config, src, dst string) []HostResult {
	return f.each(ctx, cfgs, func(ctx context.Context, cfg Config) *Result {
		return Lscp(ctx, cfg, src, dst)
	})
}

// UploadTar copies the local directory srcDir into dstDir on every host
// through a streamed tar archive (see Client.UploadTar: CUP's
// scp_hosts_dir_by_tarfile) and returns one result per config, in input
// order. Without a ctx deadline or Timeout, DefaultUploadTimeout applies
// to each host.
func (f FanOut) UploadTar(ctx context.Context, cfgs []Config, srcDir, dstDir string) []HostResult {
	return f.each(ctx, cfgs, func(ctx context.Context, cfg Config) *Result {
		return transfer(ctx, cfg, DefaultUploadTimeout, func(ctx context.Context, c *Client) error {
			return c.UploadTar(ctx, srcDir, dstDir)
		})
	})
}

func (f FanOut) each(ctx context.Context, cfgs []Config, op func(context.Context, Config) *Result) []HostResult {
	n := f.Parallelism
	if n <= 0 {
		n = DefaultParallelism
	}
	out := make([]HostResult, len(cfgs))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	var progressMu sync.Mutex
	done := 0
	for i := range cfgs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			start := time.Now()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
				hctx, cancel := ctx, context.CancelFunc(func() {})
				if f.Timeout > 0 {
					hctx, cancel = context.WithTimeout(ctx, f.Timeout)
				}
				r := op(hctx, cfgs[i])
				cancel()
				out[i] = HostResult{Host: cfgs[i].Host, Result: r, Err: r.Err(), Duration: time.Since(start)}
			case <-ctx.Done():
				r := failed(ctx.Err(), start)
				out[i] = HostResult{Host: cfgs[i].Host, Result: r, Err: r.Err(), Duration: time.Since(start)}
			}
			if f.Progress != nil {
				progressMu.Lock()
				done++
				f.Progress(done, len(cfgs), out[i])
				progressMu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	return out
}

// RunAll runs cmd on every host with at most parallelism at once (0 or
// less: 8) and returns the results in input order: the thread-pool recipe
// of CUP's documentation.
func RunAll(ctx context.Context, cfgs []Config, cmd string, parallelism int) []HostResult {
	return FanOut{Parallelism: parallelism}.Run(ctx, cfgs, cmd)
}

// UploadAll copies src to dst on every host with at most parallelism at
// once (0 or less: 8) and returns the results in input order.
func UploadAll(ctx context.Context, cfgs []Config, src, dst string, parallelism int) []HostResult {
	return FanOut{Parallelism: parallelism}.Upload(ctx, cfgs, src, dst)
}
