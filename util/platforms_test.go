package util

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestPlatformsOnThisOS(t *testing.T) {
	got := map[string]bool{
		"linux": IsLinux(), "darwin": IsMac(), "windows": IsWindows(),
	}
	for goos, v := range got {
		if want := runtime.GOOS == goos; v != want {
			t.Errorf("GOOS=%s: Is(%s) = %v, want %v", runtime.GOOS, goos, v, want)
		}
	}
	if runtime.GOOS == "linux" && !IsPosix() {
		t.Error("IsPosix() = false on linux")
	}
	if runtime.GOOS == "windows" && IsPosix() {
		t.Error("IsPosix() = true on windows")
	}
}

// TestPlatformsCrossCompiled builds, for several GOOS values, a tiny
// program that panics with a marker string when any answer differs from
// the expected one. Because the answers are constants, the comparison
// folds away and the linker drops the marker when every answer is right;
// finding the marker in the binary therefore means a wrong answer. The
// linux build is also run.
func TestPlatformsCrossCompiled(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiling is slow")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	modRoot := filepath.Dir(wd)
	cases := []struct {
		goos                         string
		linux, mac, windows, isPosix bool
	}{
		{"freebsd", false, false, false, true},
		{"openbsd", false, false, false, true},
		{"darwin", false, true, false, true},
		{"windows", false, false, true, false},
		{"linux", true, false, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.goos, func(t *testing.T) {
			dir := t.TempDir()
			src := `package main

import "github.com/cupgo/cup/util"

func main() {
	if util.IsLinux() != ` + b(tc.linux) + ` || util.IsMac() != ` + b(tc.mac) +
				` || util.IsWindows() != ` + b(tc.windows) + ` || util.IsPosix() != ` + b(tc.isPosix) + ` {
		panic("wrong platform answer")
	}
	println("ok")
}
`
			if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "prog")
			cmd := exec.Command(gobin, "build", "-o", out, filepath.Join(dir, "main.go"))
			cmd.Dir = modRoot
			cmd.Env = append(os.Environ(), "GOOS="+tc.goos, "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("GOOS=%s go build: %v\n%s", tc.goos, err, b)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), "wrong platform answer") {
				t.Errorf("GOOS=%s: answers not as expected (the panic branch was compiled in)", tc.goos)
			}
			if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" && tc.goos == "linux" {
				if b, err := exec.Command(out).CombinedOutput(); err != nil || !strings.Contains(string(b), "ok") {
					t.Errorf("running linux build: %v\n%s", err, b)
				}
			}
		})
	}
}

func b(v bool) string {
	if v {
		return "true"
	}
	return "false"
}
