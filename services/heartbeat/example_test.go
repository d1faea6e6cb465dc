package heartbeat_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cupgo/cup/services/heartbeat"
)

// A registry driven by hand, as CUP applications used HeartbeatService.
func ExampleService() {
	svc, err := heartbeat.NewService(30*time.Second, true)
	if err != nil {
		panic(err)
	}
	info := heartbeat.NewHostInfo("eth0", 51100)
	joined, _ := svc.Refresh("10.0.0.7:51100", &info)
	fmt.Println("joined:", joined)
	fmt.Println("registered:", svc.IsRegistered("10.0.0.7:51100", false))
	fmt.Println("lost now:", len(svc.CollectLost()))
	// Output:
	// joined: true
	// registered: true
	// lost now: 0
}

// A master and an agent over the built-in TCP transport on loopback.
func ExampleMaster() {
	mtr, err := heartbeat.ListenTCP("127.0.0.1:0", nil)
	if err != nil {
		panic(err)
	}
	joined := make(chan string, 1)
	cfg := heartbeat.LocalMasterConfig()
	cfg.OnEvent = func(e heartbeat.Event) {
		if e.Kind == heartbeat.EventJoined {
			joined <- e.Device.Name
		}
	}
	master, err := heartbeat.NewMaster(mtr, cfg)
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = master.Run(ctx); done <- struct{}{} }()

	atr, err := heartbeat.ListenTCP("127.0.0.1:0", nil)
	if err != nil {
		panic(err)
	}
	acfg := heartbeat.LocalAgentConfig()
	acfg.Master = master.Addr()
	acfg.Name = "web-1"
	acfg.Sample = func(context.Context) (heartbeat.HostInfo, error) { // skip the 1-s measurement
		return heartbeat.NewHostInfo("lo", 0), nil
	}
	agent, err := heartbeat.NewAgent(atr, acfg)
	if err != nil {
		panic(err)
	}
	go func() { _ = agent.Run(ctx); done <- struct{}{} }()

	fmt.Println("joined:", <-joined)
	cancel()
	<-done
	<-done
	// Output:
	// joined: web-1
}
