//go:build unix

package oper

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

// requireRefused fails the test at once unless both the guard and the
// delete preparation refuse p. The destructive calls below run only
// after this proved that they will be refused, so a broken guard fails
// the test instead of deleting the machine.
func requireRefused(t *testing.T, p string) {
	t.Helper()
	if err := CheckDeletable(p, ProtectedPaths()); !errors.Is(err, errs.ErrProtectedPath) {
		t.Fatalf("guard does not refuse %q (%v); not calling the delete helpers", p, err)
	}
	if pd, err := prepareDelete(p, true); !errors.Is(err, errs.ErrProtectedPath) {
		if pd != nil {
			pd.close()
		}
		t.Fatalf("prepareDelete(%q, true) = %v; not calling the delete helpers", p, err)
	}
}

func TestSafeDeleteRefusesProtected(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "to-root")
	mustSymlink(t, "/", link)
	usrLink := filepath.Join(dir, "to-usr")
	mustSymlink(t, "/usr", usrLink)
	for _, p := range []string{"/", "//", "/.", "/tmp/..", "/usr/", "/usr", link, link + "/", usrLink, link + "/usr/"} {
		requireRefused(t, p)
		if err := RmRF(p, true); !errors.Is(err, errs.ErrProtectedPath) {
			t.Errorf("RmRF(%q, true) = %v, want ErrProtectedPath", p, err)
		}
		if err := RmTree(p, RmTreeOptions{}); !errors.Is(err, errs.ErrProtectedPath) {
			t.Errorf("RmTree(%q) = %v, want ErrProtectedPath", p, err)
		}
		if existed, err := DelIfExist(p, true); !errors.Is(err, errs.ErrProtectedPath) || existed {
			t.Errorf("DelIfExist(%q, true) = %v, %v; want false, ErrProtectedPath", p, existed, err)
		}
	}
	// Nothing was deleted: the links and the system directories remain.
	for _, p := range []string{link, usrLink} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	for _, p := range []string{"/usr", "/tmp", "/etc"} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestUnsafeStillRefusesRoot(t *testing.T) {
	// Without safe mode only "/" is refused; check the preparation
	// step (no side effects) before trusting the real calls.
	for _, p := range []string{"/", "//", "/.", "/tmp/.."} {
		if pd, err := prepareDelete(p, false); !errors.Is(err, errs.ErrProtectedPath) {
			if pd != nil {
				pd.close()
			}
			t.Fatalf("prepareDelete(%q, false) = %v, want ErrProtectedPath", p, err)
		}
		if err := RmRF(p, false); !errors.Is(err, errs.ErrProtectedPath) {
			t.Errorf("RmRF(%q, false) = %v", p, err)
		}
		if err := RmTree(p, RmTreeOptions{Unsafe: true}); !errors.Is(err, errs.ErrProtectedPath) {
			t.Errorf("RmTree(%q, Unsafe) = %v", p, err)
		}
	}
}

// makeTree builds dir/{a.txt, sub/{b.txt, deep/c.txt}, link-to-outside}
// and returns a directory outside it that the link points to.
func makeTree(t *testing.T, dir string) (outside string) {
	t.Helper()
	outside = t.TempDir()
	mustWrite(t, filepath.Join(outside, "keep.txt"), "keep")
	mustMkdir(t, filepath.Join(dir, "sub", "deep"))
	mustWrite(t, filepath.Join(dir, "a.txt"), "a")
	mustWrite(t, filepath.Join(dir, "sub", "b.txt"), "b")
	mustWrite(t, filepath.Join(dir, "sub", "deep", "c.txt"), "c")
	mustSymlink(t, outside, filepath.Join(dir, "sub", "link-to-outside"))
	return outside
}

func TestRmRF(t *testing.T) {
	base := t.TempDir()
	tree := filepath.Join(base, "tree")
	outside := makeTree(t, tree)
	if err := RmRF(tree+"/", true); err != nil {
		t.Fatalf("RmRF(tree/) = %v", err)
	}
	if _, err := os.Lstat(tree); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tree still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "keep.txt")); err != nil {
		t.Errorf("a link inside the tree was followed: %v", err)
	}

	// A file, and a missing path.
	f := filepath.Join(base, "f")
	mustWrite(t, f, "x")
	if err := RmRF(f, true); err != nil {
		t.Errorf("RmRF(file) = %v", err)
	}
	if err := RmRF(filepath.Join(base, "missing"), true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("RmRF(missing) = %v, want fs.ErrNotExist", err)
	}
	if err := RmRF(filepath.Join(base, "missing", "deeper"), true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("RmRF(missing/deeper) = %v, want fs.ErrNotExist", err)
	}

	// A symlink to a directory: only the link goes.
	target := t.TempDir()
	mustWrite(t, filepath.Join(target, "t.txt"), "t")
	link := filepath.Join(base, "dirlink")
	mustSymlink(t, target, link)
	if err := RmRF(link, true); err != nil {
		t.Fatalf("RmRF(link) = %v", err)
	}
	if _, err := os.Lstat(link); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("link still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(target, "t.txt")); err != nil {
		t.Errorf("link target damaged: %v", err)
	}

	// A path through a symlinked parent removes the real entry.
	real := filepath.Join(base, "real")
	mustMkdir(t, filepath.Join(real, "victim"))
	mustSymlink(t, real, filepath.Join(base, "via"))
	if err := RmRF(filepath.Join(base, "via", "victim"), true); err != nil {
		t.Fatalf("RmRF(via/victim) = %v", err)
	}
	if _, err := os.Lstat(filepath.Join(real, "victim")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("victim still there: %v", err)
	}
}

func TestRmRFEmptyPath(t *testing.T) {
	if err := RmRF("", true); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("RmRF(\"\") = %v", err)
	}
}

func TestRmTree(t *testing.T) {
	base := t.TempDir()
	tree := filepath.Join(base, "tree")
	outside := makeTree(t, tree)
	if err := RmTree(tree, RmTreeOptions{}); err != nil {
		t.Fatalf("RmTree = %v", err)
	}
	if _, err := os.Lstat(tree); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tree still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "keep.txt")); err != nil {
		t.Errorf("link followed: %v", err)
	}
	missing := filepath.Join(base, "missing")
	if err := RmTree(missing, RmTreeOptions{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("RmTree(missing) = %v, want fs.ErrNotExist", err)
	}
	if err := RmTree(missing, RmTreeOptions{IgnoreErrors: true}); err != nil {
		t.Errorf("RmTree(missing, IgnoreErrors) = %v, want nil", err)
	}
	var seen []string
	err := RmTree(missing, RmTreeOptions{OnError: func(p string, err error) error {
		seen = append(seen, p)
		return nil
	}})
	if err != nil || len(seen) != 1 || seen[0] != missing {
		t.Errorf("RmTree(missing, OnError) = %v, OnError saw %q", err, seen)
	}
	stop := errors.New("stop")
	if err := RmTree(missing, RmTreeOptions{OnError: func(string, error) error { return stop }}); !errors.Is(err, stop) {
		t.Errorf("OnError's error not returned: %v", err)
	}
}

// TestRmTreeOnErrorPermissions removes a tree holding a directory the
// remover may not write to: OnError sees each failing entry, the rest is
// removed. Root may write anywhere, so as root the remover is a helper
// process running as nobody.
func TestRmTreeOnErrorPermissions(t *testing.T) {
	base, err := os.MkdirTemp("", "oper-rmtree-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	tree := filepath.Join(base, "tree")
	mustMkdir(t, filepath.Join(tree, "locked"))
	mustMkdir(t, filepath.Join(tree, "open"))
	mustWrite(t, filepath.Join(tree, "locked", "stuck.txt"), "s")
	mustWrite(t, filepath.Join(tree, "open", "gone.txt"), "g")
	for _, d := range []string{base, tree, filepath.Join(tree, "open")} {
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(tree, "locked"), 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(tree, "locked"), 0o755) })

	var out string
	if os.Geteuid() == 0 {
		// nobody cannot reach the test binary in go's private build
		// directory: give it a copy.
		exe := filepath.Join(base, "oper.test")
		copyFile(t, os.Args[0], exe, 0o755)
		cmd := exec.Command(exe, helperArg, "rmtree", tree)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("helper as nobody: %v\n%s", err, b)
		}
		out = string(b)
	} else {
		var calls []string
		err := RmTree(tree, RmTreeOptions{OnError: func(p string, err error) error {
			calls = append(calls, p)
			return nil
		}})
		out = "err=" + errString(err) + "\ncalls=" + strings.Join(calls, ",") + "\n"
	}
	want := "err=<nil>\ncalls=" + filepath.Join(tree, "locked", "stuck.txt") + "," +
		filepath.Join(tree, "locked") + "," + tree + "\n"
	if out != want {
		t.Errorf("RmTree with OnError printed\n%s\nwant\n%s", out, want)
	}
	if _, err := os.Lstat(filepath.Join(tree, "open")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("removable part not removed: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(tree, "locked", "stuck.txt")); err != nil {
		t.Errorf("unremovable entry vanished: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestDelIfExist(t *testing.T) {
	base := t.TempDir()
	check := func(name string, p string, wantExisted bool) {
		t.Helper()
		existed, err := DelIfExist(p, true)
		if err != nil || existed != wantExisted {
			t.Errorf("%s: DelIfExist(%q) = %v, %v; want %v, nil", name, p, existed, err, wantExisted)
		}
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			t.Errorf("%s: %q still there", name, p)
		}
	}
	check("missing", filepath.Join(base, "missing"), false)
	check("missing parent", filepath.Join(base, "missing", "x"), false)

	f := filepath.Join(base, "file")
	mustWrite(t, f, "x")
	check("not a directory parent", filepath.Join(f, "x"), false)
	check("file", f, true)

	dangling := filepath.Join(base, "dangling")
	mustSymlink(t, filepath.Join(base, "nowhere"), dangling)
	check("dangling link", dangling, true)

	target := t.TempDir()
	mustWrite(t, filepath.Join(target, "t.txt"), "t")
	link := filepath.Join(base, "dirlink")
	mustSymlink(t, target, link)
	check("link to dir", link, true)
	if _, err := os.Stat(filepath.Join(target, "t.txt")); err != nil {
		t.Errorf("link target damaged: %v", err)
	}

	tree := filepath.Join(base, "tree")
	makeTree(t, tree)
	check("dir", tree, true)

	fifo := filepath.Join(base, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	existed, err := DelIfExist(fifo, true)
	if !errors.Is(err, errs.ErrInvalidArgument) || !existed {
		t.Errorf("DelIfExist(fifo) = %v, %v; want true, ErrInvalidArgument", existed, err)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("fifo not intact: %v", err)
	}
}

func TestRm(t *testing.T) {
	base := t.TempDir()
	f := filepath.Join(base, "f")
	mustWrite(t, f, "x")
	if err := Rm(f); err != nil {
		t.Errorf("Rm(file) = %v", err)
	}
	if err := Rm(f); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Rm(missing) = %v", err)
	}
	d := filepath.Join(base, "d")
	mustMkdir(t, d)
	if err := Rm(d); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("Rm(dir) = %v", err)
	}
	if _, err := os.Stat(d); err != nil {
		t.Errorf("Rm removed a directory")
	}
}

func TestMD5File(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		content string
		want    string
	}{
		{"", "d41d8cd98f00b204e9800998ecf8427e"},
		{"The quick brown fox jumps over the lazy dog", "9e107d9d372bb6826bd81d3542a419d6"},
	}
	for i, tc := range tests {
		p := filepath.Join(dir, strconv.Itoa(i))
		mustWrite(t, p, tc.content)
		got, err := MD5File(p)
		if err != nil || got != tc.want {
			t.Errorf("MD5File(%q) = %q, %v; want %q", tc.content, got, err, tc.want)
		}
	}

	// A file spanning several 128 KiB reads, compared with md5sum(1).
	big := filepath.Join(dir, "big")
	data := bytes.Repeat([]byte("0123456789abcdef"), 3*md5BufSize/16+7)
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(data)
	got, err := MD5File(big)
	if err != nil || got != hex.EncodeToString(sum[:]) {
		t.Errorf("MD5File(big) = %q, %v; want %x", got, err, sum)
	}
	if md5sum, err := exec.LookPath("md5sum"); err == nil {
		out, err := exec.Command(md5sum, big).Output()
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Fields(string(out))[0]; got != want {
			t.Errorf("MD5File = %s, md5sum says %s", got, want)
		}
	}

	if _, err := MD5File(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("MD5File(missing) = %v", err)
	}
	if _, err := MD5File(dir); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("MD5File(dir) = %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := MD5File(fifo); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("MD5File(fifo) = %v (and must not block)", err)
	}
}

// TestMD5FileStreams hashes a 64 MiB sparse file and checks that only a
// small, fixed amount of memory was allocated.
func TestMD5FileStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	p := filepath.Join(t.TempDir(), "sparse")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	const size = 64 << 20
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := MD5File(p)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	h := md5.New()
	zero := make([]byte, 1<<20)
	for range size / len(zero) {
		h.Write(zero)
	}
	if want := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("MD5File(sparse) = %s, want %s", got, want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("MD5File allocated %d bytes for a %d-byte file; want streaming", alloc, size)
	}
}

func TestBackupFile(t *testing.T) {
	src := t.TempDir()
	dst := filepath.Join(t.TempDir(), "new", "backups")
	content := "hello backup\n"
	if err := os.WriteFile(filepath.Join(src, "a.txt"), []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
	p, err := BackupFile(src, "a.txt", dst, "")
	if err != nil {
		t.Fatalf("BackupFile = %v", err)
	}
	if !regexp.MustCompile(`^a\.txt\.\d\d:\d\d:\d\d$`).MatchString(filepath.Base(p)) || filepath.Dir(p) != dst {
		t.Errorf("backup path %q, want %s/a.txt.HH:MM:SS", p, dst)
	}
	assertFile(t, p, content, 0o640)

	p, err = BackupFile(src, "a.txt", dst, "v1")
	if err != nil || p != filepath.Join(dst, "a.txt.v1") {
		t.Fatalf("BackupFile(v1) = %q, %v", p, err)
	}
	assertFile(t, p, content, 0o640)

	// Replacing an existing backup is atomic: a reader holding the old
	// one keeps its complete content.
	old, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	mustWrite(t, filepath.Join(src, "a.txt"), "second version\n")
	if _, err := BackupFile(src, "a.txt", dst, "v1"); err != nil {
		t.Fatal(err)
	}
	assertFile(t, p, "second version\n", 0o640)
	if b, _ := readAll(old); string(b) != content {
		t.Errorf("old backup was modified in place: %q", b)
	}

	// No temporary files are left behind.
	names := listDir(t, dst)
	for _, n := range names {
		if strings.Contains(n, ".tmp-") {
			t.Errorf("temporary file left: %s (dir: %q)", n, names)
		}
	}

	// A missing source creates nothing, not even the directory.
	dst2 := filepath.Join(t.TempDir(), "never")
	if _, err := BackupFile(src, "missing.txt", dst2, "x"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing source: %v", err)
	}
	if _, err := os.Lstat(dst2); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing source created %s", dst2)
	}
	for _, bad := range [][2]string{{"", "x"}, {"../a.txt", "x"}, {"a.txt", "x/y"}, {"..", "x"}} {
		if _, err := BackupFile(src, bad[0], dst, bad[1]); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("BackupFile(name %q, label %q) = %v, want ErrInvalidArgument", bad[0], bad[1], err)
		}
	}
	if _, err := BackupFile(filepath.Dir(src), filepath.Base(src), dst, "x"); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("BackupFile(directory) = %v, want ErrInvalidArgument", err)
	}
}

func TestBackupFolder(t *testing.T) {
	src := t.TempDir()
	mustMkdir(t, filepath.Join(src, "data", "sub"))
	mustWrite(t, filepath.Join(src, "data", "sub", "f"), "f")
	dst := filepath.Join(t.TempDir(), "bak")
	p, err := BackupFolder(src, "data", dst, "v1")
	if err != nil || p != filepath.Join(dst, "data.v1") {
		t.Fatalf("BackupFolder = %q, %v", p, err)
	}
	if _, err := os.Lstat(filepath.Join(src, "data")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("source still there: %v", err)
	}
	assertFile(t, filepath.Join(p, "sub", "f"), "f", 0o644)

	// An existing target is never replaced.
	mustMkdir(t, filepath.Join(src, "data"))
	mustWrite(t, filepath.Join(src, "data", "new"), "n")
	if _, err := BackupFolder(src, "data", dst, "v1"); !errors.Is(err, fs.ErrExist) {
		t.Errorf("existing target: %v, want fs.ErrExist", err)
	}
	assertFile(t, filepath.Join(src, "data", "new"), "n", 0o644)
	assertFile(t, filepath.Join(p, "sub", "f"), "f", 0o644)

	if _, err := BackupFolder(src, "missing", dst, "v2"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing source: %v", err)
	}
	requireRefused(t, "/usr")
	if _, err := BackupFolder("/", "usr", t.TempDir(), "x"); !errors.Is(err, errs.ErrProtectedPath) {
		t.Errorf("BackupFolder(/usr) = %v, want ErrProtectedPath", err)
	}
}

// TestBackupFolderCrossDevice moves a folder from a tmpfs (/dev/shm) to
// the test's temporary directory when those are different file systems.
func TestBackupFolderCrossDevice(t *testing.T) {
	shm, err := os.MkdirTemp("/dev/shm", "oper-")
	if err != nil {
		t.Skipf("no /dev/shm: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(shm) })
	dst := t.TempDir()
	var a, b syscall.Stat_t
	if syscall.Stat(shm, &a) != nil || syscall.Stat(dst, &b) != nil || a.Dev == b.Dev {
		t.Skip("/dev/shm and the temporary directory are on the same file system")
	}
	mustMkdir(t, filepath.Join(shm, "data"))
	_, err = BackupFolder(shm, "data", dst, "x")
	if !errors.Is(err, syscall.EXDEV) {
		t.Errorf("cross-device move = %v, want EXDEV", err)
	}
	if _, err := os.Stat(filepath.Join(shm, "data")); err != nil {
		t.Errorf("source damaged: %v", err)
	}
}

func TestCreateEmpty(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "node")
	if err := CreateEmpty(p, false); err != nil {
		t.Fatal(err)
	}
	assertFile(t, p, "", 0o644&^umask())
	mustWrite(t, p, "content")
	if err := CreateEmpty(p, false); !errors.Is(err, fs.ErrExist) {
		t.Errorf("CreateEmpty(existing, false) = %v, want fs.ErrExist", err)
	}
	assertFile(t, p, "content", 0o644)
	if err := CreateEmpty(p, true); err != nil {
		t.Errorf("CreateEmpty(existing, true) = %v", err)
	}
	assertFile(t, p, "", 0o644)

	// Truncating never goes through a symlink, a FIFO or a directory.
	target := filepath.Join(dir, "target")
	mustWrite(t, target, "precious")
	link := filepath.Join(dir, "link")
	mustSymlink(t, target, link)
	if err := CreateEmpty(link, true); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("CreateEmpty(link, true) = %v", err)
	}
	if err := CreateEmpty(link, false); !errors.Is(err, fs.ErrExist) {
		t.Errorf("CreateEmpty(link, false) = %v", err)
	}
	assertFile(t, target, "precious", 0o644)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CreateEmpty(fifo, true); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("CreateEmpty(fifo, true) = %v", err)
	}
	if err := CreateEmpty(dir, true); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("CreateEmpty(dir, true) = %v", err)
	}
	if err := CreateEmpty(filepath.Join(dir, "missing", "x"), false); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("CreateEmpty(missing dir) = %v", err)
	}
}

func umask() fs.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return fs.FileMode(m)
}

func TestContainsFile(t *testing.T) {
	dir := t.TempDir()
	mustMkdir(t, filepath.Join(dir, "sub", "deeper"))
	mustMkdir(t, filepath.Join(dir, "sub", "dirname"))
	mustWrite(t, filepath.Join(dir, "sub", "x"), "x")
	mustWrite(t, filepath.Join(dir, "sub", "deeper", "needle.txt"), "n")
	other := t.TempDir()
	mustWrite(t, filepath.Join(other, "linked.txt"), "l")
	mustSymlink(t, other, filepath.Join(dir, "sub", "to-other"))
	mustSymlink(t, dir, filepath.Join(dir, "sub", "deeper", "loop")) // a cycle

	tests := []struct {
		name              string
		recursive, follow bool
		want              bool
	}{
		{"sub/x", false, false, true},
		{"  sub/x\n", false, false, true}, // trimmed
		{"sub", false, false, true},       // directories count when not recursive
		{"sub/nope", false, false, false},
		{"needle.txt", false, false, false},
		{"needle.txt", true, false, true},
		{"dirname", true, false, false}, // a directory never matches recursively
		{"linked.txt", true, false, false},
		{"linked.txt", true, true, true},
		{"absent", true, true, false}, // walks the loop without hanging
		{"sub/x", true, false, false}, // base names only when recursive
	}
	for _, tc := range tests {
		got, err := ContainsFile(dir, tc.name, tc.recursive, tc.follow)
		if err != nil || got != tc.want {
			t.Errorf("ContainsFile(%q, recursive=%v, follow=%v) = %v, %v; want %v", tc.name, tc.recursive, tc.follow, got, err, tc.want)
		}
	}
	for _, rec := range []bool{false, true} {
		if got, err := ContainsFile(filepath.Join(dir, "missing"), "x", rec, false); got || err != nil {
			t.Errorf("missing dir (recursive=%v) = %v, %v", rec, got, err)
		}
	}
	if _, err := ContainsFile(dir, " ", false, false); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("blank name: %v", err)
	}
}

func TestDiff(t *testing.T) {
	if _, err := exec.LookPath("diff"); err != nil {
		t.Skip("diff(1) not installed")
	}
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	mustWrite(t, a, "one\ntwo\n")
	mustWrite(t, b, "one\ntwo\n")
	mustWrite(t, c, "one\nTHREE\n")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	same, out, err := Diff(ctx, a, b)
	if err != nil || !same || out != "" {
		t.Errorf("Diff(equal) = %v, %q, %v", same, out, err)
	}
	same, out, err = Diff(ctx, a, c)
	if err != nil || same || !strings.Contains(out, "> THREE") {
		t.Errorf("Diff(different) = %v, %q, %v", same, out, err)
	}
	same, _, err = Diff(ctx, a, filepath.Join(dir, "missing"))
	if err == nil || same || !errors.Is(err, errs.ErrShell) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Diff(missing) = %v, %v; want an error quoting diff's stderr", same, err)
	}
	// A file name starting with "-" is a name, not an option.
	dash := filepath.Join(dir, "-q")
	mustWrite(t, dash, "one\ntwo\n")
	t.Chdir(dir)
	if same, _, err := Diff(ctx, "-q", "a"); err != nil || !same {
		t.Errorf("Diff(-q, a) = %v, %v", same, err)
	}
}

func assertFile(t *testing.T, p, content string, perm fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Errorf("%s: %v", p, err)
		return
	}
	if fi.Mode().Perm() != perm {
		t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), perm)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != content {
		t.Errorf("%s: content %q, %v; want %q", p, b, err, content)
	}
}

func readAll(f *os.File) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(f)
	return buf.Bytes(), err
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

func copyFile(t *testing.T, src, dst string, perm fs.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, perm); err != nil {
		t.Fatal(err)
	}
}
