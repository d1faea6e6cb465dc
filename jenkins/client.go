package jenkins

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/version"
)

// Defaults used when the matching option is not given.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultPollInterval   = 15 * time.Second
)

// Client talks to one Jenkins server over its JSON API. Create it with
// New. A Client is safe for concurrent use and should be reused: it keeps
// the session cookie and the CSRF crumb bound to it.
type Client struct {
	base     *url.URL // scheme://host[:port]/prefix, no trailing slash
	hc       *http.Client
	noFollow *http.Client // same transport and jar, does not follow redirects
	user     string
	token    string
	timeout  time.Duration
	poll     time.Duration
	static   bool
	rewrite  bool
	ua       string
	ftp      *FTPConfig

	crumbMu    sync.Mutex
	crumbDone  bool // fetched (or found disabled)
	crumbField string
	crumb      string
}

// Option configures a Client.
type Option func(*Client) error

// WithBasicAuth authenticates every request as user with an API token (or
// password). Without it requests are anonymous.
func WithBasicAuth(user, token string) Option {
	return func(c *Client) error { c.user, c.token = user, token; return nil }
}

// WithHTTPClient uses hc's transport, jar and redirect policy. When hc
// has no cookie jar one is added to a copy (crumbs are bound to the
// session cookie); hc itself is not modified. hc.Timeout should be zero:
// request timeouts come from WithRequestTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errs.New(errs.ErrInvalidArgument, "jenkins: nil http.Client")
		}
		cp := *hc
		c.hc = &cp
		return nil
	}
}

// WithTLSConfig sets the TLS configuration of the default transport (for
// a private CA or client certificates). Ignored with WithHTTPClient.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(c *Client) error {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = cfg
		if c.hc == nil {
			c.hc = &http.Client{Transport: t}
		}
		return nil
	}
}

// WithRequestTimeout bounds each API request (default 30 s). Console and
// artifact downloads are bounded by their ctx only.
func WithRequestTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return errs.New(errs.ErrInvalidArgument, "jenkins: request timeout %v must be positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithPollInterval sets how often the Wait methods poll when called
// with every == 0 (default 15 s, as CUP's delay).
func WithPollInterval(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return errs.New(errs.ErrInvalidArgument, "jenkins: poll interval %v must be positive", d)
		}
		c.poll = d
		return nil
	}
}

// WithStatic makes every object read once and never refresh; the Wait
// methods then return ErrStaticMode without any request (CUP static=True).
func WithStatic() Option {
	return func(c *Client) error { c.static = true; return nil }
}

// WithRewriteHost controls whether URLs returned by Jenkins that share the
// configured base path are moved onto the configured scheme and host
// (default true). This repairs a Jenkins whose configured root URL differs
// from the one the client uses (reverse proxies, "localhost").
func WithRewriteHost(on bool) Option {
	return func(c *Client) error { c.rewrite = on; return nil }
}

// WithUserAgent sets the User-Agent header (default "cup-jenkins/VERSION").
func WithUserAgent(s string) Option {
	return func(c *Client) error { c.ua = s; return nil }
}

// New returns a client for the Jenkins at baseURL. A URL without a scheme
// gets "http://" (as CUP did); a trailing "/" is removed. New makes no
// request.
func New(baseURL string, opts ...Option) (*Client, error) {
	raw := strings.TrimSpace(baseURL)
	if raw == "" {
		return nil, wrapf(ErrBadParam, nil, "empty Jenkins URL")
	}
	if !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" {
		return nil, wrapf(ErrBadParam, err, "bad Jenkins URL %q", baseURL)
	}
	u.RawQuery, u.Fragment = "", ""
	c := &Client{base: u, timeout: DefaultRequestTimeout, poll: DefaultPollInterval, rewrite: true,
		ua: "cup-jenkins/" + version.Version}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.hc == nil {
		c.hc = &http.Client{}
	}
	if c.hc.Jar == nil {
		jar, _ := cookiejar.New(nil)
		c.hc.Jar = jar
	}
	nf := *c.hc
	nf.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.noFollow = &nf
	return c, nil
}

// FromEnv builds a client from JENKINS_URL, as set inside a Jenkins build
// (CUP current_jenkins). A missing JENKINS_URL is ErrNotRunningOnJenkins.
func FromEnv(opts ...Option) (*Client, error) {
	u := os.Getenv("JENKINS_URL")
	if u == "" {
		return nil, wrapf(ErrNotRunningOnJenkins, nil, "JENKINS_URL is not set")
	}
	return New(u, opts...)
}

// CurrentJob returns the job named by JOB_NAME (CUP current_job).
func CurrentJob(ctx context.Context, c *Client) (*Job, error) {
	name := os.Getenv("JOB_NAME")
	if name == "" {
		return nil, wrapf(ErrNotRunningOnJenkins, nil, "JOB_NAME is not set")
	}
	return c.Job(ctx, name)
}

// CurrentBuild returns the build named by JOB_NAME and BUILD_NUMBER (CUP
// current_build).
func CurrentBuild(ctx context.Context, c *Client) (*Build, error) {
	s := os.Getenv("BUILD_NUMBER")
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || strings.TrimFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) != "" {
		return nil, wrapf(ErrNotRunningOnJenkins, nil, "BUILD_NUMBER %q is not a build number", s)
	}
	j, err := CurrentJob(ctx, c)
	if err != nil {
		return nil, err
	}
	return j.Build(ctx, n)
}

// IsAccessible reports whether url answers its JSON API with 2xx for the
// given credentials (CUP is_accessible, which also said true for 404 and
// 500). 401 and 403 are false with a nil error; other failures are false
// with the error.
func IsAccessible(ctx context.Context, rawURL, user, token string, opts ...Option) (bool, error) {
	if user != "" {
		opts = append(opts, WithBasicAuth(user, token))
	}
	c, err := New(rawURL, opts...)
	if err != nil {
		return false, err
	}
	err = c.getJSON(ctx, c.BaseURL(), url.Values{"tree": {"mode"}}, nil)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrForbidden):
		return false, nil
	}
	return false, err
}

// BaseURL returns the normalised base URL, without a trailing slash.
func (c *Client) BaseURL() string { return c.base.String() }

// String returns "Jenkins server at URL" (CUP str()).
func (c *Client) String() string { return "Jenkins server at " + c.BaseURL() }

// resolve turns a URL returned by Jenkins into the one to request: with
// host rewriting on, a URL under the base path moves onto the base's
// scheme and host. The result has no trailing slash.
func (c *Client) resolve(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", wrapf(ErrBadValue, err, "bad URL %q from Jenkins", raw)
	}
	if !u.IsAbs() {
		u = c.base.ResolveReference(u)
	}
	if c.rewrite && (u.Host != c.base.Host || u.Scheme != c.base.Scheme) {
		prefix := strings.TrimRight(c.base.Path, "/")
		if prefix == "" || u.Path == prefix || strings.HasPrefix(u.Path, prefix+"/") {
			u.Scheme, u.Host, u.User = c.base.Scheme, c.base.Host, nil
		}
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// jobPath turns "a/b/c" into "/job/a/job/b/job/c" with escaped segments.
func jobPath(name string) (string, error) {
	name = strings.Trim(name, "/")
	if name == "" {
		return "", wrapf(ErrBadParam, nil, "empty job name")
	}
	var b strings.Builder
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", wrapf(ErrBadParam, nil, "bad job name %q", name)
		}
		b.WriteString("/job/")
		b.WriteString(url.PathEscape(seg))
	}
	return b.String(), nil
}

// request is one HTTP call.
type request struct {
	method   string
	url      string // absolute, without query
	query    url.Values
	body     []byte
	ctype    string
	noFollow bool
	stream   bool // no per-request timeout; caller closes the body
	ok       []int
}

// do performs r and returns the response when its status is acceptable
// (2xx unless r.ok says otherwise); otherwise a *RequestError. The caller
// closes the body of a returned response. POSTs carry the crumb and are
// retried once with a fresh crumb when Jenkins says it is invalid.
func (c *Client) do(ctx context.Context, r request) (*http.Response, context.CancelFunc, error) {
	resp, cancel, err := c.doOnce(ctx, r)
	if err == nil || r.method != http.MethodPost {
		return resp, cancel, err
	}
	var re *RequestError
	if errors.As(err, &re) && re.Status == http.StatusForbidden && bytes.Contains(bytes.ToLower(re.Body), []byte("crumb")) {
		c.resetCrumb()
		resp, cancel, err = c.doOnce(ctx, r)
		if errors.As(err, &re) && re.Status == http.StatusForbidden && bytes.Contains(bytes.ToLower(re.Body), []byte("crumb")) {
			return nil, nil, wrapf(ErrCrumb, err, "POST %s refused twice for its CSRF crumb", r.url)
		}
	}
	return resp, cancel, err
}

func (c *Client) doOnce(ctx context.Context, r request) (*http.Response, context.CancelFunc, error) {
	var hdrField, hdrCrumb string
	if r.method == http.MethodPost {
		var err error
		if hdrField, hdrCrumb, err = c.getCrumb(ctx); err != nil {
			return nil, nil, err
		}
	}
	cancel := context.CancelFunc(func() {})
	if !r.stream {
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	u := r.url
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		cancel()
		return nil, nil, wrapf(ErrBadParam, err, "build request %s %s", r.method, u)
	}
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.token)
	}
	if c.ua != "" {
		req.Header.Set("User-Agent", c.ua)
	}
	if hdrField != "" {
		req.Header.Set(hdrField, hdrCrumb)
	}
	hc := c.hc
	if r.noFollow {
		hc = c.noFollow
	}
	resp, err := hc.Do(req)
	if err != nil {
		cancel()
		return nil, nil, &RequestError{URL: u, Method: r.method, Err: timeoutErr(ctx, err)}
	}
	if okStatus(resp.StatusCode, r.ok) {
		return resp, cancel, nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrBody))
	resp.Body.Close()
	cancel()
	re := &RequestError{URL: u, Method: r.method, Status: resp.StatusCode, Body: b}
	if resp.StatusCode == http.StatusUnauthorized {
		re.Msg = "username or API token is invalid"
	}
	return nil, nil, re
}

// timeoutErr marks a transport error caused by a deadline as ErrTimeout.
func timeoutErr(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return wrapf(ErrTimeout, err, "no answer in time")
	}
	return err
}

func okStatus(code int, ok []int) bool {
	if len(ok) == 0 {
		return code >= 200 && code < 300
	}
	for _, c := range ok {
		if c == code {
			return true
		}
	}
	return false
}

// call performs r and reads the whole body.
func (c *Client) call(ctx context.Context, r request) ([]byte, http.Header, error) {
	resp, cancel, err := c.do(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	defer cancel()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, &RequestError{URL: r.url, Method: r.method, Status: resp.StatusCode, Msg: "reading the body", Err: timeoutErr(ctx, err)}
	}
	return b, resp.Header, nil
}

// getJSON GETs objURL/api/json with query and decodes it into v (v may
// be nil to only check the status).
func (c *Client) getJSON(ctx context.Context, objURL string, query url.Values, v any) error {
	u := strings.TrimRight(objURL, "/") + "/api/json"
	b, _, err := c.call(ctx, request{method: http.MethodGet, url: u, query: query})
	if err != nil {
		return err
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errs.New(errs.ErrParse, "jenkins: %s: invalid JSON: %w", u, err)
	}
	return nil
}

// post POSTs a form (or raw body with ctype) and discards the answer.
func (c *Client) post(ctx context.Context, u string, query url.Values, form url.Values) error {
	r := request{method: http.MethodPost, url: u, query: query}
	if form != nil {
		r.body, r.ctype = []byte(form.Encode()), "application/x-www-form-urlencoded"
	}
	_, _, err := c.call(ctx, r)
	return err
}

// crumb handling: fetched before the first POST and cached; Jenkins binds
// it to the session cookie kept in the client's jar.
func (c *Client) getCrumb(ctx context.Context) (string, string, error) {
	c.crumbMu.Lock()
	defer c.crumbMu.Unlock()
	if c.crumbDone {
		return c.crumbField, c.crumb, nil
	}
	var v struct {
		Crumb             string `json:"crumb"`
		CrumbRequestField string `json:"crumbRequestField"`
	}
	err := c.getJSON(ctx, c.BaseURL()+"/crumbIssuer", nil, &v)
	switch {
	case errors.Is(err, ErrNotFound):
		c.crumbField, c.crumb = "", "" // CSRF protection is off
	case err != nil:
		return "", "", err
	default:
		if v.CrumbRequestField == "" {
			v.CrumbRequestField = "Jenkins-Crumb"
		}
		c.crumbField, c.crumb = v.CrumbRequestField, v.Crumb
	}
	c.crumbDone = true
	return c.crumbField, c.crumb, nil
}

func (c *Client) resetCrumb() {
	c.crumbMu.Lock()
	c.crumbDone = false
	c.crumbMu.Unlock()
}

// pollEvery returns every, or the client's poll interval when zero.
func (c *Client) pollEvery(every time.Duration) time.Duration {
	if every > 0 {
		return every
	}
	return c.poll
}

// wait calls check every interval until it reports done or fails, or ctx
// ends. A ctx deadline is ErrTimeout (which also matches
// context.DeadlineExceeded).
func wait(ctx context.Context, every time.Duration, what string, check func() (bool, error)) error {
	t := time.NewTimer(0)
	defer t.Stop()
	start := time.Now()
	for {
		select {
		case <-ctx.Done():
			return waitErr(ctx, what, start)
		case <-t.C:
		}
		done, err := check()
		if err != nil {
			if ctx.Err() != nil {
				return waitErr(ctx, what, start)
			}
			return err
		}
		if done {
			return nil
		}
		t.Reset(every)
	}
}

func waitErr(ctx context.Context, what string, start time.Time) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return wrapf(ErrTimeout, ctx.Err(), "wait %s: gave up after %v", what, time.Since(start).Round(time.Millisecond))
	}
	return fmt.Errorf("cup: jenkins: wait %s: %w", what, ctx.Err())
}
