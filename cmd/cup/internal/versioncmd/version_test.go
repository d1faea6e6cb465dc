package versioncmd

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/version"
)

func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		json bool
	}{{nil, false}, {[]string{"--json"}, true}} {
		var out, errOut bytes.Buffer
		f := &cmdutil.Factory{IO: cmdutil.TestIO(nil, &out, &errOut)}
		cmd := NewCmd(f, nil)
		cmd.SetArgs(tc.args)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if tc.json {
			var info version.Info
			if err := json.Unmarshal(out.Bytes(), &info); err != nil {
				t.Fatalf("--json output is not JSON: %v\n%s", err, out.String())
			}
			if info.CUPVersion != "3.2.7" || info.Version != version.Version {
				t.Fatalf("bad JSON %+v", info)
			}
			continue
		}
		if !strings.HasPrefix(out.String(), "cup "+version.Version+" (ports CUP 3.2.7)") {
			t.Fatalf("output %q", out.String())
		}
	}
}

func TestVersionRejectsArgs(t *testing.T) {
	var out bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.TestIO(nil, &out, &out)}
	cmd := NewCmd(f, func(*Options) error { t.Fatal("run called"); return nil })
	cmd.SetArgs([]string{"extra"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if err := cmd.Execute(); err == nil {
		t.Fatal("want an error for an extra argument")
	}
}
