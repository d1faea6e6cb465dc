package heartbeat

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
)

// EventKind says what happened to an agent.
type EventKind int

const (
	// EventJoined: the agent's first heartbeat, or its first one after it
	// was lost.
	EventJoined EventKind = iota + 1
	// EventLost: the agent was silent for longer than LostAfter.
	EventLost
)

// String returns "joined" or "lost".
func (k EventKind) String() string {
	switch k {
	case EventJoined:
		return "joined"
	case EventLost:
		return "lost"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is a change of an agent's state seen by a [Master].
type Event struct {
	Kind   EventKind
	Device *Device // a copy; LastHealthy is the last heartbeat's time
	Time   time.Time
}

// beat is a heartbeat body: CUP's host info dict plus the agent's name
// and a sequence number (unknown keys to CUP's deserilize).
type beat struct {
	HostInfo
	Name string `json:"name,omitempty"`
	Seq  uint64 `json:"seq"`
}

// ackBody is the body of the master's answer, as CUP's arrow master
// sends it.
var ackBody = []byte("ACK_HEART_BEAT")

// Master receives agents' heartbeats over a [Transport], keeps them in a
// [Service] and reports lost agents (CUP arrow master's ControlService
// with its dead-agent check, which CUP never scheduled). It is safe for
// concurrent use.
type Master struct {
	cfg MasterConfig
	tr  Transport
	svc *Service

	evMu sync.Mutex // orders registry changes with their events

	runMu   sync.Mutex
	started bool
}

// NewMaster returns a master serving tr. cfg nil means
// DefaultMasterConfig(); tr is required. The master owns tr: Run closes it.
func NewMaster(tr Transport, cfg *MasterConfig) (*Master, error) {
	if tr == nil {
		return nil, errs.New(errs.ErrInvalidArgument, "heartbeat: NewMaster with a nil transport")
	}
	c, err := cfg.resolved()
	if err != nil {
		return nil, err
	}
	svc, err := NewService(c.LostAfter, !c.DropLost, WithClock(c.Clock), WithLogger(c.Logger))
	if err != nil {
		return nil, err
	}
	return &Master{cfg: c, tr: tr, svc: svc}, nil
}

// Addr returns the address agents send heartbeats to.
func (m *Master) Addr() string { return m.tr.Addr() }

// Service returns the registry (to list agents, change LostAfter, dump
// and clean up lost agents).
func (m *Master) Service() *Service { return m.svc }

// Live returns the agents heard from within LostAfter, sorted by key.
func (m *Master) Live() []*Device { return m.svc.Active() }

// Lost returns the agents reported lost and not back since, sorted by
// key (empty with DropLost).
func (m *Master) Lost() []*Device { return m.svc.Lost() }

// Run serves heartbeats and checks for lost agents every CheckEvery
// until ctx ends, then closes the transport and returns nil. It returns
// an error if the transport fails; Run may be called once (a second call
// fails with errs.ErrInvalidArgument).
func (m *Master) Run(ctx context.Context) error {
	m.runMu.Lock()
	if m.started {
		m.runMu.Unlock()
		return errs.New(errs.ErrInvalidArgument, "heartbeat: Master.Run called twice")
	}
	m.started = true
	m.runMu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- m.tr.Serve(ctx, m.handle) }()

	t := m.cfg.Clock.NewTicker(m.cfg.CheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			err := <-served
			_ = m.tr.Close()
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errs.ErrClosed) {
				return nil
			}
			return err
		case err := <-served:
			_ = m.tr.Close()
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("heartbeat: master stopped serving: %w", err)
		case <-t.C():
			m.check()
		}
	}
}

// check collects lost agents and reports them.
func (m *Master) check() {
	m.evMu.Lock()
	defer m.evMu.Unlock()
	lost := m.svc.CollectLost()
	if m.cfg.OnEvent == nil {
		return
	}
	now := m.cfg.Clock.Now()
	for _, d := range lost {
		m.cfg.OnEvent(Event{Kind: EventLost, Device: d, Time: now})
	}
}

// handle processes one message from an agent.
func (m *Master) handle(ctx context.Context, msg Message) {
	if msg.Type != TypeHeartbeat {
		m.cfg.Logger.Debug("heartbeat: master ignores %v message from %s", msg.Type, msg.From)
		return
	}
	var b beat
	b.HostInfo = NewHostInfo("", 0)
	if err := unmarshalRecord(msg.Body, &b); err != nil { // JSON, or a 3.2.7 agent's pickle
		m.cfg.Logger.Warn("heartbeat: bad heartbeat from %s: %v", msg.From, err)
		return
	}
	key := b.Name
	if key == "" {
		key = msg.From
	}
	if key == "" {
		m.cfg.Logger.Warn("heartbeat: heartbeat without name or sender address dropped")
		return
	}
	info := b.HostInfo
	m.evMu.Lock()
	joined, err := m.svc.Refresh(key, &info)
	if err == nil && joined && m.cfg.OnEvent != nil {
		if d, ok := m.svc.Get(key); ok {
			m.cfg.OnEvent(Event{Kind: EventJoined, Device: d, Time: d.LastHealthy})
		}
	}
	m.evMu.Unlock()
	if err != nil {
		m.cfg.Logger.Warn("heartbeat: refresh %q: %v", key, err)
		return
	}
	if m.cfg.NoAck || msg.From == "" {
		return
	}
	actx, cancel := context.WithTimeout(ctx, m.cfg.CheckEvery+time.Second)
	defer cancel()
	ack := Message{Type: TypeAckHeartbeat, ID: msg.ID + 1, Body: ackBody}
	if err := m.tr.Send(actx, msg.From, ack); err != nil {
		m.cfg.Logger.Debug("heartbeat: ack to %s: %v", msg.From, err)
	}
}
