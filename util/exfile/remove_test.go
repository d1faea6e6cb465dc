package exfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/cupgo/cup/errs"
)

func TestMkNewNode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "node")
	if err := os.WriteFile(p, []byte("content"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := MkNewNode(p, true); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("mustNotExist on existing = %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "content" {
		t.Fatalf("content changed: %q", b)
	}
	if err := MkNewNode(p, false); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Size() != 0 {
		t.Errorf("size = %d, want 0", fi.Size())
	}
	q := filepath.Join(t.TempDir(), "fresh")
	if err := MkNewNode(q, true); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(q); err != nil || fi.Size() != 0 {
		t.Errorf("fresh node: %v %v", fi, err)
	}
}

func mkTree(t *testing.T, root string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(root, "keep", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "keep", "sub", "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSafeRmTreeRefuses(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	mkTree(t, tree)
	link := filepath.Join(dir, "bootlink")
	if err := os.Symlink("/boot", link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		path  string
		extra []string
	}{
		{"proc with slash", "/proc/", nil},
		{"root", "/", nil},
		{"sys dotted", "/sys/./", nil},
		{"symlink to boot", link, nil},
		{"protected dir with slash", tree + "/", []string{tree}},
		{"ancestor of protected", tree, []string{tree + "/keep"}},
		{"relative spelling", tree + "/keep/../keep/sub", []string{tree + "/keep/sub/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := SafeRmTree(tt.path, tt.extra)
			if !errors.Is(err, errs.ErrProtectedPath) {
				t.Fatalf("SafeRmTree(%q, %v) = %v, want ErrProtectedPath", tt.path, tt.extra, err)
			}
			if _, err := os.Stat(filepath.Join(tree, "keep", "sub", "f")); err != nil {
				t.Fatalf("something was deleted: %v", err)
			}
		})
	}
}

func TestSafeRmTreeRemoves(t *testing.T) {
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	mkTree(t, tree)
	if err := SafeRmTree(tree+"/", []string{filepath.Join(dir, "other")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tree); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tree still there: %v", err)
	}
	if err := SafeRmTree(tree, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing path = %v", err)
	}
	f := filepath.Join(dir, "file")
	_ = os.WriteFile(f, nil, 0o644)
	if err := SafeRmTree(f, nil); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("SafeRmTree(file) = %v", err)
	}
}

func TestSafeDelete(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "file")
	if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SafeDelete(f, []string{f}); !errors.Is(err, errs.ErrProtectedPath) {
		t.Fatalf("protected file = %v", err)
	}
	if _, err := os.Stat(f); err != nil {
		t.Fatal("protected file deleted")
	}
	if err := SafeDelete(f, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f); !errors.Is(err, fs.ErrNotExist) {
		t.Error("file not deleted")
	}
	if err := SafeDelete(f, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing = %v", err)
	}
	tree := filepath.Join(dir, "tree")
	mkTree(t, tree)
	if err := SafeDelete(tree, []string{tree + "/keep/sub/f"}); !errors.Is(err, errs.ErrProtectedPath) {
		t.Errorf("dir containing protected file = %v", err)
	}
	if err := SafeDelete(tree, nil); err != nil {
		t.Errorf("SafeDelete(dir) = %v", err)
	}
	if got := ProtectedPaths(); len(got) != 4 || got[0] != "/" {
		t.Errorf("ProtectedPaths = %v", got)
	}
}
