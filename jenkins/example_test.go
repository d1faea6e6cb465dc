package jenkins_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cupgo/cup/internal/jenkinstest"
	"github.com/cupgo/cup/jenkins"
)

// Start a parameterised build, wait for it and print its console.
func Example() {
	fake := jenkinstest.Start(jenkinstest.Options{CSRF: true}) // stands in for a real Jenkins
	defer fake.Close()
	fake.AddJob("deploy", &jenkinstest.Job{Params: []string{"ENV"}})

	c, err := jenkins.New(fake.URL, jenkins.WithBasicAuth("admin", "api-token"))
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	job, err := c.Job(ctx, "deploy")
	if err != nil {
		panic(err)
	}
	item, err := job.Invoke(ctx, map[string]string{"ENV": "staging"}, jenkins.WithCause("example"))
	if err != nil {
		panic(err)
	}
	build, err := item.WaitUntilComplete(ctx, 10*time.Millisecond)
	if err != nil {
		panic(err)
	}
	fmt.Println(build.Name(), build.Result())
	log, err := build.Console(ctx)
	if err != nil {
		panic(err)
	}
	defer log.Close()
	io.Copy(os.Stdout, log)
	// Output:
	// deploy #1 SUCCESS
	// Started by user admin
	// Building deploy #1
	// Finished: SUCCESS
}
