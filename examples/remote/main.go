// Command remote copies a folder to many hosts at once and checks it
// arrived: CUP's scp_hosts_dir_by_tarfile recipe ("scp a folder to many
// hosts with a thread pool"), done the Go way. Instead of writing a
// tar.gz to a temporary folder, scp'ing it and running "tar zxf; rm" on
// every host, the archive is streamed over each SSH session straight into
// "tar -x", with at most -parallel hosts at a time, host keys checked
// against known_hosts, and one result per host.
//
//	go run ./examples/remote -hosts web1,web2:2222,web3 -user ops \
//	    -key ~/.ssh/id_ed25519 -src ./release -dst /opt/app
//
// Without -hosts it prints this usage and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cupgo/cup/shell"
	"github.com/cupgo/cup/shell/remote"
)

func main() {
	hosts := flag.String("hosts", "", "comma-separated hosts, each host or host:port")
	user := flag.String("user", os.Getenv("USER"), "user to log in as")
	key := flag.String("key", "", "private key file (default: the ssh-agent)")
	knownHosts := flag.String("known-hosts", "", "known_hosts file (default: ~/.ssh/known_hosts)")
	src := flag.String("src", ".", "local folder to copy")
	dst := flag.String("dst", "/tmp", "remote folder to copy it into (created if missing)")
	parallel := flag.Int("parallel", 4, "hosts worked on at once (CUP's thread pool: 4)")
	timeout := flag.Duration("timeout", 10*time.Minute, "time limit per host (CUP: 600s)")
	flag.Parse()
	if *hosts == "" {
		fmt.Fprintln(os.Stderr, "usage: remote -hosts H1,H2,... [-user U] [-key FILE] [-known-hosts FILE] -src DIR -dst DIR")
		flag.PrintDefaults()
		return
	}

	var cfgs []remote.Config
	for _, h := range strings.Split(*hosts, ",") {
		cfg := remote.Config{Host: strings.TrimSpace(h), User: *user}
		if *key != "" {
			cfg.KeyFiles = []string{*key}
		} else {
			cfg.UseAgent = true
		}
		if *knownHosts != "" {
			cfg.KnownHostsFiles = []string{*knownHosts}
		}
		cfgs = append(cfgs, cfg)
	}

	ctx := context.Background()
	pool := remote.FanOut{
		Parallelism: *parallel,
		Timeout:     *timeout,
		Progress: func(done, total int, r remote.HostResult) {
			fmt.Printf("[%d/%d] %s: %s (%v)\n", done, total, r.Host, errText(r.Err), r.Duration.Round(time.Millisecond))
		},
	}
	results := pool.UploadTar(ctx, cfgs, *src, *dst)

	// Check on every host that made it: count the files that arrived.
	var ok []remote.Config
	for i, r := range results {
		if r.Err == nil {
			ok = append(ok, cfgs[i])
		}
	}
	dir := *dst + "/" + filepath.Base(filepath.Clean(*src))
	pool.Progress = nil
	failed := len(results) - len(ok)
	for _, r := range pool.Run(ctx, ok, "find "+shell.Quote(dir)+" -type f | wc -l") {
		if r.Err != nil {
			failed++
			fmt.Printf("%s: check failed: %v\n", r.Host, r.Err)
			continue
		}
		fmt.Printf("%s: %s files in %s\n", r.Host, strings.TrimSpace(r.Result.Stdout), dir)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}
