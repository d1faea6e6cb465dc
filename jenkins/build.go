package jenkins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Result is a build result.
type Result string

// Build results; ResultNone while a build runs.
const (
	ResultNone     Result = ""
	ResultSuccess  Result = "SUCCESS"
	ResultUnstable Result = "UNSTABLE"
	ResultFailure  Result = "FAILURE"
	ResultNotBuilt Result = "NOT_BUILT"
	ResultAborted  Result = "ABORTED"
)

// Artifact is a file archived by a build.
type Artifact struct {
	FileName     string `json:"fileName"`
	RelativePath string `json:"relativePath"`
	DisplayPath  string `json:"displayPath"`
	Size         int64  `json:"size,omitempty"`
}

type buildJSON struct {
	Class           string           `json:"_class"`
	Number          int              `json:"number"`
	URL             string           `json:"url"`
	FullDisplayName string           `json:"fullDisplayName"`
	Description     *string          `json:"description"`
	Result          *string          `json:"result"`
	Building        bool             `json:"building"`
	Duration        int64            `json:"duration"`
	Timestamp       int64            `json:"timestamp"`
	Actions         []map[string]any `json:"actions"`
	Artifacts       []Artifact       `json:"artifacts"`
	ChangeSet       *changeSetJSON   `json:"changeSet"`
	Target          *numURL          `json:"target"` // promotion builds
}

type changeSetJSON struct {
	Kind      string           `json:"kind"`
	Items     []map[string]any `json:"items"`
	Revisions []struct {
		Module   string `json:"module"`
		Revision int64  `json:"revision"`
	} `json:"revisions"`
}

// Build is one run of a job, as of its last poll. Cached accessors read
// that poll; methods taking ctx ask Jenkins again.
type Build struct {
	c   *Client
	job *Job
	// URL is the build's URL, without a trailing slash.
	URL string
	// Number is the build number.
	Number int
	// Raw is the decoded JSON of the last poll.
	Raw  map[string]any
	data buildJSON
}

// buildAt reads the build at u (a URL from Jenkins or built here).
func (c *Client) buildAt(ctx context.Context, raw string) (*Build, error) {
	u, err := c.resolve(raw)
	if err != nil {
		return nil, err
	}
	b := &Build{c: c, URL: u}
	if err := b.poll(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *Build) poll(ctx context.Context) error {
	var raw json.RawMessage
	if err := b.c.getJSON(ctx, b.URL, nil, &raw); err != nil {
		return err
	}
	var d buildJSON
	if err := json.Unmarshal(raw, &d); err != nil {
		return fmt.Errorf("cup: jenkins: build %s: %w", b.URL, err)
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	b.data, b.Raw, b.Number = d, m, d.Number
	return nil
}

// Refresh re-reads the build (no-op in static mode).
func (b *Build) Refresh(ctx context.Context) error {
	if b.c.static {
		return nil
	}
	return b.poll(ctx)
}

// Name returns fullDisplayName, e.g. "myjob #2" (CUP name and str()).
func (b *Build) Name() string { return b.data.FullDisplayName }

// String is Name.
func (b *Build) String() string { return b.Name() }

// Job returns the build's job: the one it was read through, else read
// from the URL.
func (b *Build) Job(ctx context.Context) (*Job, error) {
	if b.job != nil {
		return b.job, nil
	}
	u := b.URL[:strings.LastIndex(b.URL, "/")]
	j, err := b.c.jobAt(ctx, u)
	if err == nil {
		b.job = j
	}
	return j, err
}

// Description returns the description and whether one is set.
func (b *Build) Description() (string, bool) {
	if b.data.Description == nil {
		return "", false
	}
	return *b.data.Description, true
}

// SetDescription posts description=s and re-reads it.
func (b *Build) SetDescription(ctx context.Context, s string) error {
	if err := b.c.post(ctx, b.URL+"/submitDescription", nil, url.Values{"description": {s}}); err != nil {
		return err
	}
	var v struct {
		Description *string `json:"description"`
	}
	if err := b.c.getJSON(ctx, b.URL, url.Values{"tree": {"description"}}, &v); err != nil {
		return err
	}
	b.data.Description = v.Description
	return nil
}

// Result returns the result of the last poll (ResultNone while running).
func (b *Build) Result() Result {
	if b.data.Result == nil {
		return ResultNone
	}
	return Result(*b.data.Result)
}

// Building reports whether the build was running at the last poll.
func (b *Build) Building() bool { return b.data.Building }

// Duration returns the build's duration (0 while running).
func (b *Build) Duration() time.Duration { return time.Duration(b.data.Duration) * time.Millisecond }

// Timestamp returns when the build started.
func (b *Build) Timestamp() time.Time { return time.UnixMilli(b.data.Timestamp).UTC() }

// IsRunning asks Jenkins whether the build runs (tree=building).
func (b *Build) IsRunning(ctx context.Context) (bool, error) {
	var v struct {
		Building bool `json:"building"`
	}
	if err := b.c.getJSON(ctx, b.URL, url.Values{"tree": {"building"}}, &v); err != nil {
		return false, err
	}
	b.data.Building = v.Building
	return v.Building, nil
}

// IsSuccess is !running && result == SUCCESS.
func (b *Build) IsSuccess(ctx context.Context) (bool, error) {
	running, err := b.IsRunning(ctx)
	if err != nil || running {
		return false, err
	}
	if err := b.Refresh(ctx); err != nil {
		return false, err
	}
	return b.Result() == ResultSuccess, nil
}

// WaitUntilComplete polls tree=building every interval (0: the client's
// poll interval) until the build stops, then re-reads it. ctx bounds the
// wait; its deadline is ErrTimeout (matching context.DeadlineExceeded).
func (b *Build) WaitUntilComplete(ctx context.Context, every time.Duration) error {
	if b.c.static {
		return wrapf(ErrStaticMode, nil, "WaitUntilComplete")
	}
	err := wait(ctx, b.c.pollEvery(every), "for "+b.URL+" to finish", func() (bool, error) {
		running, err := b.IsRunning(ctx)
		return !running, err
	})
	if err != nil {
		return err
	}
	return b.poll(ctx)
}

// Stop aborts a running build and reports true; for a finished build it
// sends nothing and reports false.
func (b *Build) Stop(ctx context.Context) (bool, error) {
	running, err := b.IsRunning(ctx)
	if err != nil || !running {
		return false, err
	}
	if err := b.c.post(ctx, b.URL+"/stop", nil, nil); err != nil {
		return false, err
	}
	return true, b.Refresh(ctx)
}

// Console streams the console log (consoleText). Only ctx bounds the
// download; the caller closes the reader.
func (b *Build) Console(ctx context.Context) (io.ReadCloser, error) {
	return b.c.stream(ctx, b.URL+"/consoleText")
}

// stream GETs u and returns the body; the request timeout does not apply.
func (c *Client) stream(ctx context.Context, u string) (io.ReadCloser, error) {
	resp, cancel, err := c.do(ctx, request{method: http.MethodGet, url: u, stream: true})
	if err != nil {
		return nil, err
	}
	return &bodyCloser{ReadCloser: resp.Body, cancel: cancel}, nil
}

type bodyCloser struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *bodyCloser) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// Actions merges every non-null action object (later keys win).
func (b *Build) Actions() map[string]any {
	out := map[string]any{}
	for _, a := range b.data.Actions {
		for k, v := range a {
			out[k] = v
		}
	}
	return out
}

// Cause is why a build started.
type Cause struct {
	Class            string `json:"_class"`
	ShortDescription string `json:"shortDescription"`
	UserID           string `json:"userId"`
	UserName         string `json:"userName"`
	UpstreamProject  string `json:"upstreamProject"`
	UpstreamBuild    int    `json:"upstreamBuild"`
	UpstreamURL      string `json:"upstreamUrl"`
}

// Causes concatenates the causes of every action.
func (b *Build) Causes() []Cause {
	var out []Cause
	for _, a := range b.data.Actions {
		cs, ok := a["causes"]
		if !ok {
			continue
		}
		raw, err := json.Marshal(cs)
		if err != nil {
			continue
		}
		var l []Cause
		if json.Unmarshal(raw, &l) == nil {
			out = append(out, l...)
		}
	}
	return out
}

func (b *Build) firstCause() (Cause, bool) {
	c := b.Causes()
	if len(c) == 0 {
		return Cause{}, false
	}
	return c[0], true
}

// UpstreamJobName returns the first cause's upstream project.
func (b *Build) UpstreamJobName() (string, bool) {
	c, ok := b.firstCause()
	return c.UpstreamProject, ok && c.UpstreamProject != ""
}

// UpstreamBuildNumber returns the first cause's upstream build number.
func (b *Build) UpstreamBuildNumber() (int, bool) {
	c, ok := b.firstCause()
	return c.UpstreamBuild, ok && c.UpstreamBuild != 0
}

// UserID returns the first cause's user id.
func (b *Build) UserID() (string, bool) {
	c, ok := b.firstCause()
	return c.UserID, ok && c.UserID != ""
}

// UserName returns the first cause's user name.
func (b *Build) UserName() (string, bool) {
	c, ok := b.firstCause()
	return c.UserName, ok && c.UserName != ""
}

// CauseDescription returns the first cause's short description or "".
func (b *Build) CauseDescription() string {
	c, _ := b.firstCause()
	return c.ShortDescription
}

func (b *Build) causeIs(class, prefix string) bool {
	c, ok := b.firstCause()
	return ok && (strings.HasSuffix(c.Class, class) || strings.HasPrefix(c.ShortDescription, prefix))
}

// IsStartedByTimer reports a TimerTrigger cause.
func (b *Build) IsStartedByTimer() bool {
	return b.causeIs("TimerTrigger$TimerTriggerCause", "Started by timer")
}

// IsStartedByUser reports a UserIdCause.
func (b *Build) IsStartedByUser() bool { return b.causeIs("Cause$UserIdCause", "Started by user") }

// IsStartedByUpstream reports an UpstreamCause.
func (b *Build) IsStartedByUpstream() bool {
	return b.causeIs("Cause$UpstreamCause", "Started by upstream project")
}

// IsStartedBySCMChange reports an SCMTrigger cause.
func (b *Build) IsStartedBySCMChange() bool {
	return b.causeIs("SCMTrigger$SCMTriggerCause", "Started by an SCM change")
}

// UpstreamBuild reads the upstream build of the first cause.
func (b *Build) UpstreamBuild(ctx context.Context) (*Build, error) {
	c, ok := b.firstCause()
	if !ok || c.UpstreamURL == "" || c.UpstreamBuild == 0 {
		return nil, wrapf(ErrNoBuildData, nil, "%s has no upstream build", b.URL)
	}
	return b.c.buildAt(ctx, b.c.BaseURL()+"/"+strings.Trim(c.UpstreamURL, "/")+"/"+fmt.Sprint(c.UpstreamBuild))
}

// Revision is one Subversion module revision of a change set.
type Revision struct {
	Module   string
	Revision int64
}

// ChangeSet returns the Subversion revisions of the build; other VCS are
// ErrUnsupportedVCS.
func (b *Build) ChangeSet() ([]Revision, error) {
	cs := b.data.ChangeSet
	if cs == nil {
		return nil, nil
	}
	if cs.Kind != "svn" {
		return nil, wrapf(ErrUnsupportedVCS, nil, "change set kind %q", cs.Kind)
	}
	out := make([]Revision, 0, len(cs.Revisions))
	for _, r := range cs.Revisions {
		out = append(out, Revision{Module: r.Module, Revision: r.Revision})
	}
	return out, nil
}

// Artifacts returns the archived files of a finished build; a running
// build is ErrNotStopped.
func (b *Build) Artifacts(ctx context.Context) ([]Artifact, error) {
	running, err := b.IsRunning(ctx)
	if err != nil {
		return nil, err
	}
	if running {
		return nil, wrapf(ErrNotStopped, nil, "%s", b.URL)
	}
	if err := b.Refresh(ctx); err != nil {
		return nil, err
	}
	return append([]Artifact(nil), b.data.Artifacts...), nil
}

// DownloadArtifact writes artifact a to w (GET {build}/artifact/PATH).
func (b *Build) DownloadArtifact(ctx context.Context, a Artifact, w io.Writer) error {
	if a.RelativePath == "" || strings.Contains("/"+a.RelativePath+"/", "/../") {
		return wrapf(ErrBadParam, nil, "artifact path %q", a.RelativePath)
	}
	segs := strings.Split(a.RelativePath, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	rc, err := b.c.stream(ctx, b.URL+"/artifact/"+strings.Join(segs, "/"))
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return wrapf(ErrNoArtifacts, err, "%s", a.RelativePath)
		}
		return err
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return &RequestError{URL: b.URL + "/artifact/" + a.RelativePath, Method: http.MethodGet, Msg: "download", Err: err}
	}
	return nil
}

// Promote forces promotion name on the build; a running build is
// ErrNotStopped and any request failure ErrUnknownPromotion (as CUP).
func (b *Build) Promote(ctx context.Context, name string) error {
	running, err := b.IsRunning(ctx)
	if err != nil {
		return err
	}
	if running {
		return wrapf(ErrNotStopped, nil, "%s", b.URL)
	}
	if err := b.c.post(ctx, b.URL+"/promotion/forcePromotion", url.Values{"name": {name}}, nil); err != nil {
		return wrapf(ErrUnknownPromotion, err, "promotion %q", name)
	}
	return b.Refresh(ctx)
}

// DownloadAllArtifacts downloads every artifact of a finished build into
// dir, keeping their relative paths. Paths that would leave dir are
// refused with ErrBadParam before anything is written.
func (b *Build) DownloadAllArtifacts(ctx context.Context, dir string) error {
	arts, err := b.Artifacts(ctx)
	if err != nil {
		return err
	}
	for _, a := range arts {
		if !filepath.IsLocal(filepath.FromSlash(a.RelativePath)) {
			return wrapf(ErrBadParam, nil, "artifact path %q leaves the target directory", a.RelativePath)
		}
	}
	for _, a := range arts {
		dest := filepath.Join(dir, filepath.FromSlash(a.RelativePath))
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return err
		}
		f, err := os.Create(dest)
		if err != nil {
			return err
		}
		err = b.DownloadArtifact(ctx, a, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
