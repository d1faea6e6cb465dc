package heartbeat

import (
	"context"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/log"
)

// MasterConfig configures a [Master]. Start from [DefaultMasterConfig]
// or [LocalMasterConfig]; in any config a zero field means the
// DefaultMasterConfig value.
type MasterConfig struct {
	// LostAfter is how long an agent may stay silent before it is
	// reported lost (CUP judge_agent_dead_in_sec).
	LostAfter time.Duration
	// CheckEvery is how often the master looks for lost agents (CUP
	// check_heartbeat_interval). A loss is reported between LostAfter and
	// LostAfter+CheckEvery after the agent's last heartbeat.
	CheckEvery time.Duration
	// DropLost forgets lost agents instead of keeping them for Lost()
	// (CUP keep_lost_agent 0). The zero value keeps them, as CUP's arrow
	// master does.
	DropLost bool
	// NoAck stops the master from answering each heartbeat with an
	// ACK_HEART_BEAT message (CUP's arrow master always answers).
	NoAck bool
	// OnEvent, if set, is told when an agent joins (first heartbeat, or
	// first one after it was lost) and when it is lost. Calls are
	// serialised and in the order the registry changed; a slow OnEvent
	// delays heartbeat processing.
	OnEvent func(Event)
	// Clock drives lost detection; nil means SystemClock.
	Clock Clock
	// Logger receives the master's log lines; nil means log.Default().
	Logger *log.Logger
}

// DefaultMasterConfig returns settings for a LAN: an agent is lost
// after 5 s of silence (five missed heartbeats of DefaultAgentConfig),
// checked every 500 ms. CUP's arrow master used 30 s to 60 s checked
// every 10 s with 10-s heartbeats; set those for CUP-like timing.
func DefaultMasterConfig() *MasterConfig {
	return &MasterConfig{
		LostAfter:  5 * time.Second,        // 5 × DefaultAgentConfig().Interval
		CheckEvery: 500 * time.Millisecond, // reports a loss at most 0.5 s late
	}
}

// LocalMasterConfig returns settings for agents on the same machine or
// loopback (tests, examples): lost after 500 ms, checked every 50 ms.
func LocalMasterConfig() *MasterConfig {
	c := DefaultMasterConfig()
	c.LostAfter = 500 * time.Millisecond // 5 × LocalAgentConfig().Interval
	c.CheckEvery = 50 * time.Millisecond
	return c
}

// resolved returns a copy with zero fields set to the defaults, or an
// error for negative durations.
func (c *MasterConfig) resolved() (MasterConfig, error) {
	var r MasterConfig
	if c != nil {
		r = *c
	}
	if r.LostAfter < 0 || r.CheckEvery < 0 {
		return r, errs.New(errs.ErrInvalidArgument, "heartbeat: negative duration in master config (lost-after %v, check-every %v)", r.LostAfter, r.CheckEvery)
	}
	d := DefaultMasterConfig()
	if r.LostAfter == 0 {
		r.LostAfter = d.LostAfter
	}
	if r.CheckEvery == 0 {
		r.CheckEvery = d.CheckEvery
	}
	r.Clock = clockOr(r.Clock)
	if r.Logger == nil {
		r.Logger = log.Default()
	}
	return r, nil
}

// AgentConfig configures an [Agent]. Start from [DefaultAgentConfig] or
// [LocalAgentConfig]; a zero field means the DefaultAgentConfig value.
type AgentConfig struct {
	// Master is the master's listening address. Required.
	Master string
	// Name is the key the master files this agent under; "" means the
	// agent transport's address ("ip:port", CUP's key).
	Name string
	// Interval is the time between heartbeats (CUP heartbeat_interval).
	// Unlike CUP's agent, sampling does not delay heartbeats.
	Interval time.Duration
	// SampleEvery is the time between resource samples; each heartbeat
	// carries the latest one.
	SampleEvery time.Duration
	// Sample measures the resources to report; nil means
	// CollectLocal(ctx, Iface, port of the transport's address).
	Sample func(ctx context.Context) (HostInfo, error)
	// Iface is the interface Sample reports on; "" means the one of the
	// default route.
	Iface string
	// Clock drives the heartbeat and sampling tickers; nil means
	// SystemClock.
	Clock Clock
	// Logger receives the agent's log lines; nil means log.Default().
	Logger *log.Logger
	// LegacyPickle sends each heartbeat body as a Python 2 pickle
	// (protocol 0) of the record, as CUP 3.2.7 agents do, for a 3.2.7
	// master, which unpickles bodies (arrow's master). Off by default:
	// bodies are JSON, which the newest CUP and Master read. The pickle
	// holds plain values only.
	LegacyPickle bool
}

// DefaultAgentConfig returns settings for a LAN: a heartbeat every
// second (memberlist's LAN probe interval; CUP's arrow agent used 10 s),
// resources sampled every 10 s.
func DefaultAgentConfig() *AgentConfig {
	return &AgentConfig{
		Interval:    time.Second,
		SampleEvery: 10 * time.Second, // a sample takes ~1 s of measuring
	}
}

// LocalAgentConfig returns settings for loopback: a heartbeat every
// 100 ms, resources sampled every 2 s.
func LocalAgentConfig() *AgentConfig {
	c := DefaultAgentConfig()
	c.Interval = 100 * time.Millisecond
	c.SampleEvery = 2 * time.Second
	return c
}

func (c *AgentConfig) resolved() (AgentConfig, error) {
	var r AgentConfig
	if c != nil {
		r = *c
	}
	if r.Master == "" {
		return r, errs.New(errs.ErrInvalidArgument, "heartbeat: agent config without a master address")
	}
	if r.Interval < 0 || r.SampleEvery < 0 {
		return r, errs.New(errs.ErrInvalidArgument, "heartbeat: negative duration in agent config (interval %v, sample-every %v)", r.Interval, r.SampleEvery)
	}
	d := DefaultAgentConfig()
	if r.Interval == 0 {
		r.Interval = d.Interval
	}
	if r.SampleEvery == 0 {
		r.SampleEvery = d.SampleEvery
	}
	r.Clock = clockOr(r.Clock)
	if r.Logger == nil {
		r.Logger = log.Default()
	}
	return r, nil
}
