package heartbeat

import (
	"context"
	"encoding/json"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cupgo/cup/errs"
)

// Agent reports this host's resources to a master every Interval over a
// [Transport] (CUP arrow agent). Resources are sampled on their own
// schedule, so a slow sample never delays a heartbeat (CUP's period was
// interval − 3 s plus the ~3 s of sampling). It is safe for concurrent
// use.
type Agent struct {
	cfg AgentConfig
	tr  Transport

	info    atomic.Pointer[HostInfo] // latest sample
	seq     atomic.Uint64
	sent    atomic.Uint64
	failed  atomic.Uint64
	acks    atomic.Uint64
	lastAck atomic.Int64 // UnixNano by cfg.Clock, 0 = never

	runMu   sync.Mutex
	started bool
}

// AgentStats count an agent's heartbeats.
type AgentStats struct {
	Sent    uint64    // heartbeats handed to the transport
	Failed  uint64    // heartbeats the transport refused
	Acks    uint64    // ACK_HEART_BEAT answers received
	LastAck time.Time // zero if none yet
}

// NewAgent returns an agent sending over tr. cfg must name the master;
// a zero field of cfg means the DefaultAgentConfig value. The agent owns
// tr: Run closes it.
func NewAgent(tr Transport, cfg *AgentConfig) (*Agent, error) {
	if tr == nil {
		return nil, errs.New(errs.ErrInvalidArgument, "heartbeat: NewAgent with a nil transport")
	}
	c, err := cfg.resolved()
	if err != nil {
		return nil, err
	}
	a := &Agent{cfg: c, tr: tr}
	if a.cfg.Name == "" {
		a.cfg.Name = tr.Addr()
	}
	port := portOf(tr.Addr())
	if a.cfg.Sample == nil {
		iface := c.Iface
		a.cfg.Sample = func(ctx context.Context) (HostInfo, error) { return CollectLocal(ctx, iface, port) }
	}
	first := NewHostInfo(c.Iface, port)
	a.info.Store(&first)
	return a, nil
}

// portOf returns the port of "host:port", 0 if there is none.
func portOf(addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return n
}

// Name returns the key the master files this agent under.
func (a *Agent) Name() string { return a.cfg.Name }

// Addr returns the agent transport's address (where answers arrive).
func (a *Agent) Addr() string { return a.tr.Addr() }

// Stats returns the agent's counters.
func (a *Agent) Stats() AgentStats {
	s := AgentStats{Sent: a.sent.Load(), Failed: a.failed.Load(), Acks: a.acks.Load()}
	if ns := a.lastAck.Load(); ns != 0 {
		s.LastAck = time.Unix(0, ns)
	}
	return s
}

// Info returns the latest resource sample (CUP's initial values before
// the first one completes).
func (a *Agent) Info() HostInfo { return *a.info.Load() }

// Run sends a heartbeat at once and then every Interval, samples
// resources every SampleEvery and receives the master's answers, until
// ctx ends; then it closes the transport, waits for its goroutines and
// returns nil. A failed send is logged (once per failure streak) and
// retried at the next tick. Run may be called once.
func (a *Agent) Run(ctx context.Context) error {
	a.runMu.Lock()
	if a.started {
		a.runMu.Unlock()
		return errs.New(errs.ErrInvalidArgument, "heartbeat: Agent.Run called twice")
	}
	a.started = true
	a.runMu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		_ = a.tr.Close()
		wg.Wait()
	}()
	wg.Add(2)
	go func() {
		defer wg.Done()
		_ = a.tr.Serve(ctx, a.handle)
	}()
	go func() {
		defer wg.Done()
		a.sampleLoop(ctx)
	}()

	t := a.cfg.Clock.NewTicker(a.cfg.Interval)
	defer t.Stop()
	failing := false
	for {
		if err := a.beat(ctx); err != nil {
			a.failed.Add(1)
			if ctx.Err() != nil {
				return nil
			}
			if !failing {
				a.cfg.Logger.Warn("heartbeat: agent %s cannot reach master %s: %v", a.cfg.Name, a.cfg.Master, err)
			}
			failing = true
		} else {
			if failing {
				a.cfg.Logger.Info("heartbeat: agent %s reaches master %s again", a.cfg.Name, a.cfg.Master)
			}
			failing = false
			a.sent.Add(1)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C():
		}
	}
}

// beat sends one heartbeat, bounded by the interval (at least 1 s).
func (a *Agent) beat(ctx context.Context) error {
	seq := a.seq.Add(1)
	b := beat{HostInfo: *a.info.Load(), Name: a.cfg.Name, Seq: seq}
	var body []byte
	var err error
	if a.cfg.LegacyPickle {
		body, err = b.pickle()
	} else {
		body, err = json.Marshal(b)
	}
	if err != nil {
		return err
	}
	d := max(a.cfg.Interval, time.Second)
	sctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return a.tr.Send(sctx, a.cfg.Master, Message{Type: TypeHeartbeat, ID: seq, Body: body})
}

// sampleLoop refreshes the resource sample until ctx ends.
func (a *Agent) sampleLoop(ctx context.Context) {
	t := a.cfg.Clock.NewTicker(a.cfg.SampleEvery)
	defer t.Stop()
	for {
		info, err := a.cfg.Sample(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			a.cfg.Logger.Debug("heartbeat: agent %s sampling: %v", a.cfg.Name, err)
		}
		a.info.Store(&info)
		select {
		case <-ctx.Done():
			return
		case <-t.C():
		}
	}
}

// handle counts the master's answers.
func (a *Agent) handle(_ context.Context, m Message) {
	if m.Type == TypeAckHeartbeat {
		a.acks.Add(1)
		a.lastAck.Store(a.cfg.Clock.Now().UnixNano())
	}
}
