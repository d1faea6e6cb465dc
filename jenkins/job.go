package jenkins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// BuildRef names one of a job's build shortcuts.
type BuildRef string

// The build references Jenkins keeps for every job.
const (
	FirstBuild            BuildRef = "firstBuild"
	LastBuild             BuildRef = "lastBuild"
	LastStableBuild       BuildRef = "lastStableBuild"
	LastSuccessfulBuild   BuildRef = "lastSuccessfulBuild"
	LastCompletedBuild    BuildRef = "lastCompletedBuild"
	LastFailedBuild       BuildRef = "lastFailedBuild"
	LastUnstableBuild     BuildRef = "lastUnstableBuild"
	LastUnsuccessfulBuild BuildRef = "lastUnsuccessfulBuild"
)

type numURL struct {
	Number int    `json:"number"`
	URL    string `json:"url"`
}

type nameURL struct {
	Name  string `json:"name"`
	URL   string `json:"url"`
	Class string `json:"_class,omitempty"`
	Color string `json:"color,omitempty"`
}

type jobJSON struct {
	Class              string           `json:"_class"`
	Name               string           `json:"name"`
	FullName           string           `json:"fullName"`
	URL                string           `json:"url"`
	Description        *string          `json:"description"`
	Color              string           `json:"color"`
	Buildable          *bool            `json:"buildable"`
	InQueue            bool             `json:"inQueue"`
	NextBuildNumber    int              `json:"nextBuildNumber"`
	Actions            []map[string]any `json:"actions"`
	Property           []map[string]any `json:"property"`
	UpstreamProjects   []nameURL        `json:"upstreamProjects"`
	DownstreamProjects []nameURL        `json:"downstreamProjects"`
	Jobs               []nameURL        `json:"jobs"`
	Builds             []numURL         `json:"builds"`
}

// Job is a Jenkins job (or folder) as read by its last full poll. Cached
// accessors read that poll; methods taking ctx ask Jenkins again. A Job is
// safe for concurrent use once returned.
type Job struct {
	c *Client
	// Name is the full name, with folders: "team/app/build".
	Name string
	// URL is the job's URL, without a trailing slash.
	URL string
	// Raw is the decoded JSON of the last poll, for fields not mapped here.
	Raw  map[string]any
	data jobJSON
}

// String returns the job's name (CUP str()).
func (j *Job) String() string { return j.Name }

// JobInfo is one entry of a job listing.
type JobInfo struct {
	Name  string `json:"name"`
	URL   string `json:"url"`
	Class string `json:"class"`
	Color string `json:"color"`
}

// Jobs lists the top-level jobs and folders (CUP jenkins.jobs).
func (c *Client) Jobs(ctx context.Context) ([]JobInfo, error) {
	return c.listJobs(ctx, c.BaseURL())
}

// FolderJobs lists the jobs inside folder ("a/b").
func (c *Client) FolderJobs(ctx context.Context, folder string) ([]JobInfo, error) {
	p, err := jobPath(folder)
	if err != nil {
		return nil, err
	}
	return c.listJobs(ctx, c.BaseURL()+p)
}

func (c *Client) listJobs(ctx context.Context, u string) ([]JobInfo, error) {
	var v struct{ Jobs []nameURL }
	if err := c.getJSON(ctx, u, url.Values{"tree": {"jobs[name,url,color]"}}, &v); err != nil {
		return nil, err
	}
	out := make([]JobInfo, 0, len(v.Jobs))
	for _, j := range v.Jobs {
		out = append(out, JobInfo{Name: j.Name, URL: strings.TrimRight(j.URL, "/"), Class: j.Class, Color: j.Color})
	}
	return out, nil
}

// JobNames returns the names of the top-level jobs.
func (c *Client) JobNames(ctx context.Context) ([]string, error) {
	jobs, err := c.Jobs(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(jobs))
	for i, j := range jobs {
		names[i] = j.Name
	}
	return names, nil
}

// HasJob reports whether the job (folder path allowed) exists.
func (c *Client) HasJob(ctx context.Context, name string) (bool, error) {
	_, err := c.Job(ctx, name)
	if errors.Is(err, ErrUnknownJob) {
		return false, nil
	}
	return err == nil, err
}

// Job reads the job called name; "a/b/c" is job c in folder b in folder
// a. A missing job is ErrUnknownJob (which matches ErrNotFound).
func (c *Client) Job(ctx context.Context, name string) (*Job, error) {
	p, err := jobPath(name)
	if err != nil {
		return nil, err
	}
	j := &Job{c: c, Name: strings.Trim(name, "/"), URL: c.BaseURL() + p}
	if err := j.poll(ctx); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, wrapf(ErrUnknownJob, err, "job %q", name)
		}
		return nil, err
	}
	return j, nil
}

func (j *Job) poll(ctx context.Context) error {
	var raw map[string]any
	var b json.RawMessage
	if err := j.c.getJSON(ctx, j.URL, nil, &b); err != nil {
		return err
	}
	var d jobJSON
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("cup: jenkins: job %s: %w", j.Name, err)
	}
	_ = json.Unmarshal(b, &raw)
	j.data, j.Raw = d, raw
	return nil
}

// Refresh re-reads the job.
func (j *Job) Refresh(ctx context.Context) error {
	if j.c.static {
		return nil
	}
	return j.poll(ctx)
}

// fresh reads tree from the job (or the cached data in static mode).
func (j *Job) fresh(ctx context.Context, tree string, v any) error {
	return j.c.getJSON(ctx, j.URL, url.Values{"tree": {tree}}, v)
}

// Description returns the job description ("" when unset).
func (j *Job) Description() string {
	if j.data.Description == nil {
		return ""
	}
	return *j.data.Description
}

// SetDescription sets the job description.
func (j *Job) SetDescription(ctx context.Context, s string) error {
	if err := j.c.post(ctx, j.URL+"/submitDescription", nil, url.Values{"description": {s}}); err != nil {
		return err
	}
	return j.Refresh(ctx)
}

// IsFolder reports whether the job is a folder (it has a jobs list).
func (j *Job) IsFolder() bool {
	return j.data.Jobs != nil || strings.Contains(j.data.Class, "Folder")
}

// Class returns Jenkins' _class of the job.
func (j *Job) Class() string { return j.data.Class }

// NextBuildNumber returns nextBuildNumber from the last poll (0 if absent).
func (j *Job) NextBuildNumber() int { return j.data.NextBuildNumber }

// UpstreamNames returns the names of the upstream projects.
func (j *Job) UpstreamNames() []string { return names(j.data.UpstreamProjects) }

// DownstreamNames returns the names of the downstream projects.
func (j *Job) DownstreamNames() []string { return names(j.data.DownstreamProjects) }

func names(l []nameURL) []string {
	out := make([]string, 0, len(l))
	for _, n := range l {
		out = append(out, n.Name)
	}
	return out
}

// Upstream reads the upstream jobs.
func (j *Job) Upstream(ctx context.Context) ([]*Job, error) {
	return j.c.jobsByURL(ctx, j.data.UpstreamProjects)
}

// Downstream reads the downstream jobs.
func (j *Job) Downstream(ctx context.Context) ([]*Job, error) {
	return j.c.jobsByURL(ctx, j.data.DownstreamProjects)
}

func (c *Client) jobsByURL(ctx context.Context, l []nameURL) ([]*Job, error) {
	var out []*Job
	for _, n := range l {
		j, err := c.jobAt(ctx, n.URL)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

// jobAt reads the job at a URL returned by Jenkins.
func (c *Client) jobAt(ctx context.Context, raw string) (*Job, error) {
	u, err := c.resolve(raw)
	if err != nil {
		return nil, err
	}
	j := &Job{c: c, URL: u, Name: nameFromURL(c.BaseURL(), u)}
	if err := j.poll(ctx); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, wrapf(ErrUnknownJob, err, "job at %s", u)
		}
		return nil, err
	}
	if j.data.FullName != "" {
		j.Name = j.data.FullName
	}
	return j, nil
}

// nameFromURL turns base/job/a/job/b into "a/b".
func nameFromURL(base, u string) string {
	rest := strings.TrimPrefix(strings.TrimRight(u, "/"), base)
	var parts []string
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	for i := 0; i+1 < len(segs); i += 2 {
		if segs[i] != "job" {
			break
		}
		s, err := url.PathUnescape(segs[i+1])
		if err != nil {
			s = segs[i+1]
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "/")
}

// HasParams reports whether the job declares build parameters (in its
// actions, or in its properties on newer Jenkins).
func (j *Job) HasParams() bool {
	for _, l := range [][]map[string]any{j.data.Actions, j.data.Property} {
		for _, a := range l {
			if pd, ok := a["parameterDefinitions"].([]any); ok && len(pd) > 0 {
				return true
			}
		}
	}
	return false
}

// IsEnabled asks whether the job can be built (color is not "disabled"
// and, where Jenkins reports it, buildable is true).
func (j *Job) IsEnabled(ctx context.Context) (bool, error) {
	var v struct {
		Color     string `json:"color"`
		Buildable *bool  `json:"buildable"`
	}
	if err := j.fresh(ctx, "color,buildable", &v); err != nil {
		return false, err
	}
	if v.Buildable != nil && !*v.Buildable && j.data.Jobs == nil {
		return false, nil
	}
	return !strings.HasPrefix(v.Color, "disabled"), nil
}

// Enable enables the job.
func (j *Job) Enable(ctx context.Context) error { return j.c.post(ctx, j.URL+"/enable", nil, nil) }

// Disable disables the job.
func (j *Job) Disable(ctx context.Context) error { return j.c.post(ctx, j.URL+"/disable", nil, nil) }

// IsQueued asks whether the job waits in the build queue.
func (j *Job) IsQueued(ctx context.Context) (bool, error) {
	var v struct {
		InQueue bool `json:"inQueue"`
	}
	err := j.fresh(ctx, "inQueue", &v)
	return v.InQueue, err
}

// IsRunning asks whether the last build is running; false without builds.
func (j *Job) IsRunning(ctx context.Context) (bool, error) {
	var v struct {
		LastBuild *struct {
			Building bool `json:"building"`
		} `json:"lastBuild"`
	}
	if err := j.fresh(ctx, "lastBuild[building]", &v); err != nil {
		return false, err
	}
	return v.LastBuild != nil && v.LastBuild.Building, nil
}

// IsQueuedOrRunning is IsQueued || IsRunning.
func (j *Job) IsQueuedOrRunning(ctx context.Context) (bool, error) {
	q, err := j.IsQueued(ctx)
	if err != nil || q {
		return q, err
	}
	return j.IsRunning(ctx)
}

// BuildNumber returns the number of the build ref points to; none is
// ErrNoBuildData.
func (j *Job) BuildNumber(ctx context.Context, ref BuildRef) (int, error) {
	var v map[string]json.RawMessage
	if err := j.fresh(ctx, string(ref)+"[number]", &v); err != nil {
		return 0, err
	}
	var b *numURL
	if raw, ok := v[string(ref)]; ok {
		if err := json.Unmarshal(raw, &b); err != nil {
			return 0, fmt.Errorf("cup: jenkins: job %s %s: %w", j.Name, ref, err)
		}
	}
	if b != nil {
		return b.Number, nil
	}
	return 0, wrapf(ErrNoBuildData, nil, "job %s has no %s", j.Name, ref)
}

// BuildByRef reads the build ref points to.
func (j *Job) BuildByRef(ctx context.Context, ref BuildRef) (*Build, error) {
	n, err := j.BuildNumber(ctx, ref)
	if err != nil {
		return nil, err
	}
	return j.Build(ctx, n)
}

// Builds returns every build number and URL, including builds older than
// the newest 100 that Jenkins' "builds" list is capped at (it reads
// "allBuilds").
func (j *Job) Builds(ctx context.Context) (map[int]string, error) {
	var v struct {
		AllBuilds []numURL `json:"allBuilds"`
	}
	if err := j.fresh(ctx, "allBuilds[number,url]", &v); err != nil {
		return nil, err
	}
	out := make(map[int]string, len(v.AllBuilds))
	for _, b := range v.AllBuilds {
		u, err := j.c.resolve(b.URL)
		if err != nil {
			return nil, err
		}
		out[b.Number] = u
	}
	return out, nil
}

// BuildNumbers returns the build numbers in ascending order.
func (j *Job) BuildNumbers(ctx context.Context) ([]int, error) {
	m, err := j.Builds(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Ints(out)
	return out, nil
}

// Build reads build n directly, so builds older than the newest 100 are
// found. A missing build is ErrNoBuildData when n >= nextBuildNumber and
// ErrDeletedBuild below it.
func (j *Job) Build(ctx context.Context, n int) (*Build, error) {
	if n <= 0 {
		return nil, wrapf(ErrBadParam, nil, "build number %d", n)
	}
	b, err := j.c.buildAt(ctx, j.URL+"/"+strconv.Itoa(n))
	if err == nil {
		b.job = j
		return b, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if n >= j.data.NextBuildNumber {
		return nil, wrapf(ErrNoBuildData, err, "job %s has no build #%d (next is #%d)", j.Name, n, j.data.NextBuildNumber)
	}
	return nil, wrapf(ErrDeletedBuild, err, "job %s build #%d was deleted", j.Name, n)
}

// ConfigXML returns the job's config.xml.
func (j *Job) ConfigXML(ctx context.Context) ([]byte, error) {
	b, _, err := j.c.call(ctx, request{method: http.MethodGet, url: j.URL + "/config.xml"})
	return b, err
}

// SetConfigXML replaces the job's config.xml.
func (j *Job) SetConfigXML(ctx context.Context, xml []byte) error {
	_, _, err := j.c.call(ctx, request{method: http.MethodPost, url: j.URL + "/config.xml", body: xml, ctype: "application/xml"})
	return err
}

// CreateJob creates a job from config XML. name may contain folders; the
// folders must exist. An existing job is ErrJobExists and its config is
// left alone (CUP silently returned the existing job).
func (c *Client) CreateJob(ctx context.Context, name string, configXML []byte) (*Job, error) {
	p, err := jobPath(name)
	if err != nil {
		return nil, err
	}
	if len(configXML) == 0 {
		return nil, wrapf(ErrBadParam, nil, "empty config for job %q", name)
	}
	if ok, err := c.HasJob(ctx, name); err != nil {
		return nil, err
	} else if ok {
		return nil, wrapf(ErrJobExists, nil, "job %q", name)
	}
	parent, leaf := p[:strings.LastIndex(p, "/job/")], name[strings.LastIndex(strings.Trim(name, "/"), "/")+1:]
	_, _, err = c.call(ctx, request{method: http.MethodPost, url: c.BaseURL() + parent + "/createItem",
		query: url.Values{"name": {strings.Trim(leaf, "/")}}, body: configXML, ctype: "application/xml"})
	if err != nil {
		return nil, err
	}
	j, err := c.Job(ctx, name)
	if errors.Is(err, ErrUnknownJob) {
		return nil, wrapf(ErrAPI, err, "job %q not there after createItem", name)
	}
	return j, err
}

// DeleteJob deletes the job and checks that it is gone (at most 3
// attempts; CUP could loop forever).
func (c *Client) DeleteJob(ctx context.Context, name string) error {
	j, err := c.Job(ctx, name)
	if err != nil {
		return err
	}
	for range 3 {
		if err := c.post(ctx, j.URL+"/doDelete", nil, nil); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		ok, err := c.HasJob(ctx, name)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
	}
	return wrapf(ErrAPI, nil, "job %q still exists after 3 deletes", name)
}

// RenameJob renames the job (within its folder) and returns it.
func (c *Client) RenameJob(ctx context.Context, name, newName string) (*Job, error) {
	if newName == "" || strings.Contains(newName, "/") {
		return nil, wrapf(ErrBadParam, nil, "bad new job name %q", newName)
	}
	j, err := c.Job(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := c.post(ctx, j.URL+"/doRename", url.Values{"newName": {newName}}, nil); err != nil {
		return nil, err
	}
	full := newName
	if i := strings.LastIndex(j.Name, "/"); i >= 0 {
		full = j.Name[:i+1] + newName
	}
	nj, err := c.Job(ctx, full)
	if errors.Is(err, ErrUnknownJob) {
		return nil, wrapf(ErrAPI, err, "job %q not there after renaming %q", full, name)
	}
	return nj, err
}
