package msgbroker

import (
	"context"
	"fmt"
	"sync"

	"github.com/cupgo/cup/errs"
)

// Center is a set of FIFO queues, one per message type (CUP
// BrokerCenter). Producers Produce, consumers Consume or Wait. It is safe
// for concurrent use.
type Center struct {
	name string
	opts Options

	mu     sync.Mutex
	closed bool
	queues map[Type][]Msg
	ready  map[Type]chan struct{} // closed and replaced when a message arrives
}

// NewCenter returns an empty center. A negative MaxQueued is an error
// matching errs.ErrInvalidArgument.
func NewCenter(name string, opts Options) (*Center, error) {
	if opts.MaxQueued < 0 {
		return nil, errs.New(errs.ErrInvalidArgument, "msgbroker: MaxQueued %d: want 0 or more", opts.MaxQueued)
	}
	return &Center{name: name, opts: opts, queues: make(map[Type][]Msg), ready: make(map[Type]chan struct{})}, nil
}

// Name returns the center's name (CUP BaseBroker name).
func (c *Center) Name() string { return c.name }

// Produce queues a message of type t (CUP produce_msg). A full queue is
// an error matching errs.ErrFull and a closed center one matching
// errs.ErrClosed; either way nothing is queued.
func (c *Center) Produce(t Type, extra string, err error) error {
	m := Msg{Type: t, Text: extra, Err: err, Time: c.opts.now()}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errs.New(errs.ErrClosed, "msgbroker: %s: produce %v: center closed", c.name, t)
	}
	if len(c.queues[t]) >= c.opts.maxQueued() {
		return errs.New(errs.ErrFull, "msgbroker: %s: %v queue holds %d messages", c.name, t, len(c.queues[t]))
	}
	c.queues[t] = append(c.queues[t], m)
	if ch, ok := c.ready[t]; ok {
		close(ch)
		delete(c.ready, t)
	}
	return nil
}

// Consume removes and returns the oldest message of type t (CUP
// comsume_msg); ok is false when there is none.
func (c *Center) Consume(t Type) (m Msg, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pop(t)
}

func (c *Center) pop(t Type) (Msg, bool) {
	q := c.queues[t]
	if len(q) == 0 {
		return Msg{}, false
	}
	m := q[0]
	q[0] = Msg{}
	if len(q) == 1 {
		delete(c.queues, t)
	} else {
		c.queues[t] = q[1:]
	}
	return m, true
}

// Wait is Consume that waits for a message until ctx ends (its error,
// wrapped) or the center is closed and drained (errs.ErrClosed).
func (c *Center) Wait(ctx context.Context, t Type) (Msg, error) {
	for {
		c.mu.Lock()
		if m, ok := c.pop(t); ok {
			c.mu.Unlock()
			return m, nil
		}
		if c.closed {
			c.mu.Unlock()
			return Msg{}, errs.New(errs.ErrClosed, "msgbroker: %s: wait %v: center closed", c.name, t)
		}
		ch, ok := c.ready[t]
		if !ok {
			ch = make(chan struct{})
			c.ready[t] = ch
		}
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return Msg{}, fmt.Errorf("msgbroker: %s: wait %v: %w", c.name, t, ctx.Err())
		case <-ch:
		}
	}
}

// Len returns how many messages of type t are queued.
func (c *Center) Len(t Type) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queues[t])
}

// Close refuses further messages and wakes every Wait; queued messages
// can still be consumed. It may be called more than once.
func (c *Center) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	for t, ch := range c.ready {
		close(ch)
		delete(c.ready, t)
	}
	return nil
}
