package heartbeat

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/netasync"
)

// eventLog records a master's events.
type eventLog struct {
	mu     sync.Mutex
	events []Event
	at     []time.Time // real time each event arrived
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.at = append(l.at, time.Now())
	l.mu.Unlock()
}

// names returns the device names of events of kind k.
func (l *eventLog) names(k EventKind) map[string]time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]time.Time{}
	for i, e := range l.events {
		if e.Kind == k {
			out[e.Device.Name] = l.at[i]
		}
	}
	return out
}

func staticSample(name string) func(context.Context) (HostInfo, error) {
	return func(context.Context) (HostInfo, error) {
		h := NewHostInfo("lo", 0)
		h.Hostname = name
		h.CPUIdle = 50
		return h, nil
	}
}

// runner runs fn in a goroutine and returns a stop func that cancels it
// and returns its error.
func runner(fn func(context.Context) error) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fn(ctx) }()
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// A master and three agents on an in-memory network, driven by a fake
// clock: joins, acks, exactly the stopped agent lost, and its return.
func TestMasterAgentFakeClock(t *testing.T) {
	clk := newFakeClock()
	netw := NewMemNetwork()
	mtr, _ := netw.Listen("master")
	var evs eventLog
	m, err := NewMaster(mtr, &MasterConfig{LostAfter: 500 * time.Millisecond, CheckEvery: 50 * time.Millisecond, Clock: clk, OnEvent: evs.add})
	if err != nil {
		t.Fatal(err)
	}
	stopMaster := runner(m.Run)
	defer stopMaster()

	agents := map[string]*Agent{}
	stops := map[string]func() error{}
	start := func(name string) {
		tr, _ := netw.Listen("")
		a, err := NewAgent(tr, &AgentConfig{Master: "master", Name: name, Interval: 100 * time.Millisecond,
			SampleEvery: time.Hour, Sample: staticSample(name), Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		agents[name] = a
		stops[name] = runner(a.Run)
	}
	for _, n := range []string{"a1", "a2", "a3"} {
		start(n)
	}
	eventually(t, "three joins", func() bool { return len(m.Live()) == 3 })
	for n, a := range agents {
		eventually(t, n+" ack", func() bool { return a.Stats().Acks > 0 })
	}

	// step advances the clock one interval and waits until every running
	// agent's heartbeat of that tick reached the master.
	running := map[string]bool{"a1": true, "a2": true, "a3": true}
	step := func() {
		clk.Advance(100 * time.Millisecond)
		now := clk.Now()
		for n := range running {
			eventually(t, n+" heartbeat", func() bool {
				d, ok := m.Service().Get(n)
				return ok && !d.LastHealthy.Before(now)
			})
		}
	}
	for range 10 {
		step()
	}
	if lost := evs.names(EventLost); len(lost) != 0 {
		t.Fatalf("lost while all agents run: %v", lost)
	}
	// The first heartbeat may precede the first sample; later ones carry it.
	if d, _ := m.Service().Get("a2"); d.Info == nil || d.Info.Hostname != "a2" || d.Info.CPUIdle != 50 {
		t.Errorf("a2's info %+v", d.Info)
	}
	if err := stops["a2"](); err != nil {
		t.Errorf("agent Run = %v", err)
	}
	delete(running, "a2")
	for range 5 {
		step()
	}
	if lost := evs.names(EventLost); len(lost) != 0 {
		t.Fatalf("lost after exactly LostAfter: %v", lost)
	}
	step()
	eventually(t, "a2 lost", func() bool { return len(evs.names(EventLost)) == 1 })
	if _, ok := evs.names(EventLost)["a2"]; !ok {
		t.Fatalf("lost = %v, want a2", evs.names(EventLost))
	}
	if live, lost := m.Live(), m.Lost(); len(live) != 2 || len(lost) != 1 || lost[0].Name != "a2" {
		t.Errorf("live %d, lost %v", len(live), lost)
	}
	// a2 comes back under the same name.
	start("a2")
	running["a2"] = true
	step()
	if len(m.Lost()) != 0 || len(m.Live()) != 3 {
		t.Errorf("after return: live %d lost %d", len(m.Live()), len(m.Lost()))
	}
	if j := evs.names(EventJoined); len(j) != 3 {
		t.Errorf("joined events for %v", j)
	}
	for _, stop := range stops {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}
	if err := stopMaster(); err != nil {
		t.Errorf("master Run = %v", err)
	}
	if err := m.Run(context.Background()); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("second Run = %v", err)
	}
}

// cpuHog keeps every CPU busy with spinning goroutines and shell loops
// until the returned func is called.
func cpuHog(t *testing.T) (stop func()) {
	t.Helper()
	var quit atomic.Bool
	var wg sync.WaitGroup
	for range 2 * runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := 0
			for !quit.Load() {
				x++
			}
			_ = x
		}()
	}
	var procs []*exec.Cmd
	for range runtime.NumCPU() {
		cmd := exec.Command("sh", "-c", "while :; do :; done")
		if err := cmd.Start(); err != nil {
			t.Logf("no shell hog: %v", err)
			break
		}
		procs = append(procs, cmd)
	}
	return func() {
		quit.Store(true)
		wg.Wait()
		for _, p := range procs {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
	}
}

// Issue 7: 50 agents on loopback TCP; while a CPU hog runs none is
// reported lost; stopping 5 reports exactly those 5, each within twice
// the lost timeout.
func TestFiftyAgentsLoopback(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for about 20 s")
	}
	listeners := map[string]func() (Transport, error){
		"tcp": func() (Transport, error) { return ListenTCP("127.0.0.1:0", nil) },
	}
	if runtime.GOOS == "linux" {
		listeners["netasync"] = func() (Transport, error) { return ListenCUP(netasync.Config{Loops: 1}) }
	}
	for name, listen := range listeners {
		t.Run(name, func(t *testing.T) { testFiftyAgents(t, listen) })
	}
}

func testFiftyAgents(t *testing.T, listen func() (Transport, error)) {
	const (
		nAgents   = 50
		interval  = 200 * time.Millisecond
		lostAfter = 3 * time.Second // 15 beats: no false loss on a loaded shared machine
	)
	mtr, err := listen()
	if err != nil {
		t.Fatal(err)
	}
	var evs eventLog
	m, err := NewMaster(mtr, &MasterConfig{LostAfter: lostAfter, CheckEvery: 50 * time.Millisecond, OnEvent: evs.add})
	if err != nil {
		t.Fatal(err)
	}
	stopMaster := runner(m.Run)
	defer stopMaster()

	stopHog := cpuHog(t)
	hogStopped := false
	defer func() {
		if !hogStopped {
			stopHog()
		}
	}()

	stops := make([]func() error, nAgents)
	agents := make([]*Agent, nAgents)
	for i := range nAgents {
		tr, err := listen()
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("agent%02d", i)
		a, err := NewAgent(tr, &AgentConfig{Master: m.Addr(), Name: name, Interval: interval,
			SampleEvery: time.Hour, Sample: staticSample(name)})
		if err != nil {
			t.Fatal(err)
		}
		agents[i] = a
		stops[i] = runner(a.Run)
	}
	defer func() {
		for _, s := range stops {
			_ = s()
		}
	}()
	eventually(t, "50 joins", func() bool { return len(m.Live()) == nAgents })

	// Hold the hog for a while longer than the lost timeout.
	time.Sleep(lostAfter + time.Second)
	if lost := evs.names(EventLost); len(lost) != 0 {
		t.Fatalf("agents reported lost under CPU load: %v", lost)
	}
	stopHog()
	hogStopped = true

	victims := map[string]time.Time{}
	for _, i := range []int{3, 11, 27, 38, 49} {
		if err := stops[i](); err != nil {
			t.Fatal(err)
		}
		victims[agents[i].Name()] = time.Now()
	}
	eventually(t, "5 losses", func() bool { return len(evs.names(EventLost)) >= 5 })
	time.Sleep(lostAfter / 2) // any wrong extra loss would show up now
	lost := evs.names(EventLost)
	if len(lost) != 5 {
		t.Fatalf("lost %v, want exactly the 5 stopped agents", lost)
	}
	for name, stoppedAt := range victims {
		at, ok := lost[name]
		if !ok {
			t.Errorf("%s stopped but not reported lost", name)
			continue
		}
		if d := at.Sub(stoppedAt); d > 2*lostAfter {
			t.Errorf("%s reported lost %v after it stopped, want ≤ %v", name, d, 2*lostAfter)
		} else {
			t.Logf("%s lost after %v", name, d.Round(time.Millisecond))
		}
	}
	if n := len(m.Live()); n != nAgents-5 {
		t.Errorf("%d live agents, want %d", n, nAgents-5)
	}
	for i, a := range agents {
		if s := a.Stats(); s.Acks == 0 {
			t.Errorf("agent %d got no ack (%+v)", i, s)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	netw := NewMemNetwork()
	tr, _ := netw.Listen("")
	defer tr.Close()
	if _, err := NewMaster(nil, nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("NewMaster(nil) = %v", err)
	}
	if _, err := NewMaster(tr, &MasterConfig{LostAfter: -1}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("negative LostAfter = %v", err)
	}
	if _, err := NewAgent(tr, &AgentConfig{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("agent without master = %v", err)
	}
	if _, err := NewAgent(tr, &AgentConfig{Master: "m", Interval: -1}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("negative interval = %v", err)
	}
	m, err := NewMaster(tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Service().LostAfter() != DefaultMasterConfig().LostAfter {
		t.Errorf("nil config: lost-after %v", m.Service().LostAfter())
	}
	a, err := NewAgent(tr, &AgentConfig{Master: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if a.cfg.Interval != DefaultAgentConfig().Interval || a.Name() != tr.Addr() {
		t.Errorf("zero fields: interval %v, name %q", a.cfg.Interval, a.Name())
	}
	for _, c := range []*MasterConfig{DefaultMasterConfig(), LocalMasterConfig()} {
		if c.CheckEvery >= c.LostAfter {
			t.Errorf("preset checks every %v, loses after %v", c.CheckEvery, c.LostAfter)
		}
	}
}
