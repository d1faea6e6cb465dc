package jenkins_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/jenkinstest"
	"github.com/cupgo/cup/jenkins"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const poll = 10 * time.Millisecond

func fake(t *testing.T, opts jenkinstest.Options) *jenkinstest.Server {
	t.Helper()
	s := jenkinstest.Start(opts)
	t.Cleanup(s.Close)
	return s
}

func client(t *testing.T, url string, opts ...jenkins.Option) *jenkins.Client {
	t.Helper()
	c, err := jenkins.New(url, append([]jenkins.Option{jenkins.WithPollInterval(poll), jenkins.WithRequestTimeout(10 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// fixtureServer serves testdata files by path and records requests.
type fixtureServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
}

func fixtures(t *testing.T, routes map[string]string) *fixtureServer {
	t.Helper()
	fs := &fixtureServer{}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.reqs = append(fs.reqs, r.Clone(context.Background()))
		fs.mu.Unlock()
		f, ok := routes[r.URL.EscapedPath()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(f, "!") { // literal body
			io.WriteString(w, f[1:])
			return
		}
		b, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Error(err)
		}
		w.Write(b)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fixtureServer) requests() []*http.Request {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]*http.Request(nil), fs.reqs...)
}

// Checklist 1.
func TestNewNormalises(t *testing.T) {
	for in, want := range map[string]string{
		"jenkins.example":             "http://jenkins.example",
		"http://jenkins.example/":     "http://jenkins.example",
		"https://ci.example/jenkins/": "https://ci.example/jenkins",
	} {
		c, err := jenkins.New(in)
		if err != nil || c.BaseURL() != want {
			t.Errorf("New(%q) = %v, %v; want %s", in, c, err, want)
		}
	}
	for _, bad := range []string{"", "http://"} {
		if _, err := jenkins.New(bad); !errors.Is(err, jenkins.ErrBadParam) {
			t.Errorf("New(%q) err = %v", bad, err)
		}
	}
	if _, err := jenkins.New("h", jenkins.WithRequestTimeout(0)); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("zero timeout accepted: %v", err)
	}
}

// Checklist 2, 3.
func TestAuthAndJobPaths(t *testing.T) {
	s := fake(t, jenkinstest.Options{User: "alice", Token: "tok"})
	s.AddJob("team", &jenkinstest.Job{Folder: true})
	s.AddJob("team/app build", &jenkinstest.Job{Description: "in a folder"})
	c := client(t, s.URL, jenkins.WithBasicAuth("alice", "tok"))
	j, err := c.Job(ctx(t), "team/app build")
	if err != nil {
		t.Fatal(err)
	}
	if j.Name != "team/app build" || j.Description() != "in a folder" || !strings.HasSuffix(j.URL, "/job/team/job/app%20build") {
		t.Errorf("job %+v", j)
	}
	last := s.Requests()[len(s.Requests())-1]
	if last.Path != "/job/team/job/app%20build/api/json" {
		t.Errorf("path %s", last.Path)
	}
	if u, p, ok := (&http.Request{Header: last.Header}).BasicAuth(); !ok || u != "alice" || p != "tok" {
		t.Errorf("basic auth %q %q %v", u, p, ok)
	}
	folder, err := c.Job(ctx(t), "team")
	if err != nil || !folder.IsFolder() {
		t.Fatalf("folder: %v %v", folder, err)
	}
	inside, err := c.FolderJobs(ctx(t), "team")
	if err != nil || len(inside) != 1 || inside[0].Name != "app build" {
		t.Errorf("FolderJobs = %+v, %v", inside, err)
	}

	_, err = c.Job(ctx(t), "team/nojob")
	if !errors.Is(err, jenkins.ErrUnknownJob) || !errors.Is(err, jenkins.ErrNotFound) || !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("unknown job err = %v", err)
	}
	if ok, err := c.HasJob(ctx(t), "nojob"); ok || err != nil {
		t.Errorf("HasJob = %v, %v", ok, err)
	}

	anon := client(t, s.URL)
	_, err = anon.Job(ctx(t), "team")
	var re *jenkins.RequestError
	if !errors.As(err, &re) || re.Status != 401 || !errors.Is(err, jenkins.ErrUnauthorized) {
		t.Fatalf("anonymous err = %v", err)
	}
	last = s.Requests()[len(s.Requests())-1]
	if last.Header.Get("Authorization") != "" {
		t.Error("Authorization sent without credentials")
	}
}

// Checklist 4, 5.
func TestErrorStatuses(t *testing.T) {
	s := fake(t, jenkinstest.Options{})
	s.AddJob("x", &jenkinstest.Job{})
	s.Force("/job/forbidden/api/json", 403, "Forbidden")
	s.Force("/job/broken/api/json", 500, "java.lang.NullPointerException at hudson.Foo")
	s.Force("/job/garbage/api/json", 200, "{not json")
	c := client(t, s.URL)
	for _, tc := range []struct {
		job    string
		status int
		is     error
	}{
		{"forbidden", 403, jenkins.ErrForbidden},
		{"broken", 500, jenkins.ErrServer},
	} {
		_, err := c.Job(ctx(t), tc.job)
		var re *jenkins.RequestError
		if !errors.As(err, &re) || re.Status != tc.status || !errors.Is(err, tc.is) || !strings.Contains(err.Error(), "/job/"+tc.job+"/api/json") {
			t.Errorf("%s: err = %v", tc.job, err)
		}
		if tc.status == 500 && !bytes.Contains(re.Body, []byte("NullPointerException")) {
			t.Errorf("500 body not kept: %q", re.Body)
		}
	}
	_, err := c.Job(ctx(t), "garbage")
	if !errors.Is(err, errs.ErrParse) || !strings.Contains(err.Error(), "/job/garbage/api/json") {
		t.Errorf("invalid JSON err = %v", err)
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	_, err = client(t, "http://"+addr).Job(ctx(t), "x")
	var re *jenkins.RequestError
	var oe *net.OpError
	if !errors.As(err, &re) || re.Status != 0 || !errors.As(err, &oe) {
		t.Errorf("refused err = %v", err)
	}
}

// Checklist 6, 7.
func TestInvokeShapes(t *testing.T) {
	s := fake(t, jenkinstest.Options{QueuePolls: -1})
	s.AddJob("p", &jenkinstest.Job{Params: []string{"A", "B"}})
	s.AddJob("plain", &jenkinstest.Job{})
	c := client(t, s.URL)
	p, err := c.Job(ctx(t), "p")
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.Invoke(ctx(t), map[string]string{"A": "1", "B": "x y"}, jenkins.WithCause("because"))
	if err != nil {
		t.Fatal(err)
	}
	if q.ID != 1 || q.Parameters()["B"] != "x y" {
		t.Errorf("queue item %v params %v", q, q.Parameters())
	}
	var trig jenkinstest.Request
	for _, r := range s.Requests() {
		if r.Method == "POST" {
			trig = r
		}
	}
	if trig.Path != "/job/p/buildWithParameters" || trig.Form.Get("A") != "1" || trig.Form.Get("B") != "x y" || trig.Form.Get("cause") != "because" {
		t.Errorf("trigger %s %v", trig.Path, trig.Form)
	}
	var got, want any
	json.Unmarshal([]byte(trig.Form.Get("json")), &got)
	json.Unmarshal([]byte(`{"redirectTo": ".", "parameter": [{"name": "A", "value": "1"}, {"name": "B", "value": "x y"}, {"name": "cause", "value": "because"}], "statusCode": "303"}`), &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("json field %s", trig.Form.Get("json"))
	}

	plain, _ := c.Job(ctx(t), "plain")
	n := len(s.Requests())
	if _, err := plain.Invoke(ctx(t), map[string]string{"A": "1"}); !errors.Is(err, jenkins.ErrBadParam) {
		t.Errorf("params to plain job: %v", err)
	}
	if len(s.Requests()) != n {
		t.Error("a request was sent for a bad invoke")
	}
	q2, err := plain.Invoke(ctx(t), nil)
	if err != nil || q2.ID != 2 {
		t.Fatalf("plain invoke %v %v", q2, err)
	}
	if r := s.Requests()[len(s.Requests())-2]; r.Path != "/job/plain/build" || r.Form.Get("json") != `{"parameter":[],"redirectTo":".","statusCode":"303"}` {
		t.Errorf("plain trigger %s %v", r.Path, r.Form)
	}
}

func TestInvokeLocation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		loc    string
		is     error
		id     int64
	}{
		{"ok", 201, "/queue/item/7/", nil, 7},
		{"no location", 201, "", jenkins.ErrBadValue, 0},
		{"foreign location", 201, "http://evil.example/other/queue/item/7/", jenkins.ErrBadValue, 0},
		{"not a queue url", 201, "/job/x/", jenkins.ErrBadValue, 0},
		{"403", 403, "", jenkins.ErrForbidden, 0},
		{"404", 404, "", jenkins.ErrNotFound, 0},
		{"500", 500, "", jenkins.ErrServer, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var base string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/job/x/api/json":
					io.WriteString(w, `{"name":"x","url":"`+base+`/job/x/"}`)
				case "/queue/item/7/api/json":
					io.WriteString(w, `{"id":7,"task":{"name":"x","url":"`+base+`/job/x/"}}`)
				case "/job/x/build":
					if tc.loc != "" {
						loc := tc.loc
						if strings.HasPrefix(loc, "/") {
							loc = base + loc
						}
						w.Header().Set("Location", loc)
					}
					w.WriteHeader(tc.status)
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			base = srv.URL
			c := client(t, srv.URL)
			j, err := c.Job(ctx(t), "x")
			if err != nil {
				t.Fatal(err)
			}
			q, err := j.Invoke(ctx(t), nil)
			if tc.is == nil {
				if err != nil || q.ID != tc.id {
					t.Fatalf("q %v err %v", q, err)
				}
				return
			}
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			var re *jenkins.RequestError
			if tc.status >= 400 && !errors.As(err, &re) {
				t.Errorf("not a RequestError: %v", err)
			}
		})
	}
}

// Checklist 8.
func TestCrumbs(t *testing.T) {
	s := fake(t, jenkinstest.Options{CSRF: true})
	s.AddJob("x", &jenkinstest.Job{})
	c := client(t, s.URL)
	j, _ := c.Job(ctx(t), "x")
	for i := range 3 {
		if err := j.SetDescription(ctx(t), "d"+string(rune('0'+i))); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.CrumbsIssued(); n != 1 {
		t.Errorf("crumbs fetched %d times, want 1", n)
	}
	for _, r := range s.Requests() {
		if r.Method == "POST" && (r.Header.Get("Jenkins-Crumb") == "" || !strings.Contains(r.Header.Get("Cookie"), "JSESSIONID=")) {
			t.Errorf("POST %s without crumb or session cookie: %v", r.Path, r.Header)
		}
	}
	// Stale crumb: one refresh and a retry.
	s.InvalidateCrumbs(false)
	if err := j.Enable(ctx(t)); err != nil {
		t.Fatalf("after invalidation: %v", err)
	}
	if n := s.CrumbsIssued(); n != 2 {
		t.Errorf("crumbs issued %d, want 2", n)
	}
	// Refused twice: ErrCrumb.
	s.InvalidateCrumbs(true)
	err := j.Disable(ctx(t))
	var re *jenkins.RequestError
	if !errors.Is(err, jenkins.ErrCrumb) || !errors.Is(err, jenkins.ErrForbidden) || !errors.As(err, &re) || re.Status != 403 {
		t.Errorf("err = %v", err)
	}
	// No crumb issuer: POST without header succeeds.
	s2 := fake(t, jenkinstest.Options{})
	s2.AddJob("y", &jenkinstest.Job{})
	j2, _ := client(t, s2.URL).Job(ctx(t), "y")
	if err := j2.Disable(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if ok, err := j2.IsEnabled(ctx(t)); ok || err != nil {
		t.Errorf("IsEnabled after Disable = %v, %v", ok, err)
	}
	for _, r := range s2.Requests() {
		if r.Header.Get("Jenkins-Crumb") != "" {
			t.Error("crumb header sent without an issuer")
		}
	}
	// Crumb issuer answering 401 is ErrUnauthorized.
	s3 := fake(t, jenkinstest.Options{})
	s3.AddJob("z", &jenkinstest.Job{})
	s3.Force("/crumbIssuer/api/json", 401, "no")
	j3, _ := client(t, s3.URL).Job(ctx(t), "z")
	if err := j3.Enable(ctx(t)); !errors.Is(err, jenkins.ErrUnauthorized) {
		t.Errorf("crumb 401: %v", err)
	}
}

// Checklist 9, 10 and the whole flow.
func TestQueueToBuild(t *testing.T) {
	s := fake(t, jenkinstest.Options{CSRF: true, QueuePolls: 3, BuildPolls: 3})
	s.AddJob("f", &jenkinstest.Job{Folder: true})
	s.AddJob("f/app", &jenkinstest.Job{Params: []string{"V"}})
	c := client(t, s.URL)
	j, err := c.Job(ctx(t), "f/app")
	if err != nil {
		t.Fatal(err)
	}
	q, err := j.Invoke(ctx(t), map[string]string{"V": "42"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.BuildNumber(); !errors.Is(err, jenkins.ErrNotBuiltYet) {
		t.Errorf("BuildNumber before start: %v", err)
	}
	b, err := q.WaitUntilComplete(ctx(t), poll)
	if err != nil {
		t.Fatal(err)
	}
	if b.Number != 1 || b.Result() != jenkins.ResultSuccess || b.Building() || b.Duration() != 1500*time.Millisecond {
		t.Errorf("build %d %s %v %v", b.Number, b.Result(), b.Building(), b.Duration())
	}
	var buildingPolls int
	for _, r := range s.Requests() {
		if r.Path == "/job/f/job/app/1/api/json" && r.Query.Get("tree") == "building" {
			buildingPolls++
		}
	}
	if buildingPolls < 3 {
		t.Errorf("%d tree=building polls", buildingPolls)
	}
	qj, err := q.Job(ctx(t))
	if err != nil || qj.Name != "f/app" {
		t.Errorf("queue item job %v %v", qj, err)
	}
	rc, err := b.Console(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(rc)
	rc.Close()
	if !strings.Contains(string(text), "Finished: SUCCESS") {
		t.Errorf("console %q", text)
	}
	if n, err := j.BuildNumber(ctx(t), jenkins.LastBuild); err != nil || n != 1 {
		t.Errorf("LastBuild = %d, %v", n, err)
	}
	if _, err := j.BuildNumber(ctx(t), jenkins.LastFailedBuild); !errors.Is(err, jenkins.ErrNoBuildData) {
		t.Errorf("LastFailedBuild err = %v", err)
	}
}

func TestWaitFailures(t *testing.T) {
	s := fake(t, jenkinstest.Options{QueuePolls: -1})
	s.AddJob("x", &jenkinstest.Job{})
	c := client(t, s.URL)
	j, _ := c.Job(ctx(t), "x")

	q, _ := j.Invoke(ctx(t), nil)
	time.AfterFunc(50*time.Millisecond, func() { s.CancelQueueItem(q.ID) })
	if _, err := q.WaitUntilBuilding(ctx(t), poll); !errors.Is(err, jenkins.ErrCancelled) {
		t.Errorf("cancelled: %v", err)
	}

	q2, _ := j.Invoke(ctx(t), nil)
	if err := c.CancelQueueItem(ctx(t), q2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := q2.WaitUntilBuilding(ctx(t), poll); !errors.Is(err, jenkins.ErrCancelled) {
		t.Errorf("cancelled via API: %v", err)
	}

	q3, _ := j.Invoke(ctx(t), nil)
	dctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := q3.WaitUntilComplete(dctx, poll)
	if !errors.Is(err, jenkins.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
	items, err := c.Queue(ctx(t))
	if err != nil || len(items) != 1 || items[0].ID != q3.ID {
		t.Errorf("Queue = %+v, %v", items, err)
	}

	if _, err := c.QueueItem(ctx(t), 999); !errors.Is(err, jenkins.ErrUnknownQueueItem) || !errors.Is(err, jenkins.ErrNotFound) {
		t.Errorf("unknown queue item: %v", err)
	}
	s.Force("/queue/item/3/api/json", 404, "gone")
	if _, err := q3.WaitUntilBuilding(ctx(t), poll); !errors.Is(err, jenkins.ErrUnknownQueueItem) {
		t.Errorf("forgotten item: %v", err)
	}

	// A build that never finishes returns promptly on cancel.
	s2 := fake(t, jenkinstest.Options{BuildPolls: -1})
	s2.AddJob("r", &jenkinstest.Job{Builds: []*jenkinstest.Build{{Number: 1, Building: true}}})
	c2 := client(t, s2.URL)
	j2, _ := c2.Job(ctx(t), "r")
	b, err := j2.Build(ctx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	cctx, ccancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, ccancel)
	if err := b.WaitUntilComplete(cctx, poll); !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: %v", err)
	}
	// Stop: running -> true and ABORTED; finished -> false, no POST.
	ok, err := b.Stop(ctx(t))
	if !ok || err != nil || b.Result() != jenkins.ResultAborted {
		t.Errorf("Stop = %v, %v, %s", ok, err, b.Result())
	}
	n := len(s2.Requests())
	ok, err = b.Stop(ctx(t))
	if ok || err != nil {
		t.Errorf("second Stop = %v, %v", ok, err)
	}
	for _, r := range s2.Requests()[n:] {
		if r.Method == "POST" {
			t.Errorf("POST %s on a finished build", r.Path)
		}
	}
}

// Checklist 11, 20 from fixtures.
func TestBuildAccessorsFromFixture(t *testing.T) {
	fs := fixtures(t, map[string]string{
		"/job/myjob/api/json":                      "job.json",
		"/job/myjob/7/api/json":                    "build.json",
		"/job/myjob/8/api/json":                    "build_nocause.json",
		"/job/myjob/7/artifact/out/logs/a%20b.log": "!log content",
		"/job/upstream-one/api/json":               `!{"name":"upstream-one","fullName":"upstream-one","url":"http://jenkins.internal:8080/job/upstream-one/"}`,
	})
	c := client(t, fs.URL)
	j, err := c.Job(ctx(t), "myjob")
	if err != nil {
		t.Fatal(err)
	}
	if !j.HasParams() || j.NextBuildNumber() != 9 || j.Description() != "builds the thing" || !reflect.DeepEqual(j.UpstreamNames(), []string{"upstream-one"}) {
		t.Errorf("job accessors: %v %d %q %v", j.HasParams(), j.NextBuildNumber(), j.Description(), j.UpstreamNames())
	}
	ups, err := j.Upstream(ctx(t))
	if err != nil || len(ups) != 1 || ups[0].Name != "upstream-one" {
		t.Errorf("Upstream = %v, %v (host rewrite from jenkins.internal)", ups, err)
	}
	b, err := j.Build(ctx(t), 7)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2020, 9, 13, 12, 26, 40, 123e6, time.UTC); !b.Timestamp().Equal(want) {
		t.Errorf("Timestamp %v", b.Timestamp())
	}
	if b.Duration() != 1500*time.Millisecond || b.Result() != jenkins.ResultSuccess || b.Name() != "myjob #7" {
		t.Errorf("Duration %v Result %s Name %s", b.Duration(), b.Result(), b.Name())
	}
	if d, ok := b.Description(); !ok || d != "nightly" {
		t.Errorf("Description %q %v", d, ok)
	}
	if up, ok := b.UpstreamJobName(); !ok || up != "release/deploy" {
		t.Errorf("UpstreamJobName %q %v", up, ok)
	}
	if n, ok := b.UpstreamBuildNumber(); !ok || n != 41 {
		t.Errorf("UpstreamBuildNumber %d %v", n, ok)
	}
	if _, ok := b.UserID(); ok {
		t.Error("UserID from the first cause (upstream) should be missing")
	}
	if len(b.Causes()) != 2 || b.Causes()[1].UserName != "Admin" || !b.IsStartedByUpstream() || b.IsStartedByTimer() {
		t.Errorf("causes %+v", b.Causes())
	}
	if a := b.Actions(); a["parameters"] == nil || a["causes"] == nil {
		t.Errorf("Actions %v", a)
	}
	revs, err := b.ChangeSet()
	if err != nil || len(revs) != 1 || revs[0].Revision != 1234 {
		t.Errorf("ChangeSet %v %v", revs, err)
	}
	arts := b.Raw["artifacts"].([]any)
	if len(arts) != 2 {
		t.Fatalf("artifacts %v", arts)
	}
	var buf bytes.Buffer
	if err := b.DownloadArtifact(ctx(t), jenkins.Artifact{RelativePath: "out/logs/a b.log"}, &buf); err != nil || buf.String() != "log content" {
		t.Errorf("download %q %v", buf.String(), err)
	}
	if err := b.DownloadArtifact(ctx(t), jenkins.Artifact{RelativePath: "out/none"}, &buf); !errors.Is(err, jenkins.ErrNoArtifacts) {
		t.Errorf("missing artifact %v", err)
	}
	if err := b.DownloadArtifact(ctx(t), jenkins.Artifact{RelativePath: "../../secret"}, &buf); !errors.Is(err, jenkins.ErrBadParam) {
		t.Errorf("traversal %v", err)
	}
	for _, r := range fs.requests() {
		if r.Host != strings.TrimPrefix(fs.URL, "http://") {
			t.Errorf("request went to %s", r.Host)
		}
	}

	b8, err := j.Build(ctx(t), 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b8.UserName(); ok || b8.CauseDescription() != "" || b8.Result() != jenkins.ResultNone {
		t.Error("empty causes should give ok=false and no panic")
	}
	if _, ok := b8.Description(); ok {
		t.Error("null description reported as set")
	}
	if _, err := b8.ChangeSet(); !errors.Is(err, jenkins.ErrUnsupportedVCS) {
		t.Errorf("git change set: %v", err)
	}
	// Checklist 14: next and deleted builds.
	if _, err := j.Build(ctx(t), 9); !errors.Is(err, jenkins.ErrNoBuildData) || errors.Is(err, jenkins.ErrDeletedBuild) {
		t.Errorf("build 9: %v", err)
	}
	if _, err := j.Build(ctx(t), 3); !errors.Is(err, jenkins.ErrDeletedBuild) || !errors.Is(err, jenkins.ErrNoBuildData) {
		t.Errorf("build 3: %v", err)
	}
}

// Checklist 12, 14 (older than 100), 15.
func TestJobManagement(t *testing.T) {
	s := fake(t, jenkinstest.Options{CSRF: true})
	var builds []*jenkinstest.Build
	for i := 1; i <= 150; i++ {
		builds = append(builds, &jenkinstest.Build{Number: i, Result: "SUCCESS"})
	}
	s.AddJob("old", &jenkinstest.Job{Builds: builds})
	c := client(t, s.URL)
	old, _ := c.Job(ctx(t), "old")
	all, err := old.Builds(ctx(t))
	if err != nil || len(all) != 150 {
		t.Fatalf("Builds: %d %v", len(all), err)
	}
	b5, err := old.Build(ctx(t), 5)
	if err != nil || b5.Number != 5 {
		t.Fatalf("old build: %v", err)
	}
	if err := b5.SetDescription(ctx(t), "kept — 保留"); err != nil {
		t.Fatal(err)
	}
	if d, ok := b5.Description(); !ok || d != "kept — 保留" {
		t.Errorf("description %q", d)
	}
	var desc jenkinstest.Request
	for _, r := range s.Requests() {
		if r.Path == "/job/old/5/submitDescription" {
			desc = r
		}
	}
	if desc.Form.Get("description") != "kept — 保留" {
		t.Errorf("submitDescription form %v", desc.Form)
	}

	cfg := []byte("<project><description>new</description></project>")
	j, err := c.CreateJob(ctx(t), "created", cfg)
	if err != nil || j.Name != "created" {
		t.Fatalf("CreateJob: %v %v", j, err)
	}
	for _, r := range s.Requests() {
		if r.Path == "/createItem" && (r.Query.Get("name") != "created" || r.Header.Get("Content-Type") != "application/xml" || !bytes.Equal(r.Body, cfg)) {
			t.Errorf("createItem %v %v %q", r.Query, r.Header.Get("Content-Type"), r.Body)
		}
	}
	if _, err := c.CreateJob(ctx(t), "created", cfg); !errors.Is(err, jenkins.ErrJobExists) {
		t.Errorf("second create: %v", err)
	}
	got, err := j.ConfigXML(ctx(t))
	if err != nil || !bytes.Equal(got, cfg) {
		t.Errorf("ConfigXML %q %v", got, err)
	}
	if err := j.SetConfigXML(ctx(t), []byte("<project/>")); err != nil || s.JobState("created").Config != "<project/>" {
		t.Errorf("SetConfigXML: %v", err)
	}
	r, err := c.RenameJob(ctx(t), "created", "renamed")
	if err != nil || r.Name != "renamed" {
		t.Fatalf("rename %v %v", r, err)
	}
	if err := c.DeleteJob(ctx(t), "renamed"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.HasJob(ctx(t), "renamed"); ok {
		t.Error("job still there")
	}
	if err := c.DeleteJob(ctx(t), "renamed"); !errors.Is(err, jenkins.ErrUnknownJob) {
		t.Errorf("delete missing: %v", err)
	}
	names, err := c.JobNames(ctx(t))
	if err != nil || !reflect.DeepEqual(names, []string{"old"}) {
		t.Errorf("JobNames %v %v", names, err)
	}
}

// Checklist 16, 17.
func TestNodesAndLabels(t *testing.T) {
	fs := fixtures(t, map[string]string{
		"/computer/api/json":             "computer.json",
		"/computer/(master)/api/json":    `!{"displayName":"master","numExecutors":2}`,
		"/computer/n1/api/json":          `!{"displayName":"n1","numExecutors":4,"temporarilyOffline":false,"offline":false,"idle":false}`,
		"/label/linux&&x64/api/json":     "label.json",
		"/label/linux%26%26x64/api/json": "label.json",
	})
	c := client(t, fs.URL)
	names, err := c.NodeNames(ctx(t))
	if err != nil || !reflect.DeepEqual(names, []string{"Built-In Node", "n1"}) {
		t.Errorf("NodeNames %v %v", names, err)
	}
	m, err := c.Node(ctx(t), "master")
	if err != nil || !strings.HasSuffix(m.URL, "/computer/(master)") {
		t.Errorf("master %v %v", m, err)
	}
	n1, err := c.Node(ctx(t), "n1")
	if err != nil || n1.NumExecutors() != 4 {
		t.Fatal(err)
	}
	if tmp, err := n1.IsTemporarilyOffline(ctx(t)); tmp || err != nil {
		t.Errorf("IsTemporarilyOffline = %v, %v (CUP inverted it)", tmp, err)
	}
	if _, err := c.Node(ctx(t), "ghost"); !errors.Is(err, jenkins.ErrUnknownNode) {
		t.Errorf("ghost %v", err)
	}
	l, err := c.Label(ctx(t), "linux&&x64")
	if err != nil {
		t.Fatal(err)
	}
	var labelPath string
	for _, r := range fs.requests() {
		if strings.HasPrefix(r.URL.EscapedPath(), "/label/") {
			labelPath = r.URL.EscapedPath()
		}
	}
	if labelPath != "/label/linux&&x64/api/json" && labelPath != "/label/linux%26%26x64/api/json" {
		t.Errorf("label path %s", labelPath)
	}
	if !reflect.DeepEqual(l.NodeNames(), []string{"n1"}) || !reflect.DeepEqual(l.TiedJobs(), []string{"myjob"}) {
		t.Errorf("label %v %v", l.NodeNames(), l.TiedJobs())
	}
	if busy, err := l.BusyExecutors(ctx(t)); busy != 1 || err != nil {
		t.Errorf("busy %d %v", busy, err)
	}
	if _, err := l.Node(ctx(t), "n2"); !errors.Is(err, jenkins.ErrUnknownNode) {
		t.Errorf("label node %v", err)
	}

	// The live fake: (built-in) form and the && label.
	s := fake(t, jenkinstest.Options{})
	s.AddNode(&jenkinstest.Node{Name: "n1", Executors: 4, TemporarilyOffline: true, Offline: true, Labels: []string{"linux", "x64"}})
	c2 := client(t, s.URL)
	bi, err := c2.Node(ctx(t), "master")
	if err != nil || !strings.HasSuffix(bi.URL, "/computer/(built-in)") {
		t.Errorf("master on new Jenkins %v %v", bi, err)
	}
	n, _ := c2.Node(ctx(t), "n1")
	if tmp, _ := n.IsTemporarilyOffline(ctx(t)); !tmp {
		t.Error("IsTemporarilyOffline false for an offline node")
	}
	if on, _ := n.IsOnline(ctx(t)); on {
		t.Error("IsOnline true")
	}
	l2, err := c2.Label(ctx(t), "linux&&x64")
	if err != nil || !reflect.DeepEqual(l2.NodeNames(), []string{"n1"}) {
		t.Errorf("label %v %v", l2, err)
	}
}

// Checklist 18.
func TestPromotions(t *testing.T) {
	s := fake(t, jenkinstest.Options{})
	s.AddJob("plain", &jenkinstest.Job{})
	s.AddJob("rel", &jenkinstest.Job{Promotions: []string{"QA"}, Builds: []*jenkinstest.Build{{Number: 1, Result: "SUCCESS"}}})
	c := client(t, s.URL)
	plain, _ := c.Job(ctx(t), "plain")
	if ps, err := plain.Promotions(ctx(t)); err != nil || len(ps) != 0 {
		t.Errorf("no plugin: %v %v", ps, err)
	}
	rel, _ := c.Job(ctx(t), "rel")
	if ps, err := rel.Promotions(ctx(t)); err != nil || !reflect.DeepEqual(ps, []string{"QA"}) {
		t.Errorf("Promotions %v %v", ps, err)
	}
	if _, err := rel.Promotion(ctx(t), "Prod"); !errors.Is(err, jenkins.ErrUnknownPromotion) {
		t.Errorf("unknown: %v", err)
	}
	b, _ := rel.Build(ctx(t), 1)
	if err := b.Promote(ctx(t), "Prod"); !errors.Is(err, jenkins.ErrUnknownPromotion) {
		t.Errorf("force unknown: %v", err)
	}
	if err := b.Promote(ctx(t), "QA"); err != nil {
		t.Fatal(err)
	}
	p, err := rel.Promotion(ctx(t), "QA")
	if err != nil || !reflect.DeepEqual(p.BuildNumbers(), []int{1}) {
		t.Fatalf("promotion %v %v", p, err)
	}
	pb, err := p.Build(ctx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := pb.TargetBuildNumber(); !ok || n != 1 {
		t.Errorf("target %d %v", n, ok)
	}
	if tb, err := pb.TargetBuild(ctx(t)); err != nil || tb.Number != 1 {
		t.Errorf("TargetBuild %v %v", tb, err)
	}
}

// Checklist 19, 21.
func TestStaticAndFTP(t *testing.T) {
	s := fake(t, jenkinstest.Options{BuildPolls: -1})
	s.AddJob("r", &jenkinstest.Job{Builds: []*jenkinstest.Build{{Number: 1, Building: true}, {Number: 2, Result: "SUCCESS"}}})
	c := client(t, s.URL, jenkins.WithStatic())
	j, _ := c.Job(ctx(t), "r")
	b, _ := j.Build(ctx(t), 1)
	n := len(s.Requests())
	if err := b.WaitUntilComplete(ctx(t), poll); !errors.Is(err, jenkins.ErrStaticMode) {
		t.Errorf("static wait %v", err)
	}
	if len(s.Requests()) != n {
		t.Error("static wait made requests")
	}
	if _, err := b.FTPArtifacts(ctx(t)); !errors.Is(err, jenkins.ErrFTP) {
		t.Errorf("ftp unconfigured %v", err)
	}
	c2 := client(t, s.URL, jenkins.WithFTP(jenkins.FTPConfig{Host: "127.0.0.1"}))
	j2, _ := c2.Job(ctx(t), "r")
	b1, _ := j2.Build(ctx(t), 1)
	if _, err := b1.FTPArtifacts(ctx(t)); !errors.Is(err, jenkins.ErrNotStopped) {
		t.Errorf("ftp running %v", err)
	}
	if _, err := b1.Artifacts(ctx(t)); !errors.Is(err, jenkins.ErrNotStopped) {
		t.Errorf("artifacts of running build %v", err)
	}
}

// Checklist 22.
func TestFromEnv(t *testing.T) {
	s := fake(t, jenkinstest.Options{})
	s.AddJob("envjob", &jenkinstest.Job{Builds: []*jenkinstest.Build{{Number: 3, Result: "SUCCESS"}}})
	t.Setenv("JENKINS_URL", "")
	if _, err := jenkins.FromEnv(); !errors.Is(err, jenkins.ErrNotRunningOnJenkins) {
		t.Errorf("no URL %v", err)
	}
	t.Setenv("JENKINS_URL", s.URL+"/")
	c, err := jenkins.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("JOB_NAME", "")
	if _, err := jenkins.CurrentJob(ctx(t), c); !errors.Is(err, jenkins.ErrNotRunningOnJenkins) {
		t.Errorf("no JOB_NAME %v", err)
	}
	t.Setenv("JOB_NAME", "envjob")
	for _, bad := range []string{"", "3a", "-1", "+3"} {
		t.Setenv("BUILD_NUMBER", bad)
		if _, err := jenkins.CurrentBuild(ctx(t), c); !errors.Is(err, jenkins.ErrNotRunningOnJenkins) {
			t.Errorf("BUILD_NUMBER %q: %v", bad, err)
		}
	}
	t.Setenv("BUILD_NUMBER", "3")
	if b, err := jenkins.CurrentBuild(ctx(t), c); err != nil || b.Number != 3 {
		t.Errorf("CurrentBuild %v %v", b, err)
	}
}

func TestIsAccessible(t *testing.T) {
	s := fake(t, jenkinstest.Options{User: "u", Token: "t"})
	if ok, err := jenkins.IsAccessible(ctx(t), s.URL, "u", "t"); !ok || err != nil {
		t.Errorf("good creds %v %v", ok, err)
	}
	if ok, err := jenkins.IsAccessible(ctx(t), s.URL, "u", "bad"); ok || err != nil {
		t.Errorf("bad creds %v %v", ok, err)
	}
	s2 := fake(t, jenkinstest.Options{})
	s2.Force("/api/json", 500, "boom")
	if ok, err := jenkins.IsAccessible(ctx(t), s2.URL, "", ""); ok || !errors.Is(err, jenkins.ErrServer) {
		t.Errorf("500 %v %v", ok, err)
	}
}

// Checklist 23.
func TestTimeouts(t *testing.T) {
	s := fake(t, jenkinstest.Options{Delay: time.Hour})
	c := client(t, s.URL, jenkins.WithRequestTimeout(150*time.Millisecond))
	_, err := c.Job(context.Background(), "x")
	var re *jenkins.RequestError
	if !errors.As(err, &re) || !errors.Is(err, jenkins.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("request timeout: %v", err)
	}
	c2 := client(t, s.URL)
	cctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := c2.JobNames(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: %v", err)
	}
}

func TestDownloadAllArtifacts(t *testing.T) {
	s := fake(t, jenkinstest.Options{})
	s.AddJob("a", &jenkinstest.Job{Builds: []*jenkinstest.Build{
		{Number: 1, Result: "SUCCESS", Artifacts: map[string]string{"out/r.txt": "report", "top.bin": "bin", "dir/a b.log": "spaced"}},
		{Number: 2, Result: "SUCCESS", Artifacts: map[string]string{"../evil": "x"}},
	}})
	c := client(t, s.URL)
	j, _ := c.Job(ctx(t), "a")
	b, _ := j.Build(ctx(t), 1)
	arts, err := b.Artifacts(ctx(t))
	if err != nil || len(arts) != 3 {
		t.Fatalf("Artifacts %v %v", arts, err)
	}
	dir := t.TempDir()
	if err := b.DownloadAllArtifacts(ctx(t), dir); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{"out/r.txt": "report", "top.bin": "bin", "dir/a b.log": "spaced"} {
		if got, err := os.ReadFile(dir + "/" + p); err != nil || string(got) != want {
			t.Errorf("%s: %q %v", p, got, err)
		}
	}
	b2, _ := j.Build(ctx(t), 2)
	if err := b2.DownloadAllArtifacts(ctx(t), t.TempDir()); !errors.Is(err, jenkins.ErrBadParam) {
		t.Errorf("traversal: %v", err)
	}
}

func TestTLSAndRewrite(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"jobs":[{"name":"secure","url":"https://other.example/job/secure/"}]}`)
	}))
	defer srv.Close()
	if _, err := client(t, srv.URL).JobNames(ctx(t)); err == nil {
		t.Error("untrusted certificate accepted")
	}
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	c := client(t, srv.URL, jenkins.WithTLSConfig(&tls.Config{RootCAs: pool}))
	jobs, err := c.Jobs(ctx(t))
	if err != nil || len(jobs) != 1 || jobs[0].Name != "secure" {
		t.Fatalf("Jobs over TLS %v %v", jobs, err)
	}
	c2 := client(t, srv.URL, jenkins.WithHTTPClient(srv.Client()))
	if names, err := c2.JobNames(ctx(t)); err != nil || names[0] != "secure" {
		t.Errorf("WithHTTPClient: %v %v", names, err)
	}

	// Jenkins' configured root URL differs from ours: rewritten by
	// default, refused without rewriting.
	s := fake(t, jenkinstest.Options{RootURL: "http://jenkins.internal:8080"})
	s.AddJob("x", &jenkinstest.Job{})
	j, _ := client(t, s.URL).Job(ctx(t), "x")
	q, err := j.Invoke(ctx(t), nil)
	if err != nil || q.ID != 1 {
		t.Fatalf("rewritten Location: %v %v", q, err)
	}
	b, err := q.WaitUntilBuilding(ctx(t), poll)
	if err != nil || !strings.HasPrefix(b.URL, s.URL) {
		t.Fatalf("build URL %v %v", b, err)
	}
	j2, _ := client(t, s.URL, jenkins.WithRewriteHost(false)).Job(ctx(t), "x")
	if _, err := j2.Invoke(ctx(t), nil); !errors.Is(err, jenkins.ErrBadValue) {
		t.Errorf("foreign Location without rewrite: %v", err)
	}
}
