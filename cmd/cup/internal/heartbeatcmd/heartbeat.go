// Package heartbeatcmd implements "cup heartbeat master" and "cup
// heartbeat agent", over package services/heartbeat: a master that
// prints agents as they join and are lost, and an agent that reports
// this host's resources to it.
package heartbeatcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	stdnet "net"
	"net/netip"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/netasync"
	"github.com/cupgo/cup/services/heartbeat"
)

// NewCmd builds "cup heartbeat" with its two subcommands.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "heartbeat <command>",
		Short: "Run a heartbeat master or agent (CUP arrow-runtime)",
		Long: "A heartbeat master lists agents as they join and as they fall silent; an agent\n" +
			"reports this host's CPU, memory and network to a master at a fixed interval.",
		Example: "  cup heartbeat master --listen 127.0.0.1:51100 --lost-after 5s\n" +
			"  cup heartbeat agent --master 127.0.0.1:51100 --interval 1s --name web-1",
	}
	cmd.AddCommand(NewCmdMaster(f, nil), NewCmdAgent(f, nil))
	return cmd
}

// MasterOptions are the parsed arguments of "cup heartbeat master".
type MasterOptions struct {
	IO         *cmdutil.IOStreams
	Listen     string
	LostAfter  time.Duration
	CheckEvery time.Duration
	Transport  string
	JSON       bool
}

// NewCmdMaster builds "cup heartbeat master". runF replaces the default
// run in tests.
func NewCmdMaster(f *cmdutil.Factory, runF func(context.Context, *MasterOptions) error) *cobra.Command {
	opts := &MasterOptions{}
	cmd := &cobra.Command{
		Use:   "master --listen ADDR",
		Short: "Receive heartbeats and print agents as they join and are lost",
		Long: "Listen for agents' heartbeats on ADDR and print a line whenever an agent joins\n" +
			"(first heartbeat, or first after it was lost) or is lost (silent for longer than\n" +
			"--lost-after). Runs until interrupted. With --json, one JSON object per line.",
		Example: "  cup heartbeat master --listen 0.0.0.0:51100\n  cup heartbeat master --listen 127.0.0.1:51100 --lost-after 2s --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.IO = f.IO
			if opts.Listen == "" {
				return cmdutil.FlagErrorf("--listen is required")
			}
			if opts.LostAfter <= 0 {
				return cmdutil.FlagErrorf("--lost-after %v: want a positive duration", opts.LostAfter)
			}
			if opts.CheckEvery < 0 {
				return cmdutil.FlagErrorf("--check-every %v: want a positive duration", opts.CheckEvery)
			}
			if err := checkTransport(opts.Transport); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runMaster(cmd.Context(), opts)
		},
	}
	d := heartbeat.DefaultMasterConfig()
	cmd.Flags().StringVar(&opts.Listen, "listen", "", "address to listen on, IP:PORT (port 0 picks one)")
	cmd.Flags().DurationVar(&opts.LostAfter, "lost-after", d.LostAfter, "silence after which an agent is reported lost")
	cmd.Flags().DurationVar(&opts.CheckEvery, "check-every", 0, "how often to look for lost agents (default lost-after/10)")
	addTransportFlag(cmd, &opts.Transport)
	cmdutil.AddJSONFlag(cmd, &opts.JSON)
	return cmd
}

// masterLine is one line of "cup heartbeat master --json".
type masterLine struct {
	Time        time.Time           `json:"time"`
	Event       string              `json:"event"` // listening, joined, lost
	Addr        string              `json:"addr,omitempty"`
	Agent       string              `json:"agent,omitempty"`
	LastHealthy *time.Time          `json:"last_healthy,omitempty"`
	Info        *heartbeat.HostInfo `json:"info,omitempty"`
	Live        int                 `json:"live"`
	Lost        int                 `json:"lost"`
}

func runMaster(ctx context.Context, opts *MasterOptions) error {
	tr, err := openTransport(opts.Transport, opts.Listen)
	if err != nil {
		return err
	}
	cfg := &heartbeat.MasterConfig{LostAfter: opts.LostAfter, CheckEvery: opts.CheckEvery}
	if cfg.CheckEvery == 0 {
		cfg.CheckEvery = max(opts.LostAfter/10, time.Millisecond)
	}
	var mu sync.Mutex
	var master *heartbeat.Master
	out := opts.IO.Out
	emit := func(l masterLine) {
		mu.Lock()
		defer mu.Unlock()
		if opts.JSON {
			_ = json.NewEncoder(out).Encode(l) // one object per line
			return
		}
		switch l.Event {
		case "listening":
			fmt.Fprintf(out, "%s  listening on %s, agents lost after %v\n", stamp(l.Time), l.Addr, opts.LostAfter)
		default:
			fmt.Fprintf(out, "%s  %-6s %s%s  (live %d, lost %d)\n", stamp(l.Time), l.Event, l.Agent, describe(l.Info), l.Live, l.Lost)
		}
	}
	cfg.OnEvent = func(e heartbeat.Event) {
		svc := master.Service()
		lh := e.Device.LastHealthy
		emit(masterLine{Time: e.Time, Event: e.Kind.String(), Agent: e.Device.Name, LastHealthy: &lh, Info: e.Device.Info,
			Live: len(svc.Active()), Lost: len(svc.Lost())})
	}
	master, err = heartbeat.NewMaster(tr, cfg)
	if err != nil {
		_ = tr.Close()
		return err
	}
	emit(masterLine{Time: time.Now(), Event: "listening", Addr: master.Addr()})
	return master.Run(ctx)
}

func stamp(t time.Time) string { return t.Format("2006-01-02 15:04:05.000") }

// describe summarises an agent's info for the human output.
func describe(h *heartbeat.HostInfo) string {
	if h == nil {
		return ""
	}
	s := ""
	if h.IPAddr != "" && h.IPAddr != "0.0.0.0" {
		s += " ip=" + h.IPAddr
	}
	if h.Hostname != "" {
		s += " host=" + h.Hostname
	}
	if h.CPUIdle >= 0 {
		s += fmt.Sprintf(" cpu_idle=%.1f%%", h.CPUIdle)
	}
	if h.MemTotal > 0 && h.MemInUse >= 0 {
		s += fmt.Sprintf(" mem=%d/%dMiB", h.MemInUse>>20, h.MemTotal>>20)
	}
	return s
}

// AgentOptions are the parsed arguments of "cup heartbeat agent".
type AgentOptions struct {
	IO        *cmdutil.IOStreams
	Master    string
	Listen    string
	Name      string
	Iface     string
	Interval  time.Duration
	Duration  time.Duration
	Transport string
	// Pickle sends CUP 3.2.7's pickled bodies, for a 3.2.7 master.
	Pickle bool
	JSON   bool
}

// NewCmdAgent builds "cup heartbeat agent". runF replaces the default run
// in tests.
func NewCmdAgent(f *cmdutil.Factory, runF func(context.Context, *AgentOptions) error) *cobra.Command {
	opts := &AgentOptions{}
	cmd := &cobra.Command{
		Use:   "agent --master ADDR",
		Short: "Report this host's resources to a heartbeat master",
		Long: "Send a heartbeat with this host's CPU idle, memory and network rates to the master\n" +
			"every --interval, and print when the master starts or stops answering. Runs until\n" +
			"interrupted, or for --duration.",
		Example: "  cup heartbeat agent --master 10.0.0.1:51100\n  cup heartbeat agent --master 127.0.0.1:51100 --interval 200ms --name web-1\n" +
			"  cup heartbeat agent --master 10.0.0.1:51100 --pickle   # a CUP 3.2.7 (arrow) master",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.IO = f.IO
			if opts.Master == "" {
				return cmdutil.FlagErrorf("--master is required")
			}
			if _, _, err := stdnet.SplitHostPort(opts.Master); err != nil {
				return cmdutil.FlagErrorf("--master %q: want IP:PORT", opts.Master)
			}
			if opts.Interval <= 0 {
				return cmdutil.FlagErrorf("--interval %v: want a positive duration", opts.Interval)
			}
			if opts.Duration < 0 {
				return cmdutil.FlagErrorf("--duration %v: want 0 (until interrupted) or more", opts.Duration)
			}
			if err := checkTransport(opts.Transport); err != nil {
				return err
			}
			if opts.Pickle && opts.Transport != transportCUP {
				return cmdutil.FlagErrorf("--pickle is for a CUP 3.2.7 master: it needs --transport %s", transportCUP)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAgent(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Master, "master", "", "the master's address, IP:PORT")
	cmd.Flags().StringVar(&opts.Listen, "listen", "", "address for the master's answers (default: the local IP that routes to the master, port 0)")
	cmd.Flags().StringVar(&opts.Name, "name", "", "name the master lists this agent under (default: its IP:PORT)")
	cmd.Flags().StringVar(&opts.Iface, "iface", "", "interface whose rates are reported (default: the default route's)")
	cmd.Flags().DurationVar(&opts.Interval, "interval", heartbeat.DefaultAgentConfig().Interval, "time between heartbeats")
	cmd.Flags().DurationVar(&opts.Duration, "duration", 0, "stop after this long (0: run until interrupted)")
	cmd.Flags().BoolVar(&opts.Pickle, "pickle", false, "send bodies as CUP 3.2.7 agents do (a pickle), for a CUP 3.2.7 master; needs --transport cup")
	addTransportFlag(cmd, &opts.Transport)
	cmdutil.AddJSONFlag(cmd, &opts.JSON)
	return cmd
}

// agentLine is one line of "cup heartbeat agent --json".
type agentLine struct {
	Time   time.Time `json:"time"`
	Event  string    `json:"event"` // started, answering, silent, stopped
	Agent  string    `json:"agent"`
	Addr   string    `json:"addr"`
	Master string    `json:"master"`
	Sent   uint64    `json:"sent"`
	Failed uint64    `json:"failed"`
	Acks   uint64    `json:"acks"`
}

func runAgent(ctx context.Context, opts *AgentOptions) error {
	listen := opts.Listen
	if listen == "" {
		ip, err := routeTo(opts.Master)
		if err != nil {
			return err
		}
		listen = stdnet.JoinHostPort(ip, "0")
	}
	tr, err := openTransport(opts.Transport, listen)
	if err != nil {
		return err
	}
	cfg := heartbeat.DefaultAgentConfig()
	cfg.Master, cfg.Name, cfg.Iface, cfg.Interval = opts.Master, opts.Name, opts.Iface, opts.Interval
	cfg.LegacyPickle = opts.Pickle
	agent, err := heartbeat.NewAgent(tr, cfg)
	if err != nil {
		_ = tr.Close()
		return err
	}
	if opts.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Duration)
		defer cancel()
	}
	emit := func(event string) {
		s := agent.Stats()
		l := agentLine{Time: time.Now(), Event: event, Agent: agent.Name(), Addr: agent.Addr(), Master: opts.Master,
			Sent: s.Sent, Failed: s.Failed, Acks: s.Acks}
		writeAgentLine(opts.IO.Out, opts.JSON, l)
	}
	emit("started")
	done := make(chan error, 1)
	go func() { done <- agent.Run(ctx) }()

	// Report when the master starts or stops answering: answering means
	// an ack within the last three intervals.
	t := time.NewTicker(opts.Interval)
	defer t.Stop()
	answering := false
	for {
		select {
		case err := <-done:
			emit("stopped")
			return err
		case <-t.C:
			last := agent.Stats().LastAck
			now := !last.IsZero() && time.Since(last) <= 3*opts.Interval
			if now != answering {
				answering = now
				if now {
					emit("answering")
				} else {
					emit("silent")
				}
			}
		}
	}
}

func writeAgentLine(w io.Writer, asJSON bool, l agentLine) {
	if asJSON {
		_ = json.NewEncoder(w).Encode(l) // one object per line
		return
	}
	var what string
	switch l.Event {
	case "started":
		what = fmt.Sprintf("agent %s on %s reporting to %s", l.Agent, l.Addr, l.Master)
	case "answering":
		what = "master " + l.Master + " answers"
	case "silent":
		what = "master " + l.Master + " stopped answering"
	default:
		what = "stopped"
	}
	fmt.Fprintf(w, "%s  %s  (sent %d, failed %d, acks %d)\n", stamp(l.Time), what, l.Sent, l.Failed, l.Acks)
}

// routeTo returns the local IP the kernel would use to reach addr (a UDP
// "connect" sends nothing).
func routeTo(addr string) (string, error) {
	c, err := stdnet.Dial("udp", addr)
	if err != nil {
		return "", fmt.Errorf("heartbeat agent: no route to master %s: %w", addr, err)
	}
	defer c.Close()
	return c.LocalAddr().(*stdnet.UDPAddr).IP.String(), nil
}

// Transports of --transport.
const (
	transportCUP = "cup" // netasync, CUP's wire format
	transportTCP = "tcp" // the heartbeat package's plain TCP frames
)

func addTransportFlag(cmd *cobra.Command, target *string) {
	cmd.Flags().StringVar(target, "transport", transportCUP,
		"wire format: \"cup\" (CUP message center frames, over netasync) or \"tcp\" (plain length-prefixed frames)")
}

func checkTransport(t string) error {
	if t != transportCUP && t != transportTCP {
		return cmdutil.FlagErrorf("--transport %q: want %q or %q", t, transportCUP, transportTCP)
	}
	return nil
}

// openTransport opens a transport of kind on addr ("IP:PORT").
func openTransport(kind, addr string) (heartbeat.Transport, error) {
	if kind == transportTCP {
		return heartbeat.ListenTCP(addr, nil)
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Unmap().Is4() {
		return nil, cmdutil.FlagErrorf("address %q: the cup transport needs IPv4:PORT", addr)
	}
	ip := ap.Addr().Unmap()
	return heartbeat.ListenCUP(netasync.Config{IP: ip, Port: ap.Port()})
}
