package jenkins

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// InvokeOption adjusts Invoke.
type InvokeOption func(*invokeOpts)

type invokeOpts struct {
	cause string
	files map[string]io.Reader
}

// WithCause records why the build was started (sent as parameter "cause",
// as CUP did).
func WithCause(s string) InvokeOption { return func(o *invokeOpts) { o.cause = s } }

// WithFiles uploads file parameters: each key is the parameter name. The
// readers are read once, during Invoke.
func WithFiles(files map[string]io.Reader) InvokeOption {
	return func(o *invokeOpts) { o.files = files }
}

// paramJSON builds the "json" form field Jenkins' build form posts: the
// parameters sorted by name, then the files; one element is sent bare,
// none as [] (CUP mk_json_from_build_parameters).
func paramJSON(params map[string]string, files []string) ([]byte, error) {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	list := make([]map[string]string, 0, len(keys)+len(files))
	for _, k := range keys {
		list = append(list, map[string]string{"name": k, "value": params[k]})
	}
	for _, f := range files {
		list = append(list, map[string]string{"name": f, "file": f})
	}
	var p any = list
	if len(list) == 1 {
		p = list[0]
	}
	return json.Marshal(map[string]any{"parameter": p, "statusCode": "303", "redirectTo": "."})
}

// Invoke starts a build and returns its queue item (CUP invoke). params
// are the build parameters; giving any to a job without parameter
// definitions is ErrBadParam and sends nothing. The trigger POST does not
// follow redirects: the queue item comes from the Location header; a
// missing or foreign Location is ErrBadValue. Wait for the build with
// (*QueueItem).WaitUntilBuilding or WaitUntilComplete.
func (j *Job) Invoke(ctx context.Context, params map[string]string, opts ...InvokeOption) (*QueueItem, error) {
	var o invokeOpts
	for _, f := range opts {
		f(&o)
	}
	if (len(params) > 0 || len(o.files) > 0) && !j.HasParams() {
		return nil, wrapf(ErrBadParam, nil, "job %s has no parameters but %d were given", j.Name, len(params)+len(o.files))
	}
	all := make(map[string]string, len(params)+1)
	for k, v := range params {
		all[k] = v
	}
	if o.cause != "" {
		all["cause"] = o.cause
	}
	fileNames := make([]string, 0, len(o.files))
	for k := range o.files {
		fileNames = append(fileNames, k)
	}
	sort.Strings(fileNames)
	js, err := paramJSON(all, fileNames)
	if err != nil {
		return nil, wrapf(ErrBadParam, err, "encode parameters")
	}
	target := j.URL + "/build"
	if j.HasParams() && len(o.files) == 0 {
		target = j.URL + "/buildWithParameters"
	}
	r := request{method: http.MethodPost, url: target, noFollow: true, ok: []int{200, 201, 302, 303}}
	if len(o.files) == 0 {
		form := url.Values{"json": {string(js)}}
		for k, v := range all {
			form.Set(k, v)
		}
		r.body, r.ctype = []byte(form.Encode()), "application/x-www-form-urlencoded"
	} else {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		keys := make([]string, 0, len(all))
		for k := range all {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			_ = mw.WriteField(k, all[k])
		}
		_ = mw.WriteField("json", string(js))
		for _, k := range fileNames {
			w, err := mw.CreateFormFile(k, k)
			if err != nil {
				return nil, err
			}
			if _, err := io.Copy(w, o.files[k]); err != nil {
				return nil, wrapf(ErrBadParam, err, "read file parameter %s", k)
			}
		}
		if err := mw.Close(); err != nil {
			return nil, err
		}
		r.body, r.ctype = buf.Bytes(), mw.FormDataContentType()
	}
	_, hdr, err := j.c.call(ctx, r)
	if err != nil {
		return nil, err
	}
	loc := hdr.Get("Location")
	if loc == "" {
		return nil, wrapf(ErrBadValue, nil, "trigger of %s answered without a Location header", j.Name)
	}
	id, qurl, err := j.c.queueIDFromURL(loc)
	if err != nil {
		return nil, err
	}
	q := &QueueItem{c: j.c, ID: id, URL: qurl}
	if err := q.poll(ctx); err != nil {
		return nil, err
	}
	return q, nil
}

// queueIDFromURL checks that loc is {base}/queue/item/N and returns N.
func (c *Client) queueIDFromURL(loc string) (int64, string, error) {
	u, err := c.resolve(loc)
	if err != nil {
		return 0, "", err
	}
	prefix := c.BaseURL() + "/queue/item/"
	if !strings.HasPrefix(u+"/", prefix) {
		return 0, "", wrapf(ErrBadValue, nil, "not a queue URL: %s (expected under %s)", loc, prefix)
	}
	id, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(u, prefix), "/"), 10, 64)
	if err != nil || id <= 0 {
		return 0, "", wrapf(ErrBadValue, nil, "not a queue URL: %s", loc)
	}
	return id, u, nil
}
