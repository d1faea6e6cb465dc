package confcmd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/util/conf"
)

const fixtures = "../../../../util/conf/testdata"

// run executes "cup conf ARGS..." with test streams.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.TestIO(strings.NewReader(stdin), &out, &errOut)}
	cmd := NewCmd(f)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

// TestJSONFixtures: "cup conf json" reproduces, byte for byte, the JSON
// CUP builds for each of its fixtures; the one CUP rejects fails with
// FILE:LINE on stderr.
func TestJSONFixtures(t *testing.T) {
	golden, err := filepath.Glob(filepath.Join(fixtures, "expected", "*.json"))
	if err != nil || len(golden) < 8 {
		t.Fatalf("fixtures: %v %d", err, len(golden))
	}
	for _, g := range golden {
		name := strings.TrimSuffix(filepath.Base(g), ".json")
		t.Run(name, func(t *testing.T) {
			want, _ := os.ReadFile(g)
			file := filepath.Join(fixtures, name)
			out, errOut, err := run(t, "", "json", file)
			if bytes.Contains(want, []byte(`"$error"`)) {
				var ee *cmdutil.ExitError
				if !errors.As(err, &ee) || ee.Code == 0 {
					t.Fatalf("want a non-zero exit, got %v", err)
				}
				if !strings.Contains(errOut, file+":1: ") || out != "" {
					t.Fatalf("stderr %q stdout %q", errOut, out)
				}
				return
			}
			if err != nil {
				t.Fatal(err, errOut)
			}
			if out != string(want) {
				t.Errorf("got\n%s\nwant\n%s", out, want)
			}
		})
	}
}

func TestJSONErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.conf")
	os.WriteFile(bad, []byte("# c\nk: v\n[sec]\nmy key: 1\n"), 0o644)
	_, errOut, err := run(t, "", "json", bad)
	var ee *cmdutil.ExitError
	if !errors.As(err, &ee) || ee.Code != 1 {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(errOut, bad+":4: invalid key") {
		t.Fatalf("stderr %q", errOut)
	}
	// the options reach the parser
	dup := filepath.Join(dir, "dup.conf")
	os.WriteFile(dup, []byte("k = 1 # c\nk = 2 # d\n"), 0o644)
	out, _, err := run(t, "", "json", "--separator", "=", "--keep-comments", dup)
	if err != nil || out != "{\n \"k\": \"2 # d\"\n}\n" {
		t.Fatalf("got %q, %v", out, err)
	}
	_, errOut, err = run(t, "", "json", "--separator", "=", "--strict", dup)
	if err == nil || !strings.Contains(errOut, dup+":2: duplicate key") {
		t.Fatalf("strict: %v %q", err, errOut)
	}
	inc := filepath.Join(dir, "inc.conf")
	os.WriteFile(inc, []byte("$include \"missing.conf\"\nk: v\n"), 0o644)
	out, errOut, err = run(t, "", "json", "--ignore-include-errors", inc)
	if err != nil || out != "{\n \"k\": \"v\"\n}\n" || !strings.Contains(errOut, "warning: "+inc+":1: include failed") {
		t.Fatalf("ignore includes: %q %q %v", out, errOut, err)
	}
	out, _, err = run(t, "a: 1\n[s]\n@l: x\n", "json", "-")
	if err != nil || out != "{\n \"a\": \"1\",\n \"s\": {\n  \"l\": [\n   \"x\"\n  ]\n }\n}\n" {
		t.Fatalf("stdin: %q %v", out, err)
	}
	_, errOut, err = run(t, "a: 1\nbad\n", "json", "-")
	if err == nil || !strings.Contains(errOut, "-:2: malformed line") {
		t.Fatalf("stdin error: %q %v", errOut, err)
	}
	if _, _, err := run(t, "", "json", filepath.Join(dir, "none.conf")); err == nil {
		t.Fatal("missing file accepted")
	}
	if _, _, err := run(t, "", "json", "--separator", "", bad); !cmdutil.IsFlagError(err) {
		t.Fatalf("empty separator: %v", err)
	}
	if _, _, err := run(t, "", "json"); err == nil {
		t.Fatal("no argument accepted")
	}
}

// TestFmt: JSON -> CUP text, through a file and through stdin, and the
// full circle conf -> json -> fmt gives CUP's writer output.
func TestFmt(t *testing.T) {
	out, _, err := run(t, "", "fmt", filepath.Join(fixtures, "expected", "test_normal.conf.json"))
	if err != nil || out != "test:123\n@arr:1\n@arr:2\n@arr:3\n@arr:4\n" {
		t.Fatalf("got %q %v", out, err)
	}
	js, _, err := run(t, "", "json", filepath.Join(fixtures, "test.list.conf"))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err = run(t, js, "fmt", "-")
	if err != nil {
		t.Fatal(err)
	}
	// CUP's text without the blank lines (JSON has no comments)
	want, _ := os.ReadFile(filepath.Join(fixtures, "write", "test.list.conf.golden"))
	var kept []string
	for _, l := range strings.Split(string(want), "\n") {
		if strings.TrimSpace(l) != "" {
			kept = append(kept, l)
		}
	}
	if out != strings.Join(kept, "\n")+"\n" {
		t.Fatalf("got\n%s\nwant\n%s", out, strings.Join(kept, "\n"))
	}
	out, _, err = run(t, `{"b": 1, "a": true, "s": {"k": "v"}, "l": [1.5, "x"]}`, "fmt", "--separator", " = ", "-")
	if err != nil || out != "b = 1\na = True\n@l = 1.5\n@l = x\n[s]\n    k = v\n" {
		t.Fatalf("got %q %v", out, err)
	}
	_, _, err = run(t, `{"k": "a\nb"}`, "fmt", "-")
	if !errors.Is(err, conf.ErrUnrepresentable) || !strings.Contains(err.Error(), "-: ") {
		t.Fatalf("newline: %v", err)
	}
	out, _, err = run(t, `{"k": "a\nb"}`, "fmt", "--lossy", "-")
	if err != nil || out != "k:a\nb\n" {
		t.Fatalf("lossy: %q %v", out, err)
	}
	for _, in := range []string{`{"k": null}`, `[1]`, `{"k": [[1]]}`, `{"k": `, `{} {}`} {
		if _, _, err := run(t, in, "fmt", "-"); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
}

// TestFlagsParsed checks the options each command hands to its run.
func TestFlagsParsed(t *testing.T) {
	f := &cmdutil.Factory{IO: cmdutil.TestIO(nil, &bytes.Buffer{}, &bytes.Buffer{})}
	var got *JSONOptions
	cmd := NewCmdJSON(f, func(o *JSONOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--separator", "=", "--keep-comments", "--strict", "--ignore-include-errors", "--include-cwd", "a.conf"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := JSONOptions{IO: f.IO, File: "a.conf", Separator: "=", KeepInlineComments: true, Strict: true, IgnoreIncludeErrors: true, IncludeRelativeCWD: true}
	if *got != want {
		t.Fatalf("got %+v", *got)
	}
	var fo *FmtOptions
	fcmd := NewCmdFmt(f, func(o *FmtOptions) error { fo = o; return nil })
	fcmd.SetArgs([]string{"--lossy", "x.json"})
	if err := fcmd.Execute(); err != nil || !fo.Lossy || fo.File != "x.json" || fo.Separator != ":" {
		t.Fatalf("fmt options %+v %v", fo, err)
	}
}
