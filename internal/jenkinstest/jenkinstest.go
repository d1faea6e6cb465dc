// Package jenkinstest runs an in-process fake Jenkins that speaks enough of
// the JSON API for the jenkins package, cup jenkins and examples/jenkins:
// jobs and folders, config.xml, build triggers that go through the queue
// and become builds after a few polls (or are cancelled), builds that
// finish after a few polls, console text, artifacts, nodes, labels,
// promotions, CSRF crumbs bound to a session cookie, basic auth, forced
// error answers and slow answers. It records every request.
package jenkinstest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options shape the fake server. The zero value is an open Jenkins
// without CSRF protection whose queue items start after 2 polls and whose
// builds finish after 2 polls of "building".
type Options struct {
	// User and Token, when User is set, are required as basic auth on
	// every request (401 otherwise).
	User, Token string
	// CSRF requires a crumb from /crumbIssuer on every POST, bound to the
	// session cookie it was issued with.
	CSRF bool
	// QueuePolls is how many reads of a queue item pass before it becomes
	// a build; 0 means 2, negative means never.
	QueuePolls int
	// BuildPolls is how many reads of a running build pass before it
	// finishes with SUCCESS; 0 means 2, negative means never.
	BuildPolls int
	// Result is what builds started through the queue end with; empty
	// means SUCCESS.
	Result string
	// Delay is slept before every answer (the request's context ends it).
	Delay time.Duration
	// RootURL is the Jenkins URL used in answers (Jenkins' configured
	// root URL); empty means the server's own URL.
	RootURL string
}

// Job is a job or folder in the fake.
type Job struct {
	Folder      bool
	Description string
	Disabled    bool
	// Params are the names of the job's parameter definitions.
	Params     []string
	Config     string
	Promotions []string
	// Builds are the job's builds; numbers must be ascending.
	Builds []*Build
}

// Build is a build in the fake.
type Build struct {
	Number      int
	Result      string // "" while building
	Building    bool
	Duration    int64 // ms
	Timestamp   int64 // ms since the epoch
	Description *string
	Console     string
	Artifacts   map[string]string // relative path -> content
	Causes      []map[string]any
	Params      map[string]string
	Target      int // promoted build number, for promotion builds
	pollsLeft   int
}

// Node is an agent in the fake.
type Node struct {
	Name               string
	Offline            bool
	TemporarilyOffline bool
	Idle               bool
	Executors          int
	Labels             []string
}

// Request is one recorded request.
type Request struct {
	Method string
	Path   string // escaped path
	Query  url.Values
	Form   url.Values
	Header http.Header
	Body   []byte
}

type queueItem struct {
	id        int64
	job       string
	params    map[string]string
	pollsLeft int
	cancelled bool
	build     int
}

type forced struct {
	status int
	body   string
}

// Server is a running fake Jenkins. It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL.
	URL string

	srv  *httptest.Server
	opts Options

	mu          sync.Mutex
	jobs        map[string]*Job
	promos      map[string]*Job // "job/promotion" -> builds
	queue       map[int64]*queueItem
	nextQueue   int64
	nodes       []*Node
	sessions    map[string]string // session id -> crumb
	crumbIssued int
	requests    []Request
	forced      map[string]forced
	badCrumbs   bool
}

// Start starts a fake Jenkins on 127.0.0.1.
func Start(opts Options) *Server {
	if opts.QueuePolls == 0 {
		opts.QueuePolls = 2
	}
	if opts.BuildPolls == 0 {
		opts.BuildPolls = 2
	}
	s := &Server{opts: opts, jobs: map[string]*Job{}, promos: map[string]*Job{}, queue: map[int64]*queueItem{},
		nextQueue: 1, sessions: map[string]string{}, forced: map[string]forced{}}
	s.nodes = []*Node{{Name: "Built-In Node", Idle: true, Executors: 2, Labels: []string{"built-in"}}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.CloseClientConnections(); s.srv.Close() }

// AddJob adds (or replaces) a job; name may contain folders ("a/b"),
// which must have been added as folders.
func (s *Server) AddJob(name string, j *Job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range j.Builds {
		if b.Building {
			b.pollsLeft = s.opts.BuildPolls
		}
	}
	s.jobs[name] = j
}

// AddNode adds an agent.
func (s *Server) AddNode(n *Node) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nodes = append(s.nodes, n)
}

// AddPromotionBuild records build b of promotion process promo of job.
func (s *Server) AddPromotionBuild(job, promo string, b *Build) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.promos[job+"/"+promo]
	if p == nil {
		p = &Job{}
		s.promos[job+"/"+promo] = p
	}
	p.Builds = append(p.Builds, b)
}

// Force answers every request to the escaped path with status and body.
func (s *Server) Force(path string, status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forced[path] = forced{status, body}
}

// InvalidateCrumbs forgets every session, so the next POST fails with "No
// valid crumb" until the client fetches a new one. With always set, even
// new crumbs are refused.
func (s *Server) InvalidateCrumbs(always bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions = map[string]string{}
	s.badCrumbs = always
}

// CrumbsIssued returns how many crumbs were handed out.
func (s *Server) CrumbsIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.crumbIssued
}

// CancelQueueItem cancels a queued item as a user would.
func (s *Server) CancelQueueItem(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.queue[id]; q != nil && q.build == 0 {
		q.cancelled = true
	}
}

// Requests returns the recorded requests.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// JobState returns a copy of a job's state, or nil.
func (s *Server) JobState(name string) *Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[name]
	if j == nil {
		return nil
	}
	cp := *j
	return &cp
}

func (s *Server) root() string {
	if s.opts.RootURL != "" {
		return strings.TrimRight(s.opts.RootURL, "/")
	}
	return s.URL
}

func jobURLPath(name string) string {
	var b strings.Builder
	for _, seg := range strings.Split(name, "/") {
		b.WriteString("/job/")
		b.WriteString(url.PathEscape(seg))
	}
	return b.String()
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	rec := Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		rec.Form, _ = url.ParseQuery(string(body))
	}
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	f, isForced := s.forced[rec.Path]
	s.mu.Unlock()

	if s.opts.Delay > 0 {
		select {
		case <-time.After(s.opts.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if s.opts.User != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u != s.opts.User || p != s.opts.Token {
			w.Header().Set("WWW-Authenticate", `Basic realm="Jenkins"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
	}
	if isForced {
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, f.body)
		return
	}
	path := rec.Path
	if path == "/crumbIssuer/api/json" {
		s.issueCrumb(w, r)
		return
	}
	if r.Method == http.MethodPost && s.opts.CSRF && !s.crumbOK(r) {
		http.Error(w, "No valid crumb was included in the request", http.StatusForbidden)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.route(w, r, path, rec)
}

func (s *Server) issueCrumb(w http.ResponseWriter, r *http.Request) {
	if !s.opts.CSRF {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sid := ""
	if c, err := r.Cookie("JSESSIONID"); err == nil {
		if _, ok := s.sessions[c.Value]; ok {
			sid = c.Value
		}
	}
	if sid == "" {
		sid = randHex()
		http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: sid, Path: "/"})
	}
	crumb := "crumb-" + randHex()
	s.sessions[sid] = crumb
	s.crumbIssued++
	writeJSON(w, map[string]string{"_class": "hudson.security.csrf.DefaultCrumbIssuer", "crumb": crumb, "crumbRequestField": "Jenkins-Crumb"})
}

func (s *Server) crumbOK(r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.badCrumbs {
		return false
	}
	c, err := r.Cookie("JSESSIONID")
	if err != nil {
		return false
	}
	want, ok := s.sessions[c.Value]
	return ok && r.Header.Get("Jenkins-Crumb") == want
}

func randHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// route handles a request with s.mu held.
func (s *Server) route(w http.ResponseWriter, r *http.Request, path string, rec Request) {
	api := strings.HasSuffix(path, "/api/json")
	p := strings.TrimSuffix(strings.TrimSuffix(path, "/api/json"), "/")
	switch {
	case p == "" && api:
		writeJSON(w, map[string]any{"_class": "hudson.model.Hudson", "mode": "NORMAL", "jobs": s.children("")})
		return
	case p == "" && r.Method == http.MethodGet:
		_, _ = io.WriteString(w, "<html>Dashboard</html>")
		return
	case p == "/createItem" && r.Method == http.MethodPost:
		s.createItem(w, "", rec)
		return
	case p == "/queue" && api:
		items := []any{}
		ids := make([]int64, 0, len(s.queue))
		for id := range s.queue {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			if q := s.queue[id]; q.build == 0 && !q.cancelled {
				items = append(items, s.queueJSON(q))
			}
		}
		writeJSON(w, map[string]any{"items": items})
		return
	case p == "/queue/cancelItem" && r.Method == http.MethodPost:
		id, _ := strconv.ParseInt(rec.Query.Get("id"), 10, 64)
		if q := s.queue[id]; q != nil && q.build == 0 {
			q.cancelled = true
		}
		w.WriteHeader(http.StatusNoContent)
		return
	case strings.HasPrefix(p, "/queue/item/") && api:
		id, _ := strconv.ParseInt(strings.TrimPrefix(p, "/queue/item/"), 10, 64)
		q := s.queue[id]
		if q == nil {
			http.NotFound(w, r)
			return
		}
		s.advanceQueue(q)
		writeJSON(w, s.queueJSON(q))
		return
	case p == "/computer" && api:
		var cs []any
		for _, n := range s.nodes {
			cs = append(cs, s.nodeJSON(n))
		}
		writeJSON(w, map[string]any{"busyExecutors": 0, "computer": cs})
		return
	case strings.HasPrefix(p, "/computer/") && api:
		name, _ := url.PathUnescape(strings.TrimPrefix(p, "/computer/"))
		for _, n := range s.nodes {
			if n.Name == name || (name == "(built-in)" && n.Name == "Built-In Node") {
				writeJSON(w, s.nodeJSON(n))
				return
			}
		}
		http.NotFound(w, r)
		return
	case strings.HasPrefix(p, "/label/") && api:
		expr, _ := url.PathUnescape(strings.TrimPrefix(p, "/label/"))
		s.label(w, r, expr)
		return
	case strings.HasPrefix(p, "/job/"):
		s.routeJob(w, r, p, api, rec)
		return
	}
	http.NotFound(w, r)
}

func (s *Server) children(folder string) []any {
	out := []any{}
	names := make([]string, 0, len(s.jobs))
	for n := range s.jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		parent, leaf := "", n
		if i := strings.LastIndex(n, "/"); i >= 0 {
			parent, leaf = n[:i], n[i+1:]
		}
		if parent != folder {
			continue
		}
		j := s.jobs[n]
		cls, color := "hudson.model.FreeStyleProject", "blue"
		if j.Folder {
			cls, color = "com.cloudbees.hudson.plugins.folder.Folder", ""
		} else if j.Disabled {
			color = "disabled"
		}
		out = append(out, map[string]any{"_class": cls, "name": leaf, "url": s.root() + jobURLPath(n) + "/", "color": color})
	}
	return out
}

// splitJob parses /job/a/job/b/rest into ("a/b", "rest").
func splitJob(p string) (string, string) {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	var names []string
	i := 0
	for ; i+1 < len(segs) && segs[i] == "job"; i += 2 {
		n, _ := url.PathUnescape(segs[i+1])
		names = append(names, n)
	}
	return strings.Join(names, "/"), strings.Join(segs[i:], "/")
}

func (s *Server) routeJob(w http.ResponseWriter, r *http.Request, p string, api bool, rec Request) {
	name, rest := splitJob(p)
	j := s.jobs[name]
	if j == nil {
		http.NotFound(w, r)
		return
	}
	post := r.Method == http.MethodPost
	switch {
	case rest == "" && api:
		writeJSON(w, s.jobJSON(name, j))
	case rest == "" && !post:
		_, _ = io.WriteString(w, "<html>job page</html>")
	case rest == "createItem" && post && j.Folder:
		s.createItem(w, name, rec)
	case rest == "config.xml" && !post:
		w.Header().Set("Content-Type", "application/xml")
		_, _ = io.WriteString(w, j.Config)
	case rest == "config.xml" && post:
		j.Config = string(rec.Body)
	case rest == "enable" && post:
		j.Disabled = false
	case rest == "disable" && post:
		j.Disabled = true
	case rest == "submitDescription" && post:
		j.Description = rec.Form.Get("description")
	case rest == "doDelete" && post:
		for n := range s.jobs {
			if n == name || strings.HasPrefix(n, name+"/") {
				delete(s.jobs, n)
			}
		}
		http.Redirect(w, r, s.root()+"/", http.StatusFound)
	case rest == "doRename" && post:
		nn := rec.Query.Get("newName")
		full := nn
		if i := strings.LastIndex(name, "/"); i >= 0 {
			full = name[:i+1] + nn
		}
		delete(s.jobs, name)
		s.jobs[full] = j
		http.Redirect(w, r, s.root()+jobURLPath(full)+"/", http.StatusFound)
	case (rest == "build" || rest == "buildWithParameters") && post:
		s.trigger(w, r, name, j, rest, rec)
	case rest == "promotion" && api:
		if len(j.Promotions) == 0 {
			http.NotFound(w, r)
			return
		}
		var ps []any
		for _, pn := range j.Promotions {
			ps = append(ps, map[string]any{"name": pn, "url": s.root() + jobURLPath(name) + "/promotion/process/" + url.PathEscape(pn) + "/"})
		}
		writeJSON(w, map[string]any{"processes": ps})
	case strings.HasPrefix(rest, "promotion/process/"):
		s.promotion(w, r, name, j, strings.TrimPrefix(rest, "promotion/process/"), api)
	default:
		num, brest, _ := strings.Cut(rest, "/")
		for _, ref := range []string{"lastBuild", "lastCompletedBuild", "lastSuccessfulBuild", "firstBuild"} {
			if num == ref && len(j.Builds) > 0 {
				num = strconv.Itoa(j.Builds[len(j.Builds)-1].Number)
				if ref == "firstBuild" {
					num = strconv.Itoa(j.Builds[0].Number)
				}
			}
		}
		n, err := strconv.Atoi(num)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		for _, b := range j.Builds {
			if b.Number == n {
				s.routeBuild(w, r, s.root()+jobURLPath(name)+"/"+num+"/", name, b, brest, api, rec)
				return
			}
		}
		http.NotFound(w, r)
	}
}

func (s *Server) createItem(w http.ResponseWriter, folder string, rec Request) {
	name := rec.Query.Get("name")
	full := name
	if folder != "" {
		full = folder + "/" + name
	}
	if name == "" || s.jobs[full] != nil {
		http.Error(w, "A job already exists with the name "+name, http.StatusBadRequest)
		return
	}
	s.jobs[full] = &Job{Config: string(rec.Body), Folder: strings.Contains(string(rec.Body), "<com.cloudbees.hudson.plugins.folder.Folder")}
}

func (s *Server) trigger(w http.ResponseWriter, r *http.Request, name string, j *Job, kind string, rec Request) {
	if kind == "buildWithParameters" && len(j.Params) == 0 {
		http.Error(w, "This build is not parameterized!", http.StatusInternalServerError)
		return
	}
	params := map[string]string{}
	for k, v := range rec.Form {
		if k != "json" && len(v) > 0 {
			params[k] = v[0]
		}
	}
	q := &queueItem{id: s.nextQueue, job: name, params: params, pollsLeft: s.opts.QueuePolls}
	s.nextQueue++
	s.queue[q.id] = q
	w.Header().Set("Location", s.root()+"/queue/item/"+strconv.FormatInt(q.id, 10)+"/")
	w.WriteHeader(http.StatusCreated)
}

func (s *Server) advanceQueue(q *queueItem) {
	if q.build != 0 || q.cancelled || q.pollsLeft < 0 {
		return
	}
	if q.pollsLeft > 0 {
		q.pollsLeft--
		return
	}
	j := s.jobs[q.job]
	if j == nil {
		q.cancelled = true
		return
	}
	n := 1
	if len(j.Builds) > 0 {
		n = j.Builds[len(j.Builds)-1].Number + 1
	}
	b := &Build{Number: n, Building: true, Timestamp: time.Now().UnixMilli(), Params: q.params, pollsLeft: s.opts.BuildPolls,
		Console: fmt.Sprintf("Started by user admin\nBuilding %s #%d\n", q.job, n),
		Causes:  []map[string]any{{"_class": "hudson.model.Cause$UserIdCause", "shortDescription": "Started by user admin", "userId": "admin", "userName": "Admin"}}}
	j.Builds = append(j.Builds, b)
	q.build = n
}

func (s *Server) queueJSON(q *queueItem) map[string]any {
	name := q.job[strings.LastIndex(q.job, "/")+1:]
	m := map[string]any{
		"_class": "hudson.model.Queue$WaitingItem", "id": q.id,
		"task":      map[string]any{"name": name, "url": s.root() + jobURLPath(q.job) + "/"},
		"why":       "Waiting for next available executor",
		"blocked":   false,
		"buildable": true,
		"stuck":     false,
		"actions":   []any{map[string]any{"parameters": paramList(q.params)}},
	}
	if q.cancelled {
		m["_class"], m["cancelled"], m["why"] = "hudson.model.Queue$LeftItem", true, nil
	}
	if q.build != 0 {
		m["_class"], m["why"] = "hudson.model.Queue$LeftItem", nil
		m["executable"] = map[string]any{"number": q.build, "url": s.root() + jobURLPath(q.job) + "/" + strconv.Itoa(q.build) + "/"}
	}
	return m
}

func paramList(p map[string]string) []any {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := []any{}
	for _, k := range keys {
		out = append(out, map[string]any{"name": k, "value": p[k]})
	}
	return out
}

func (s *Server) jobJSON(name string, j *Job) map[string]any {
	leaf := name[strings.LastIndex(name, "/")+1:]
	u := s.root() + jobURLPath(name) + "/"
	if j.Folder {
		return map[string]any{"_class": "com.cloudbees.hudson.plugins.folder.Folder", "name": leaf, "fullName": name, "url": u,
			"description": j.Description, "jobs": s.children(name)}
	}
	color := "blue"
	if j.Disabled {
		color = "disabled"
	}
	var actions []any
	if len(j.Params) > 0 {
		var defs []any
		for _, p := range j.Params {
			defs = append(defs, map[string]any{"name": p, "type": "StringParameterDefinition"})
		}
		actions = append(actions, map[string]any{"_class": "hudson.model.ParametersDefinitionProperty", "parameterDefinitions": defs})
	}
	actions = append(actions, nil, map[string]any{})
	next := 1
	var all []any
	for i := len(j.Builds) - 1; i >= 0; i-- {
		b := j.Builds[i]
		all = append(all, map[string]any{"number": b.Number, "url": u + strconv.Itoa(b.Number) + "/"})
	}
	if len(j.Builds) > 0 {
		next = j.Builds[len(j.Builds)-1].Number + 1
	}
	builds := all
	if len(builds) > 100 {
		builds = builds[:100]
	}
	ref := func(pick func(*Build) bool, first bool) any {
		idx := make([]int, 0)
		for i := range j.Builds {
			idx = append(idx, i)
		}
		if !first {
			for l, r := 0, len(idx)-1; l < r; l, r = l+1, r-1 {
				idx[l], idx[r] = idx[r], idx[l]
			}
		}
		for _, i := range idx {
			if b := j.Builds[i]; pick(b) {
				return map[string]any{"number": b.Number, "url": u + strconv.Itoa(b.Number) + "/", "building": b.Building}
			}
		}
		return nil
	}
	inQueue := false
	for _, q := range s.queue {
		if q.job == name && q.build == 0 && !q.cancelled {
			inQueue = true
		}
	}
	return map[string]any{
		"_class": "hudson.model.FreeStyleProject", "name": leaf, "fullName": name, "url": u,
		"description": j.Description, "color": color, "buildable": !j.Disabled, "inQueue": inQueue,
		"nextBuildNumber": next, "actions": actions, "builds": builds, "allBuilds": all,
		"firstBuild":          ref(func(*Build) bool { return true }, true),
		"lastBuild":           ref(func(*Build) bool { return true }, false),
		"lastCompletedBuild":  ref(func(b *Build) bool { return !b.Building }, false),
		"lastSuccessfulBuild": ref(func(b *Build) bool { return b.Result == "SUCCESS" }, false),
		"lastStableBuild":     ref(func(b *Build) bool { return b.Result == "SUCCESS" }, false),
		"lastFailedBuild":     ref(func(b *Build) bool { return b.Result == "FAILURE" }, false),
		"upstreamProjects":    []any{}, "downstreamProjects": []any{},
	}
}

func (s *Server) buildJSON(u, name string, b *Build) map[string]any {
	var result any
	if b.Result != "" {
		result = b.Result
	}
	arts := []any{}
	paths := make([]string, 0, len(b.Artifacts))
	for p := range b.Artifacts {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		arts = append(arts, map[string]any{"fileName": p[strings.LastIndex(p, "/")+1:], "relativePath": p, "displayPath": p})
	}
	actions := []any{map[string]any{"_class": "hudson.model.CauseAction", "causes": b.Causes}, nil}
	if len(b.Params) > 0 {
		actions = append(actions, map[string]any{"_class": "hudson.model.ParametersAction", "parameters": paramList(b.Params)})
	}
	m := map[string]any{
		"_class": "hudson.model.FreeStyleBuild", "number": b.Number, "url": u, "id": strconv.Itoa(b.Number),
		"fullDisplayName": strings.ReplaceAll(name, "/", " » ") + " #" + strconv.Itoa(b.Number),
		"description":     b.Description, "result": result, "building": b.Building, "duration": b.Duration,
		"timestamp": b.Timestamp, "actions": actions, "artifacts": arts,
		"changeSet": map[string]any{"kind": nil, "items": []any{}},
	}
	if b.Target != 0 {
		jobU := u[:strings.Index(u, "/promotion/")]
		m["target"] = map[string]any{"number": b.Target, "url": jobU + "/" + strconv.Itoa(b.Target) + "/"}
	}
	return m
}

func (s *Server) routeBuild(w http.ResponseWriter, r *http.Request, u, name string, b *Build, rest string, api bool, rec Request) {
	post := r.Method == http.MethodPost
	switch {
	case rest == "" && api:
		if b.Building && rec.Query.Get("tree") == "building" && b.pollsLeft >= 0 {
			if b.pollsLeft > 0 {
				b.pollsLeft--
			} else {
				res := s.opts.Result
				if res == "" {
					res = "SUCCESS"
				}
				b.Building, b.Result, b.Duration = false, res, 1500
				b.Console += "Finished: " + res + "\n"
			}
		}
		writeJSON(w, s.buildJSON(u, name, b))
	case rest == "" && !post:
		_, _ = io.WriteString(w, "<html>build page</html>")
	case rest == "consoleText":
		w.Header().Set("Content-Type", "text/plain;charset=utf-8")
		_, _ = io.WriteString(w, b.Console)
	case rest == "stop" && post:
		if b.Building {
			b.Building, b.Result = false, "ABORTED"
			b.Console += "Aborted by admin\nFinished: ABORTED\n"
		}
		http.Redirect(w, r, u, http.StatusFound)
	case rest == "submitDescription" && post:
		d := rec.Form.Get("description")
		b.Description = &d
		http.Redirect(w, r, u, http.StatusFound)
	case strings.HasPrefix(rest, "artifact/"):
		p, _ := url.PathUnescape(strings.TrimPrefix(rest, "artifact/"))
		c, ok := b.Artifacts[p]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, c)
	case rest == "promotion/forcePromotion" && post:
		j := s.jobs[name]
		pn := rec.Query.Get("name")
		for _, p := range j.Promotions {
			if p == pn {
				s.promoBuildLocked(name, pn, &Build{Result: "SUCCESS", Target: b.Number})
				return
			}
		}
		http.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) promoBuildLocked(job, promo string, b *Build) {
	p := s.promos[job+"/"+promo]
	if p == nil {
		p = &Job{}
		s.promos[job+"/"+promo] = p
	}
	b.Number = len(p.Builds) + 1
	p.Builds = append(p.Builds, b)
}

func (s *Server) promotion(w http.ResponseWriter, r *http.Request, job string, j *Job, rest string, api bool) {
	pname, brest, _ := strings.Cut(rest, "/")
	pname, _ = url.PathUnescape(pname)
	found := false
	for _, p := range j.Promotions {
		found = found || p == pname
	}
	if !found {
		http.NotFound(w, r)
		return
	}
	u := s.root() + jobURLPath(job) + "/promotion/process/" + url.PathEscape(pname) + "/"
	p := s.promos[job+"/"+pname]
	if p == nil {
		p = &Job{}
	}
	if brest == "" && api {
		var builds []any
		for i := len(p.Builds) - 1; i >= 0; i-- {
			builds = append(builds, map[string]any{"number": p.Builds[i].Number, "url": u + strconv.Itoa(p.Builds[i].Number) + "/"})
		}
		writeJSON(w, map[string]any{"name": pname, "inQueue": false, "nextBuildNumber": len(p.Builds) + 1, "builds": builds})
		return
	}
	num, _, _ := strings.Cut(brest, "/")
	n, _ := strconv.Atoi(num)
	for _, b := range p.Builds {
		if b.Number == n && api {
			writeJSON(w, s.buildJSON(u+num+"/", job, b))
			return
		}
	}
	http.NotFound(w, r)
}

func (s *Server) nodeJSON(n *Node) map[string]any {
	var labels []any
	for _, l := range n.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	return map[string]any{"displayName": n.Name, "offline": n.Offline, "temporarilyOffline": n.TemporarilyOffline,
		"idle": n.Idle, "numExecutors": n.Executors, "assignedLabels": labels, "offlineCauseReason": ""}
}

func (s *Server) label(w http.ResponseWriter, r *http.Request, expr string) {
	// Supports single labels and "a&&b".
	want := strings.Split(expr, "&&")
	var nodes []any
	offline := true
	busy := 0
	for _, n := range s.nodes {
		ok := true
		for _, l := range want {
			has := false
			for _, nl := range n.Labels {
				has = has || nl == l
			}
			ok = ok && has
		}
		if ok {
			name := n.Name
			if name == "Built-In Node" {
				name = ""
			}
			nodes = append(nodes, map[string]any{"nodeName": name})
			offline = offline && n.Offline
			if !n.Idle {
				busy++
			}
		}
	}
	if nodes == nil {
		http.NotFound(w, r)
		return
	}
	var tied []any
	names := make([]string, 0)
	for n := range s.jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.Contains(s.jobs[n].Config, "<assignedNode>"+expr+"</assignedNode>") {
			tied = append(tied, map[string]any{"name": n, "url": s.root() + jobURLPath(n) + "/"})
		}
	}
	writeJSON(w, map[string]any{"name": expr, "offline": offline, "busyExecutors": busy, "nodes": nodes, "tiedJobs": tied})
}
