package autowait

import (
	"context"
	"fmt"
	"time"

	"github.com/cupgo/cup/errs"
)

// Defaults of the options.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultInterval     = 500 * time.Millisecond
	DefaultFileInterval = 2 * time.Second // UntilFileExists, as CUP
)

// Option configures a wait.
type Option func(*config)

type config struct {
	timeout     time.Duration
	interval    time.Duration
	intervalSet bool
	recursive   bool
	follow      bool
}

// Timeout sets how long to wait (default 10 s). Zero or less means a
// single check.
func Timeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// Interval sets the time between checks (default 500 ms, 2 s for
// UntilFileExists). Zero or less is an error wrapping
// errs.ErrInvalidArgument.
func Interval(d time.Duration) Option {
	return func(c *config) { c.interval, c.intervalSet = d, true }
}

// Recursive makes UntilFileExists search the whole tree below dir.
func Recursive() Option { return func(c *config) { c.recursive = true } }

// FollowSymlinks makes a recursive UntilFileExists descend into symbolic
// links to directories (loops are walked once).
func FollowSymlinks() Option { return func(c *config) { c.follow = true } }

func newConfig(defInterval time.Duration, opts []Option) (config, error) {
	c := config{timeout: DefaultTimeout, interval: defInterval}
	for _, o := range opts {
		o(&c)
	}
	if c.interval <= 0 {
		return c, errs.New(errs.ErrInvalidArgument, "autowait: interval %v must be positive", c.interval)
	}
	return c, nil
}

// probe checks a condition once; final is true for the check made at the
// deadline.
type probe func(ctx context.Context, final bool) (bool, error)

// poll runs p under the timing rules of the package.
func poll(ctx context.Context, what string, c config, p probe) error {
	start := time.Now()
	deadline := start.Add(c.timeout)
	final := c.timeout <= 0
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("cup: autowait: %s: %w", what, err)
		}
		ok, err := p(ctx, final)
		if err != nil {
			return fmt.Errorf("cup: autowait: %s: %w", what, err)
		}
		if ok {
			return nil
		}
		now := time.Now()
		if final || !now.Before(deadline) {
			return errs.New(errs.ErrTimeout, "autowait: %s: not met within %v (waited %v)", what, c.timeout, now.Sub(start).Round(time.Millisecond))
		}
		wait := c.interval
		if left := deadline.Sub(now); wait >= left {
			wait, final = left, true
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cup: autowait: %s: %w", what, ctx.Err())
		case <-timer.C:
		}
	}
}

// Until waits until cond returns true (CUP wait_return_true). An error
// from cond ends the wait at once.
func Until(ctx context.Context, cond func(ctx context.Context) (bool, error), opts ...Option) error {
	c, err := newConfig(DefaultInterval, opts)
	if err != nil {
		return err
	}
	return poll(ctx, "condition", c, func(ctx context.Context, _ bool) (bool, error) { return cond(ctx) })
}

// UntilFalse waits until cond returns false (CUP wait_return_false).
func UntilFalse(ctx context.Context, cond func(ctx context.Context) (bool, error), opts ...Option) error {
	c, err := newConfig(DefaultInterval, opts)
	if err != nil {
		return err
	}
	return poll(ctx, "condition false", c, func(ctx context.Context, _ bool) (bool, error) {
		ok, err := cond(ctx)
		return !ok && err == nil, err
	})
}
