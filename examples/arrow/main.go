// Command arrow mirrors CUP's arrow-runtime example: agents report their
// host's resources to a master by heartbeat, and the master lists the
// live and lost agents. It starts a master and three agents in this
// process on 127.0.0.1, each on its own netasync message center (CUP's
// wire format), stops one agent, waits until the master reports it lost,
// prints both lists and exits.
//
//	go run ./examples/arrow
//	go run ./examples/arrow -agents 5 -lost-after 1s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/cupgo/cup/errs"
	cuplog "github.com/cupgo/cup/log"
	"github.com/cupgo/cup/netasync"
	"github.com/cupgo/cup/services/heartbeat"
)

func main() {
	agents := flag.Int("agents", 3, "number of agents to start")
	lostAfter := flag.Duration("lost-after", 600*time.Millisecond, "silence after which the master reports an agent lost")
	interval := flag.Duration("interval", 100*time.Millisecond, "heartbeat interval of the agents")
	flag.Parse()
	if *agents < 2 {
		log.Fatal("-agents: want at least 2")
	}
	cuplog.SetLevel(cuplog.LevelError) // the master logs every loss as a warning; we print them ourselves

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	// The master: CUP's ControlService on port 51100; here any free port.
	mtr, err := listen()
	if err != nil {
		log.Fatal(err)
	}
	events := make(chan heartbeat.Event, 64)
	mcfg := heartbeat.LocalMasterConfig()
	mcfg.LostAfter = *lostAfter
	mcfg.OnEvent = func(e heartbeat.Event) { events <- e }
	master, err := heartbeat.NewMaster(mtr, mcfg)
	if err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	mctx, stopMaster := context.WithCancel(ctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := master.Run(mctx); err != nil {
			log.Print(err)
		}
	}()
	fmt.Printf("master listening on %s (lost after %v)\n", master.Addr(), *lostAfter)

	// The agents: each samples CPU, memory and network (about 1 s per
	// sample) and sends a heartbeat every interval.
	stops := make([]context.CancelFunc, *agents)
	names := make([]string, *agents)
	for i := range *agents {
		tr, err := listen()
		if err != nil {
			log.Fatal(err)
		}
		acfg := heartbeat.LocalAgentConfig()
		acfg.Master = master.Addr()
		acfg.Name = fmt.Sprintf("agent-%d", i+1)
		acfg.Interval = *interval
		agent, err := heartbeat.NewAgent(tr, acfg)
		if err != nil {
			log.Fatal(err)
		}
		names[i] = agent.Name()
		actx, cancel := context.WithCancel(ctx)
		stops[i] = cancel
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = agent.Run(actx)
		}()
	}
	defer func() {
		for _, s := range stops {
			s()
		}
		stopMaster()
		wg.Wait()
	}()

	await := func(kind heartbeat.EventKind, n int) bool {
		for n > 0 {
			select {
			case e := <-events:
				fmt.Printf("%s  %-8s %s\n", e.Time.Format("15:04:05.000"), e.Kind, e.Device.Name)
				if e.Kind == kind {
					n--
				}
			case <-ctx.Done():
				return false
			case <-time.After(30 * time.Second):
				log.Printf("no %v event within 30 s", kind)
				return false
			}
		}
		return true
	}
	if !await(heartbeat.EventJoined, *agents) {
		return
	}
	// Let the first resource samples (about 1 s) reach the master.
	select {
	case <-time.After(1500 * time.Millisecond):
	case <-ctx.Done():
		return
	}
	printAgents(master)

	victim := *agents / 2
	fmt.Printf("\nstopping %s\n", names[victim])
	stops[victim]()
	if !await(heartbeat.EventLost, 1) {
		return
	}
	printAgents(master)
}

// listen opens a transport on 127.0.0.1 with a free port: a netasync
// message center speaking CUP's wire format (like arrow-runtime), or the
// plain TCP transport where netasync's epoll engine is not available.
func listen() (heartbeat.Transport, error) {
	tr, err := heartbeat.ListenCUP(netasync.Config{})
	if errors.Is(err, errs.ErrNotSupported) {
		return heartbeat.ListenTCP("127.0.0.1:0", nil)
	}
	return tr, err
}

func printAgents(m *heartbeat.Master) {
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "\nSTATE\tAGENT\tLAST HEARD\tHOST\tIP\tCPU IDLE\tMEM USED\tNET IN B/s\tNET OUT B/s")
	row := func(state string, d *heartbeat.Device) {
		info := heartbeat.NewHostInfo("", 0)
		if d.Info != nil {
			info = *d.Info
		}
		fmt.Fprintf(w, "%s\t%s\t%s ago\t%s\t%s\t%.1f%%\t%s\t%.0f\t%.0f\n", state, d.Name,
			time.Since(d.LastHealthy).Round(time.Millisecond), info.Hostname, info.IPAddr, info.CPUIdle,
			mib(info.MemInUse, info.MemTotal), info.NetIn, info.NetOut)
	}
	for _, d := range m.Live() {
		row("live", d)
	}
	for _, d := range m.Lost() {
		row("lost", d)
	}
	w.Flush()
}

func mib(used, total int64) string {
	if used < 0 || total <= 0 {
		return "?"
	}
	return fmt.Sprintf("%d/%d MiB", used>>20, total>>20)
}
