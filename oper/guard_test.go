//go:build unix

package oper

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

func TestCheckDeletableSystemPaths(t *testing.T) {
	dir := t.TempDir()
	linkRoot := filepath.Join(dir, "root-link")
	linkUsr := filepath.Join(dir, "usr-link")
	linkChain := filepath.Join(dir, "chain")
	mustSymlink(t, "/", linkRoot)
	mustSymlink(t, "/usr", linkUsr)
	mustSymlink(t, linkRoot, linkChain)
	refused := []string{
		"/", "//", "///", "/.", "/./", "/tmp/..", "/usr", "/usr/", "/usr/.", "/usr//",
		"/etc/../usr", "/proc", "/proc/", "/sys", "/boot", "/tmp", "/var/",
		linkRoot, linkRoot + "/", linkUsr, linkChain,
		linkRoot + "/usr",       // through a symlinked directory
		linkRoot + "/etc/",      // ditto, trailing slash
		dir + "/../../../../..", // climbs to /
	}
	for _, p := range refused {
		err := CheckDeletable(p, ProtectedPaths())
		if !errors.Is(err, errs.ErrProtectedPath) {
			t.Errorf("CheckDeletable(%q) = %v, want ErrProtectedPath", p, err)
			continue
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("CheckDeletable(%q) error %q does not name the path", p, err)
		}
	}
	allowed := []string{
		dir, dir + "/", filepath.Join(dir, "missing"), filepath.Join(dir, "missing", "deeper"),
		filepath.Join(linkRoot, "tmp", filepath.Base(filepath.Dir(dir))), // a test dir reached via the link
	}
	for _, p := range allowed {
		if err := CheckDeletable(p, ProtectedPaths()); err != nil {
			t.Errorf("CheckDeletable(%q) = %v, want nil", p, err)
		}
	}
}

func TestCheckDeletableCustomList(t *testing.T) {
	parent := t.TempDir()
	keep := filepath.Join(parent, "keep")
	other := filepath.Join(parent, "other")
	mustMkdir(t, keep)
	mustMkdir(t, other)
	viaLink := filepath.Join(parent, "keep-link")
	mustSymlink(t, keep, viaLink)

	tests := []struct {
		path      string
		protected []string
		refused   bool
	}{
		{keep, []string{keep}, true},
		{keep + "/", []string{keep}, true},
		{keep + "/.", []string{keep}, true},
		{parent, []string{keep}, true},           // ancestor of a protected path
		{viaLink, []string{keep}, true},          // link to a protected path
		{keep, []string{viaLink}, true},          // protected entry given as a link
		{keep, []string{keep + "/"}, true},       // protected entry with a trailing slash
		{other, []string{keep}, false},           // sibling
		{keep + "/inner", []string{keep}, false}, // inside a protected path
		{other, nil, false},
	}
	for _, tc := range tests {
		err := CheckDeletable(tc.path, tc.protected)
		if got := errors.Is(err, errs.ErrProtectedPath); got != tc.refused {
			t.Errorf("CheckDeletable(%q, %q) = %v, want refused=%v", tc.path, tc.protected, err, tc.refused)
		}
	}
	// "/" is protected whatever the list says.
	if err := CheckDeletable("//", nil); !errors.Is(err, errs.ErrProtectedPath) {
		t.Errorf("CheckDeletable(//, nil) = %v", err)
	}
}

func TestCheckDeletableRelative(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	mustMkdir(t, "a")
	if err := CheckDeletable("a", []string{filepath.Join(dir, "a")}); !errors.Is(err, errs.ErrProtectedPath) {
		t.Errorf("relative path equal to a protected one: %v", err)
	}
	if err := CheckDeletable(".", []string{filepath.Join(dir, "a")}); !errors.Is(err, errs.ErrProtectedPath) {
		t.Errorf("\".\" containing a protected path: %v", err)
	}
	if err := CheckDeletable("a", nil); err != nil {
		t.Errorf("CheckDeletable(a, nil) = %v", err)
	}
}

func TestCheckDeletableBadInput(t *testing.T) {
	if err := CheckDeletable("", nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("empty path: %v", err)
	}
	if err := CheckDeletable(t.TempDir(), []string{""}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("empty protected entry: %v", err)
	}
}

func TestProtectedPathsIsACopy(t *testing.T) {
	p := ProtectedPaths()
	p[0] = "/nowhere"
	if ProtectedPaths()[0] != "/" {
		t.Fatal("ProtectedPaths exposes the package's slice")
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		p, dir string
		want   bool
	}{
		{"/opt/a", "/opt/a", true},
		{"/opt/a/b", "/opt/a", true},
		{"/opt/ab", "/opt/a", false},
		{"/opt", "/opt/a", false},
		{"/anything", "/", true},
	}
	for _, tc := range tests {
		if got := within(tc.p, tc.dir); got != tc.want {
			t.Errorf("within(%q, %q) = %v", tc.p, tc.dir, got)
		}
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func mustMkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, p, content string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
