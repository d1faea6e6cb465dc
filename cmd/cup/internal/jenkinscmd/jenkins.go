// Package jenkinscmd implements "cup jenkins": list jobs, start a build
// (optionally waiting for it), show a build's status and print its
// console, over the jenkins package.
package jenkinscmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/jenkins"
)

// Options are the parsed arguments shared by the jenkins subcommands plus
// those of the one that runs.
type Options struct {
	IO *cmdutil.IOStreams

	URL, User, Token string
	Timeout          time.Duration // per request
	Poll             time.Duration // wait poll interval

	Command string // "job list", "build", "status", "console"
	Job     string
	Folder  string
	Number  int // 0: last build
	Params  map[string]string
	Cause   string
	Wait    bool
	WaitFor time.Duration // 0: no limit
	JSON    bool
}

// NewCmd builds "cup jenkins". runF replaces the default run in tests.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "jenkins <command>",
		Short: "Talk to a Jenkins server: list jobs, start builds, show status and console",
		Long: `Talk to a Jenkins server through its JSON API.

The server and credentials come from --url, --user and --token, or from the
JENKINS_URL, JENKINS_USER and JENKINS_TOKEN environment variables. Job names
may contain folders: "team/app".`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&opts.URL, "url", "", "Jenkins base URL (default $JENKINS_URL)")
	pf.StringVar(&opts.User, "user", "", "user name (default $JENKINS_USER)")
	pf.StringVar(&opts.Token, "token", "", "API token (default $JENKINS_TOKEN)")
	pf.DurationVar(&opts.Timeout, "request-timeout", jenkins.DefaultRequestTimeout, "bound on each API request")
	pf.DurationVar(&opts.Poll, "poll", 5*time.Second, "how often --wait polls")

	run := func(c *cobra.Command) error {
		opts.IO = f.IO
		if opts.URL == "" {
			opts.URL = os.Getenv("JENKINS_URL")
		}
		if opts.User == "" {
			opts.User = os.Getenv("JENKINS_USER")
		}
		if opts.Token == "" {
			opts.Token = os.Getenv("JENKINS_TOKEN")
		}
		if opts.URL == "" {
			return cmdutil.FlagErrorf("no Jenkins URL: give --url or set JENKINS_URL")
		}
		if opts.Timeout <= 0 || opts.Poll <= 0 {
			return cmdutil.FlagErrorf("--request-timeout and --poll must be positive")
		}
		if runF != nil {
			return runF(c.Context(), opts)
		}
		return runCmd(c.Context(), opts)
	}

	jobCmd := &cobra.Command{Use: "job <command>", Short: "Jobs"}
	list := &cobra.Command{
		Use:   "list [FOLDER]",
		Short: "List the jobs (of a folder)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Command = "job list"
			if len(args) == 1 {
				opts.Folder = args[0]
			}
			return run(c)
		},
	}
	cmdutil.AddJSONFlag(list, &opts.JSON)
	jobCmd.AddCommand(list)

	var params []string
	build := &cobra.Command{
		Use:   "build JOB [-p KEY=VAL]... [--wait]",
		Short: "Start a build; with --wait, wait for it and exit non-zero unless it succeeds",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Command, opts.Job = "build", args[0]
			opts.Params = map[string]string{}
			for _, p := range params {
				k, v, ok := strings.Cut(p, "=")
				if !ok || k == "" {
					return cmdutil.FlagErrorf("-p %q: want KEY=VALUE", p)
				}
				opts.Params[k] = v
			}
			if opts.WaitFor < 0 {
				return cmdutil.FlagErrorf("--timeout must not be negative")
			}
			return run(c)
		},
	}
	build.Flags().StringArrayVarP(&params, "param", "p", nil, "build parameter KEY=VALUE (repeatable)")
	build.Flags().BoolVar(&opts.Wait, "wait", false, "wait until the build finishes")
	build.Flags().DurationVar(&opts.WaitFor, "timeout", 0, "with --wait, give up after this long (exit 124)")
	build.Flags().StringVar(&opts.Cause, "cause", "", "why the build is started")
	cmdutil.AddJSONFlag(build, &opts.JSON)

	numberArg := func(args []string) error {
		opts.Job, opts.Number = args[0], 0
		if len(args) == 2 {
			n, err := strconv.Atoi(args[1])
			if err != nil || n <= 0 {
				return cmdutil.FlagErrorf("build number %q is not a positive integer", args[1])
			}
			opts.Number = n
		}
		return nil
	}
	status := &cobra.Command{
		Use:   "status JOB [NUMBER]",
		Short: "Show a build (default: the last one)",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Command = "status"
			if err := numberArg(args); err != nil {
				return err
			}
			return run(c)
		},
	}
	cmdutil.AddJSONFlag(status, &opts.JSON)
	console := &cobra.Command{
		Use:   "console JOB [NUMBER]",
		Short: "Print a build's console log (default: the last build)",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Command = "console"
			if err := numberArg(args); err != nil {
				return err
			}
			return run(c)
		},
	}
	cmd.AddCommand(jobCmd, build, status, console)
	return cmd
}

func newClient(o *Options) (*jenkins.Client, error) {
	opts := []jenkins.Option{jenkins.WithRequestTimeout(o.Timeout), jenkins.WithPollInterval(o.Poll)}
	if o.User != "" {
		opts = append(opts, jenkins.WithBasicAuth(o.User, o.Token))
	}
	return jenkins.New(o.URL, opts...)
}

func runCmd(ctx context.Context, o *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	c, err := newClient(o)
	if err != nil {
		return err
	}
	switch o.Command {
	case "job list":
		return listJobs(ctx, c, o)
	case "build":
		return startBuild(ctx, c, o)
	case "status":
		return showStatus(ctx, c, o)
	case "console":
		return showConsole(ctx, c, o)
	}
	return fmt.Errorf("unknown command %q", o.Command)
}

func listJobs(ctx context.Context, c *jenkins.Client, o *Options) error {
	var jobs []jenkins.JobInfo
	var err error
	if o.Folder != "" {
		jobs, err = c.FolderJobs(ctx, o.Folder)
	} else {
		jobs, err = c.Jobs(ctx)
	}
	if err != nil {
		return err
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].Name < jobs[j].Name })
	if o.JSON {
		return cmdutil.WriteJSON(o.IO.Out, jobs)
	}
	tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tURL")
	for _, j := range jobs {
		state := j.Color
		if strings.Contains(j.Class, "Folder") {
			state = "folder"
		}
		if state == "" {
			state = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", j.Name, state, j.URL)
	}
	return tw.Flush()
}

// buildInfo is what status and build --json print.
type buildInfo struct {
	Job         string        `json:"job"`
	Number      int           `json:"number"`
	URL         string        `json:"url"`
	Building    bool          `json:"building"`
	Result      string        `json:"result"`
	Duration    time.Duration `json:"durationNs"`
	Timestamp   time.Time     `json:"timestamp"`
	Description string        `json:"description,omitempty"`
	QueueID     int64         `json:"queueId,omitempty"`
}

func info(job string, b *jenkins.Build) buildInfo {
	d, _ := b.Description()
	return buildInfo{Job: job, Number: b.Number, URL: b.URL, Building: b.Building(), Result: string(b.Result()),
		Duration: b.Duration(), Timestamp: b.Timestamp(), Description: d}
}

func printInfo(w io.Writer, bi buildInfo) {
	state := bi.Result
	if bi.Building {
		state = "RUNNING"
	}
	fmt.Fprintf(w, "%s #%d: %s\n", bi.Job, bi.Number, state)
	fmt.Fprintf(w, "  started  %s\n", bi.Timestamp.Local().Format(time.RFC3339))
	if !bi.Building {
		fmt.Fprintf(w, "  duration %s\n", bi.Duration)
	}
	if bi.Description != "" {
		fmt.Fprintf(w, "  %s\n", bi.Description)
	}
	fmt.Fprintf(w, "  %s\n", bi.URL)
}

func startBuild(ctx context.Context, c *jenkins.Client, o *Options) error {
	job, err := c.Job(ctx, o.Job)
	if err != nil {
		return err
	}
	var iopts []jenkins.InvokeOption
	if o.Cause != "" {
		iopts = append(iopts, jenkins.WithCause(o.Cause))
	}
	q, err := job.Invoke(ctx, o.Params, iopts...)
	if err != nil {
		return err
	}
	if !o.Wait {
		if o.JSON {
			return cmdutil.WriteJSON(o.IO.Out, map[string]any{"job": job.Name, "queueId": q.ID, "queueUrl": q.URL})
		}
		fmt.Fprintf(o.IO.Out, "queued %s as queue item %d (%s)\n", job.Name, q.ID, q.URL)
		return nil
	}
	if !o.JSON {
		fmt.Fprintf(o.IO.ErrOut, "queued %s as queue item %d; waiting\n", job.Name, q.ID)
	}
	if o.WaitFor > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.WaitFor)
		defer cancel()
	}
	b, err := q.WaitUntilComplete(ctx, 0)
	if err != nil {
		return err
	}
	bi := info(job.Name, b)
	bi.QueueID = q.ID
	if o.JSON {
		if err := cmdutil.WriteJSON(o.IO.Out, bi); err != nil {
			return err
		}
	} else {
		printInfo(o.IO.Out, bi)
	}
	if b.Result() != jenkins.ResultSuccess {
		return &cmdutil.ExitError{Code: 1}
	}
	return nil
}

func findBuild(ctx context.Context, c *jenkins.Client, o *Options) (*jenkins.Job, *jenkins.Build, error) {
	job, err := c.Job(ctx, o.Job)
	if err != nil {
		return nil, nil, err
	}
	var b *jenkins.Build
	if o.Number == 0 {
		b, err = job.BuildByRef(ctx, jenkins.LastBuild)
	} else {
		b, err = job.Build(ctx, o.Number)
	}
	if errors.Is(err, jenkins.ErrNoBuildData) && o.Number == 0 {
		err = fmt.Errorf("job %s has no builds: %w", job.Name, err)
	}
	return job, b, err
}

func showStatus(ctx context.Context, c *jenkins.Client, o *Options) error {
	job, b, err := findBuild(ctx, c, o)
	if err != nil {
		return err
	}
	bi := info(job.Name, b)
	if o.JSON {
		return cmdutil.WriteJSON(o.IO.Out, bi)
	}
	printInfo(o.IO.Out, bi)
	return nil
}

func showConsole(ctx context.Context, c *jenkins.Client, o *Options) error {
	_, b, err := findBuild(ctx, c, o)
	if err != nil {
		return err
	}
	rc, err := b.Console(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(o.IO.Out, rc)
	return err
}
