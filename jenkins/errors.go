package jenkins

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/cupgo/cup/errs"
)

// kind is a sentinel whose errors.Is chain follows CUP's exception
// hierarchy: a kind matches each of its parents.
type kind struct {
	msg     string
	parents []error
}

func (k *kind) Error() string { return "cup: jenkins: " + k.msg }

func (k *kind) Is(target error) bool {
	for _, p := range k.parents {
		if p == target {
			return true
		}
		if pk, ok := p.(interface{ Is(error) bool }); ok && pk.Is(target) {
			return true
		}
	}
	return false
}

func newKind(msg string, parents ...error) error { return &kind{msg: msg, parents: parents} }

// Sentinel errors. Test with errors.Is; each also matches the CUP parents
// named in its comment and, where there is one, the shared errs sentinel.
var (
	// ErrNotRunningOnJenkins: JENKINS_URL, JOB_NAME or BUILD_NUMBER is
	// missing or malformed (CUP NotRunningOnJenkins).
	ErrNotRunningOnJenkins = newKind("not running on jenkins")
	// ErrBadParam: a bad argument, such as parameters for a job without
	// parameter definitions (CUP BadParam, ParamTypeError). Matches
	// errs.ErrInvalidArgument.
	ErrBadParam = newKind("bad parameter", errs.ErrInvalidArgument)
	// ErrBadValue: Jenkins answered with an unusable value, such as a
	// trigger without a queue Location (CUP BadValue).
	ErrBadValue = newKind("bad value")
	// ErrTimeout: a wait ran out of time (CUP RunTimeout). Matches
	// errs.ErrTimeout and context.DeadlineExceeded.
	ErrTimeout = newKind("timeout", errs.ErrTimeout)
	// ErrNotFound: something looked up does not exist (CUP NotFound).
	// Matches errs.ErrNotFound.
	ErrNotFound = newKind("not found", errs.ErrNotFound)
	// ErrUnknownJob matches ErrNotFound (CUP UnknownJob).
	ErrUnknownJob = newKind("unknown job", ErrNotFound)
	// ErrUnknownNode matches ErrNotFound (CUP UnknownNode).
	ErrUnknownNode = newKind("unknown node", ErrNotFound)
	// ErrUnknownPromotion matches ErrNotFound (CUP UnknownPromotion).
	ErrUnknownPromotion = newKind("unknown promotion", ErrNotFound)
	// ErrUnknownQueueItem matches ErrNotFound (CUP UnknownQueueItem); a
	// queue item Jenkins has forgotten.
	ErrUnknownQueueItem = newKind("unknown queue item", ErrNotFound)
	// ErrNotBuiltYet: the queue item has no build yet (CUP NotBuiltYet).
	ErrNotBuiltYet = newKind("not built yet", ErrNotFound)
	// ErrNoBuildData: no such build (yet) (CUP NoBuildData).
	ErrNoBuildData = newKind("no build data", ErrNotFound)
	// ErrDeletedBuild: the build number is below the next build number
	// but the build is gone (CUP DeletedBuild). Matches ErrNoBuildData.
	ErrDeletedBuild = newKind("deleted build", ErrNoBuildData)
	// ErrNoArtifacts: no such artifact (CUP NoArtifacts).
	ErrNoArtifacts = newKind("no artifacts", ErrNotFound)
	// ErrAPI: Jenkins' API misbehaved (CUP JenkinsAPIError).
	ErrAPI = newKind("jenkins api error")
	// ErrUnsupportedAPI: the URL has no JSON API (CUP UnsupportedAPI).
	// Matches ErrAPI and ErrNotFound.
	ErrUnsupportedAPI = newKind("unsupported api", ErrAPI, ErrNotFound)
	// ErrNotStopped: the build is still running (CUP NotStopYet).
	ErrNotStopped = newKind("build not stopped yet")
	// ErrStaticMode: a wait was asked of a static client (CUP
	// ImappropriateMethodInStaticMode). Matches errs.ErrNotSupported.
	ErrStaticMode = newKind("not available in static mode", errs.ErrNotSupported)
	// ErrNotImplemented (CUP NotImplementedMethod). Matches
	// errs.ErrNotImplemented.
	ErrNotImplemented = newKind("not implemented", errs.ErrNotImplemented)
	// ErrRequest: an HTTP request failed (CUP RequestError). Every
	// *RequestError matches it. Matches errs.ErrNet.
	ErrRequest = newKind("request failed", errs.ErrNet)
	// ErrUnauthorized: HTTP 401 (CUP UnauthorizedError).
	ErrUnauthorized = newKind("unauthorized", ErrRequest)
	// ErrForbidden: HTTP 403.
	ErrForbidden = newKind("forbidden", ErrRequest)
	// ErrPostRequired: HTTP 405 on a GET (CUP PostRequired).
	ErrPostRequired = newKind("post required", ErrRequest)
	// ErrServer: HTTP 5xx.
	ErrServer = newKind("server error", ErrRequest)
	// ErrCrumb: a POST was refused for a missing or stale CSRF crumb even
	// after fetching a fresh one. Matches ErrForbidden.
	ErrCrumb = newKind("no valid crumb", ErrForbidden)
	// ErrCancelled: the queue item was cancelled before it started.
	ErrCancelled = newKind("queue item cancelled")
	// ErrJobExists: CreateJob with a name that is taken.
	ErrJobExists = newKind("job already exists")
	// ErrFTP: FTP artifacts are not configured or failed (CUP FtpError).
	ErrFTP = newKind("ftp error", errs.ErrNet)
	// ErrUnsupportedVCS: the change set is not from Subversion.
	ErrUnsupportedVCS = newKind("unsupported vcs", errs.ErrNotSupported)
)

// maxErrBody caps the response body kept in a RequestError.
const maxErrBody = 4 << 10

// RequestError is a failed HTTP request: a transport error (Status 0) or
// an unexpected status. errors.Is matches ErrRequest, the status's
// sentinel (401 ErrUnauthorized, 403 ErrForbidden, 404 ErrNotFound, 405
// ErrPostRequired, 5xx ErrServer) and the transport error.
type RequestError struct {
	URL, Method string
	Status      int    // 0 for transport errors
	Msg         string // what was being done
	Err         error  // transport error, if any
	Body        []byte // the first 4 KiB of the response body
}

func (e *RequestError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cup: jenkins: request failed. url=%s, method=%s, status=%d", e.URL, e.Method, e.Status)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (%s)", http.StatusText(e.Status))
	}
	switch {
	case e.Err != nil:
		fmt.Fprintf(&b, ", error: %v", e.Err)
	case e.Msg != "":
		fmt.Fprintf(&b, ", error: %s", e.Msg)
	}
	if len(e.Body) > 0 && e.Status >= 500 {
		body := strings.TrimSpace(string(e.Body))
		if len(body) > 200 {
			body = body[:200] + "..."
		}
		fmt.Fprintf(&b, ", body: %q", body)
	}
	return b.String()
}

// Unwrap returns the status sentinel and the transport error.
func (e *RequestError) Unwrap() []error {
	var s error = ErrRequest
	switch {
	case e.Status == http.StatusUnauthorized:
		s = ErrUnauthorized
	case e.Status == http.StatusForbidden:
		s = ErrForbidden
	case e.Status == http.StatusNotFound:
		s = ErrNotFound
	case e.Status == http.StatusMethodNotAllowed:
		s = ErrPostRequired
	case e.Status >= 500:
		s = ErrServer
	}
	if e.Err != nil {
		return []error{s, ErrRequest, e.Err}
	}
	return []error{s, ErrRequest}
}

// wrapf returns an error that matches kind and err and prints msg.
func wrapf(kind, err error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &wrapped{kind: kind, msg: msg, err: err}
}

type wrapped struct {
	kind error
	msg  string
	err  error
}

func (w *wrapped) Error() string {
	if w.err != nil {
		return "cup: jenkins: " + w.msg + ": " + strings.TrimPrefix(w.err.Error(), "cup: jenkins: ")
	}
	return "cup: jenkins: " + w.msg
}

func (w *wrapped) Unwrap() []error {
	if w.err == nil {
		return []error{w.kind}
	}
	return []error{w.kind, w.err}
}
