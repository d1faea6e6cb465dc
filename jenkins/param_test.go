package jenkins

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestParamJSON(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params map[string]string
		files  []string
		want   string
	}{
		{"verified CUP body", map[string]string{"A": "1", "B": "x y", "cause": "because"}, nil,
			`{"redirectTo": ".", "parameter": [{"name": "A", "value": "1"}, {"name": "B", "value": "x y"}, {"name": "cause", "value": "because"}], "statusCode": "303"}`},
		{"single parameter is bare", map[string]string{"A": "1"}, nil,
			`{"redirectTo": ".", "parameter": {"name": "A", "value": "1"}, "statusCode": "303"}`},
		{"none is an empty list", nil, nil, `{"redirectTo": ".", "parameter": [], "statusCode": "303"}`},
		{"files after values", map[string]string{"Z": "z"}, []string{"f.txt"},
			`{"redirectTo": ".", "parameter": [{"name": "Z", "value": "z"}, {"name": "f.txt", "file": "f.txt"}], "statusCode": "303"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := paramJSON(tc.params, tc.files)
			if err != nil {
				t.Fatal(err)
			}
			var got, want any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %s\nwant %s", b, tc.want)
			}
		})
	}
}

func TestJobPathAndName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"myjob", "/job/myjob"},
		{"a/b", "/job/a/job/b"},
		{"/team/app build/", "/job/team/job/app%20build"},
		{"x%y", "/job/x%25y"},
	} {
		got, err := jobPath(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("jobPath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if n := nameFromURL("http://h", "http://h"+got+"/"); n != trim(tc.in) {
			t.Errorf("nameFromURL(%q) = %q", got, n)
		}
	}
	for _, bad := range []string{"", "/", "a//b", "a/../b", "."} {
		if _, err := jobPath(bad); err == nil {
			t.Errorf("jobPath(%q) accepted", bad)
		}
	}
}

func trim(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
