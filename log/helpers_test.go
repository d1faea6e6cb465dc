package log_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"

	"github.com/cupgo/cup/internal/testutil"
	cuplog "github.com/cupgo/cup/log"
)

// lineRE is checklist item 1, with groups for pid, tid, file, line, msg.
var lineRE = regexp.MustCompile(`^(DEBUG|INFO|WARNING|ERROR|CRITICAL):\t \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \* \[(\d+):([0-9a-f]+)\] \[([^/\]]+):(\d+)\] (.*)$`)

// fresh starts a test from "not initialised" and returns a temp dir.
func fresh(t *testing.T) string {
	t.Helper()
	cuplog.ResetForTest()
	t.Cleanup(cuplog.ResetForTest)
	return t.TempDir()
}

// prevLine returns "file:line" of the line above its caller: tests log
// on one line and record the expected location on the next.
func prevLine() string {
	_, file, line, _ := runtime.Caller(1)
	return filepath.Base(file) + ":" + strconv.Itoa(line-1)
}

// readLines returns the lines of path (without newlines); a missing file
// has none.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// match checks a line against the format and returns its parts.
type parts struct{ level, pid, tid, src, msg string }

func mustMatch(t *testing.T, line string) parts {
	t.Helper()
	m := lineRE.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("line does not match the CUP format: %q", line)
	}
	return parts{level: m[1], pid: m[2], tid: m[3], src: m[4] + ":" + m[5], msg: m[6]}
}

// msgs returns the messages of the lines of path.
func msgs(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	for _, l := range readLines(t, path) {
		out = append(out, mustMatch(t, l).msg)
	}
	return out
}

type syncBuffer = testutil.SyncBuffer
