// Command jenkins lists jobs, starts a parameterised build, waits for it
// and prints its console log.
//
// With no flags it starts an in-process fake Jenkins on 127.0.0.1 (with
// CSRF crumbs on, like a real one) and runs against that:
//
//	go run ./examples/jenkins
//
// Against a real server (JENKINS_USER and JENKINS_TOKEN authenticate):
//
//	go run ./examples/jenkins -url https://ci.example.com -job team/app -p ENV=staging
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/cupgo/cup/internal/jenkinstest"
	"github.com/cupgo/cup/jenkins"
)

type params map[string]string

func (p params) String() string { return fmt.Sprint(map[string]string(p)) }
func (p params) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want KEY=VALUE")
	}
	p[k] = v
	return nil
}

func main() {
	url := flag.String("url", "", "Jenkins URL (default: an in-process fake)")
	jobName := flag.String("job", "team/app", "job to build (folders allowed)")
	ps := params{}
	flag.Var(ps, "p", "build parameter KEY=VALUE (repeatable)")
	flag.Parse()

	poll := 15 * time.Second
	if *url == "" {
		fake := jenkinstest.Start(jenkinstest.Options{CSRF: true})
		defer fake.Close()
		fake.AddJob("team", &jenkinstest.Job{Folder: true})
		fake.AddJob("team/app", &jenkinstest.Job{Params: []string{"ENV"}})
		*url, poll = fake.URL, 50*time.Millisecond
		if len(ps) == 0 {
			ps["ENV"] = "staging"
		}
	}

	var opts []jenkins.Option
	if u := os.Getenv("JENKINS_USER"); u != "" {
		opts = append(opts, jenkins.WithBasicAuth(u, os.Getenv("JENKINS_TOKEN")))
	}
	c, err := jenkins.New(*url, append(opts, jenkins.WithPollInterval(poll))...)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()

	jobs, err := c.Jobs(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, j := range jobs {
		fmt.Printf("job %-20s %s\n", j.Name, j.URL)
	}

	job, err := c.Job(ctx, *jobName)
	if err != nil {
		log.Fatal(err)
	}
	item, err := job.Invoke(ctx, ps, jenkins.WithCause("examples/jenkins"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("queued:", item)
	build, err := item.WaitUntilComplete(ctx, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s finished: %s in %v\n", build.Name(), build.Result(), build.Duration())
	console, err := build.Console(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer console.Close()
	io.Copy(os.Stdout, console)
}
