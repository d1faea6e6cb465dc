//go:build interop

// A test against Baidu's own CUP: CUP 3.2.7's cup.log (under Python 3) and
// this package log the same messages with a .wf file (gen_wf=True,
// WarnSplit); the files must hold the same lines in the same places, equal
// byte for byte once the time, ids and source position are masked; Parse
// must read CUP's lines and CUP's parse must read ours. CUP's source is not
// part of this repository, so the test is built only with -tags interop:
//
//	CUP_SRC=/path/to/CUP-3.2.7 go test -tags interop -run TestInteropCUPLog ./log
//
// or scripts/interop-cup.sh. Once built with the tag, a missing CUP_SRC
// fails the test: it never skips.

package log_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cupgo/cup/internal/cupinterop"
	cuplog "github.com/cupgo/cup/log"
)

// interopMsgs are logged by both sides, in order.
var interopMsgs = []struct{ level, msg string }{
	{"debug", "debug line"},
	{"info", "hello [x] ]y 100% é"},
	{"warn", "a warning: disk 91%"},
	{"info", "tab\tinside"},
	{"error", "error [a:1] [b:2]"},
	{"critical", "critical, last"},
	{"debug", "  padded  "},
}

// cupLogOracle logs interopMsgs (argv[4], JSON) with CUP into argv[3] and
// then prints, as JSON, CUP's parse() of every line of the files named in
// argv[5:].
const cupLogOracle = `
import json, sys
from cup import log
log.init_comlog('cup', log.DEBUG, sys.argv[3], log.ROTATION, 1073741824, False, True)
for level, msg in json.loads(sys.argv[4]):
    getattr(log, level)(msg)
parsed = []
for path in sys.argv[5:]:
    with open(path, encoding='utf-8') as f:
        parsed += [log.parse(line.rstrip('\n')) for line in f]
print(json.dumps(parsed))
`

var (
	maskTime = regexp.MustCompile(`^([A-Z]+:\t )\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \* \[\d+:[0-9a-f]+\] \[[^\]:]+:\d+\] `)
	srcLine  = regexp.MustCompile(`^interop_cup_test\.go:\d+$`)
)

func mask(line string) string {
	return maskTime.ReplaceAllString(line, "${1}TIME * [PID:TID] [FILE:LINE] ")
}

func fileLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestInteropCUPLog(t *testing.T) {
	env := cupinterop.Setup(t, "cup/log.py")
	src, stubs, dir, python := env.Src, env.Stubs, env.Dir, env.Python3
	script := env.Script(t, "oracle.py", cupLogOracle)

	// init_comlog's counterpart is Init (the default logger), which also
	// writes the banner line.
	goLog := filepath.Join(dir, "go.log")
	cuplog.ResetForTest()
	t.Cleanup(cuplog.ResetForTest)
	if err := cuplog.Init("interop", cuplog.Options{Level: cuplog.LevelDebug, File: goLog, WarnFile: true, WarnFileMode: cuplog.WarnSplit}); err != nil {
		t.Fatal(err)
	}
	for _, m := range interopMsgs {
		switch m.level {
		case "debug":
			cuplog.Debug(m.msg)
		case "info":
			cuplog.Info(m.msg)
		case "warn":
			cuplog.Warn(m.msg)
		case "error":
			cuplog.Error(m.msg)
		case "critical":
			cuplog.Critical(m.msg)
		}
	}
	if err := cuplog.Close(); err != nil {
		t.Fatal(err)
	}

	msgs := make([][2]string, len(interopMsgs))
	for i, m := range interopMsgs {
		msgs[i] = [2]string{m.level, m.msg}
	}
	arg, _ := json.Marshal(msgs)
	pyLog := filepath.Join(dir, "py.log")
	cmd := exec.Command(python, script, src, stubs, pyLog, string(arg), goLog, goLog+".wf")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("CUP oracle: %v\n%s", err, stderr)
	}

	// The same lines in the same files, byte for byte once masked.
	for _, suffix := range []string{"", ".wf"} {
		ours, theirs := fileLines(t, goLog+suffix), fileLines(t, pyLog+suffix)
		if len(ours) != len(theirs) {
			t.Errorf("go.log%s has %d lines, CUP's py.log%s %d:\n%s\n---\n%s", suffix, len(ours), suffix, len(theirs),
				strings.Join(ours, "\n"), strings.Join(theirs, "\n"))
			continue
		}
		for i := range ours {
			if mask(ours[i]) != mask(theirs[i]) || mask(ours[i]) == ours[i] {
				t.Errorf("line %d of the%s file:\ncup-go %q\nCUP    %q", i+1, suffix, ours[i], theirs[i])
			}
		}
	}

	// Parse reads CUP's lines.
	pid := 0
	for _, suffix := range []string{"", ".wf"} {
		for _, line := range fileLines(t, pyLog+suffix) {
			e, err := cuplog.Parse(line)
			if err != nil {
				t.Errorf("Parse(%q): %v", line, err)
				continue
			}
			if pid == 0 {
				pid = e.PID
			}
			if e.PID != pid || e.PID == os.Getpid() || (e.File != "oracle.py" && e.File != "log.py") || e.Line <= 0 || e.At.IsZero() {
				t.Errorf("Parse(%q) = %+v", line, e)
			}
			if !strings.Contains(line, e.Msg) || !strings.HasPrefix(line, e.Level+":") {
				t.Errorf("Parse(%q): level %q message %q", line, e.Level, e.Msg)
			}
		}
	}

	// CUP's parse reads ours.
	var parsed []map[string]any
	if err := json.Unmarshal(out, &parsed); err != nil {
		t.Fatalf("oracle printed %s: %v", out, err)
	}
	ourLines := append(fileLines(t, goLog), fileLines(t, goLog+".wf")...)
	if len(parsed) != len(ourLines) {
		t.Fatalf("CUP parsed %d lines, we wrote %d", len(parsed), len(ourLines))
	}
	for i, p := range parsed {
		line := ourLines[i]
		if p == nil {
			t.Errorf("CUP's parse cannot read %q", line)
			continue
		}
		e, err := cuplog.Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{
			"loglevel": e.Level, "date": e.Date, "time": e.Time,
			"pid": strconv.Itoa(os.Getpid()), "tid": e.TID, "srcline": e.Src, "msg": e.Msg,
		}
		if fmt.Sprint(p) != fmt.Sprint(want) {
			t.Errorf("CUP's parse of %q:\n got %v\nwant %v", line, p, want)
		}
		if src, _ := p["srcline"].(string); !srcLine.MatchString(src) && !strings.HasPrefix(src, "default.go:") {
			t.Errorf("CUP's parse of %q: srcline %q", line, src)
		}
	}
}
