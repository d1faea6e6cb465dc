package mail

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
)

// ctxConn bounds every Read and Write by the per-command timeout and by
// ctx: each call sets a fresh deadline (now + timeout, or ctx's deadline
// if sooner), and ctx's cancellation interrupts a call that is blocked.
// go-mail's smtp client only sets one deadline for a whole session; this
// wrapper is what makes a server that never answers fail within Timeout.
type ctxConn struct {
	net.Conn
	ctx     context.Context
	timeout time.Duration
	mu      sync.Mutex // orders deadline updates against cancellation
	stop    func() bool
}

func newCtxConn(ctx context.Context, c net.Conn, timeout time.Duration) *ctxConn {
	cc := &ctxConn{Conn: c, ctx: ctx, timeout: timeout}
	cc.stop = context.AfterFunc(ctx, func() {
		cc.mu.Lock()
		_ = c.SetDeadline(time.Unix(1, 0))
		cc.mu.Unlock()
	})
	return cc
}

func (c *ctxConn) arm() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.ctx.Err(); err != nil {
		return err
	}
	d := time.Now().Add(c.timeout)
	if dl, ok := c.ctx.Deadline(); ok && dl.Before(d) {
		d = dl
	}
	return c.Conn.SetDeadline(d)
}

func (c *ctxConn) Read(p []byte) (int, error) {
	if err := c.arm(); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *ctxConn) Write(p []byte) (int, error) {
	if err := c.arm(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// Close stops watching ctx and closes the connection.
func (c *ctxConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// classify turns a transport error into one that says why: ctx's error
// when ctx ended, errs.ErrTimeout when a deadline passed.
func classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		if errors.Is(cerr, context.DeadlineExceeded) {
			return errs.New(errs.ErrTimeout, "%w (%w)", cerr, err)
		}
		return errs.New(errs.ErrCanceled, "%w (%w)", cerr, err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errs.New(errs.ErrTimeout, "no answer within the timeout: %w", err)
	}
	return err
}
