package remote_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cupgo/cup/shell/remote"
)

// Run a command on one host with host-key checking against known_hosts
// and a deadline that kills the remote processes when it passes.
func ExampleDial() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := remote.Dial(ctx, remote.Config{
		Host:     "db1.example.com:22",
		User:     "ops",
		KeyFiles: []string{"/home/ops/.ssh/id_ed25519"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	res, err := c.Run(ctx, "uptime")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("exit %d: %s", res.RemoteExitStatus, res.Stdout)
}

// The "run on many hosts with a thread pool" recipe of CUP's wiki.
func ExampleFanOut() {
	var cfgs []remote.Config
	for _, h := range []string{"web1", "web2", "web3"} {
		cfgs = append(cfgs, remote.Config{Host: h, User: "ops", UseAgent: true})
	}
	results := remote.FanOut{
		Parallelism: 8,
		Progress:    func(done, total int, r remote.HostResult) { fmt.Printf("%d/%d %s\n", done, total, r.Host) },
	}.Run(context.Background(), cfgs, "systemctl is-active nginx")
	for _, r := range results {
		if r.Err != nil {
			fmt.Printf("%s: %v\n", r.Host, r.Err)
			continue
		}
		fmt.Printf("%s: %s", r.Host, r.Result.Stdout)
	}
}

// CUP's "scp a folder to many hosts" recipe: the folder is streamed as a
// tar archive into tar -x on each host, four hosts at a time, each with
// ten minutes, and the bytes sent are reported as they go.
func ExampleFanOut_UploadTar() {
	var cfgs []remote.Config
	for _, h := range []string{"web1", "web2", "web3", "web4", "web5"} {
		cfgs = append(cfgs, remote.Config{
			Host: h, User: "ops", UseAgent: true,
			CopyProgress: func(ev remote.CopyProgress) {
				if ev.FileBytes == ev.FileSize {
					fmt.Printf("%s: %s done, %d/%d bytes in all\n", ev.Host, ev.Path, ev.Bytes, ev.Total)
				}
			},
		})
	}
	results := remote.FanOut{Parallelism: 4, Timeout: 10 * time.Minute}.
		UploadTar(context.Background(), cfgs, "./release", "/opt/app")
	for _, r := range results {
		fmt.Printf("%s: %v\n", r.Host, r.Err)
	}
}
