package oper

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cupgo/cup/errs"
)

// Rm removes one file, symbolic link or other non-directory (CUP rm).
// Unlike CUP, which logged the failure and went on, the error is
// returned; a directory is refused with an error wrapping
// [errs.ErrInvalidArgument].
func Rm(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("oper: rm: %w", err)
	}
	if fi.IsDir() {
		return errs.New(errs.ErrInvalidArgument, "oper: rm %q: is a directory", path)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("oper: rm: %w", err)
	}
	return nil
}

// RmRF removes path and, if it is a directory, everything below it (CUP
// rmrf, like "rm -rf"). A symbolic link is removed itself, never its
// target. A missing path is an error wrapping [fs.ErrNotExist] (like
// CUP; "rm -f" would succeed).
//
// With safe set, path is first checked with [CheckDeletable] against
// [ProtectedPaths], so "/", "//", "/.", "/usr/", "/tmp/.." and links
// leading to them are refused with an error wrapping
// [errs.ErrProtectedPath] and nothing is deleted. Without safe only "/"
// itself is refused. The deletion works through a descriptor of the
// checked parent directory ([os.Root]), so swapping a parent for a
// symlink after the check cannot redirect it.
func RmRF(path string, safe bool) error {
	p, err := prepareDelete(path, safe)
	if err != nil {
		return err
	}
	defer p.close()
	if _, err := p.root.Lstat(p.base); err != nil {
		return fmt.Errorf("oper: rmrf %q: %w", path, unwrapPathErr(err))
	}
	if err := p.root.RemoveAll(p.base); err != nil {
		return fmt.Errorf("oper: rmrf %q: %w", path, err)
	}
	return nil
}

// RmTreeOptions configures [RmTree]. The zero value is CUP's default:
// safe mode on, stop at the first error.
type RmTreeOptions struct {
	// Unsafe turns off the protected-path check of safe mode (CUP
	// safemode=False). "/" itself is refused all the same.
	Unsafe bool
	// IgnoreErrors skips entries that cannot be removed and returns nil
	// (CUP ignore_errors). OnError is not called.
	IgnoreErrors bool
	// OnError, if set, is called for each entry that cannot be read or
	// removed, with the entry's path and the error (CUP onerror). If it
	// returns nil the removal goes on with the next entry; otherwise
	// RmTree stops and returns that error.
	OnError func(path string, err error) error
}

// RmTree removes path and everything below it, entry by entry, calling
// o.OnError for entries it cannot remove (CUP rmtree). A file or symbolic
// link is simply unlinked. Safe mode, on unless o.Unsafe, is as for
// [RmRF]. A missing path is an error wrapping [fs.ErrNotExist], unless
// o.IgnoreErrors is set. Symbolic links inside the tree are removed, not
// followed.
func RmTree(path string, o RmTreeOptions) error {
	p, err := prepareDelete(path, !o.Unsafe)
	if err != nil {
		return err
	}
	defer p.close()
	onErr := o.OnError
	switch {
	case o.IgnoreErrors:
		onErr = func(string, error) error { return nil }
	case onErr == nil:
		onErr = func(_ string, err error) error { return err }
	}
	if err := removeTree(p.root, p.base, p.abs, onErr); err != nil {
		return fmt.Errorf("oper: rmtree %q: %w", path, err)
	}
	return nil
}

// removeTree removes name (below r) depth-first. display is its full
// path, for OnError.
func removeTree(r *os.Root, name, display string, onErr func(string, error) error) error {
	fi, err := r.Lstat(name)
	if err != nil {
		return onErr(display, unwrapPathErr(err))
	}
	if fi.IsDir() {
		if err := removeChildren(r, name, display, onErr); err != nil {
			return err
		}
	}
	if err := r.Remove(name); err != nil {
		return onErr(display, unwrapPathErr(err))
	}
	return nil
}

func removeChildren(r *os.Root, name, display string, onErr func(string, error) error) error {
	sub, err := r.OpenRoot(name)
	if err != nil {
		return onErr(display, unwrapPathErr(err))
	}
	defer sub.Close()
	d, err := sub.Open(".")
	if err != nil {
		return onErr(display, unwrapPathErr(err))
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		if e := onErr(display, err); e != nil {
			return e
		}
	}
	for _, n := range names {
		if err := removeTree(sub, n, filepath.Join(display, n), onErr); err != nil {
			return err
		}
	}
	return nil
}

// DelIfExist removes path if something is there (CUP del_if_exist):
// a directory with everything below it, a file, or a symbolic link (the
// link itself, dangling or not; a link to a directory does not touch the
// directory). It reports whether something existed. Nothing at path is
// not an error. A FIFO, socket or device is refused with an error
// wrapping [errs.ErrInvalidArgument] and left in place. Safe mode is as
// for [RmRF] (CUP compared the path with "/" literally).
func DelIfExist(path string, safe bool) (existed bool, err error) {
	p, err := prepareDelete(path, safe)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return false, nil
		}
		return false, err
	}
	defer p.close()
	fi, err := p.root.Lstat(p.base)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("oper: del_if_exist %q: %w", path, err)
	}
	switch m := fi.Mode(); {
	case m.IsDir():
		err = p.root.RemoveAll(p.base)
	case m.IsRegular(), m&fs.ModeSymlink != 0:
		err = p.root.Remove(p.base)
	default:
		return true, errs.New(errs.ErrInvalidArgument, "oper: del_if_exist %q: refusing to delete a %s", path, typeName(m))
	}
	if err != nil {
		return true, fmt.Errorf("oper: del_if_exist %q: %w", path, err)
	}
	return true, nil
}

func typeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "file of type " + m.Type().String()
}

// pendingDelete is a checked target: its parent directory is held open.
type pendingDelete struct {
	root *os.Root
	base string
	abs  string
}

func (p *pendingDelete) close() { p.root.Close() }

// prepareDelete validates path, runs the safe-mode check and opens the
// parent directory. After the check it verifies that the opened parent
// is still the directory that was checked.
func prepareDelete(path string, safe bool) (*pendingDelete, error) {
	if path == "" {
		return nil, errs.New(errs.ErrInvalidArgument, "oper: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, errs.New(errs.ErrInvalidArgument, "oper: path %q: %w", path, err)
	}
	if resolve(abs) == "/" {
		return nil, errs.New(errs.ErrProtectedPath, "oper: refusing to delete %q: it is the root directory", path)
	}
	parentReal, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return nil, fmt.Errorf("oper: %q: parent directory: %w", path, unwrapPathErr(err))
	}
	if fi, err := os.Stat(parentReal); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("oper: %q: parent %q: %w", path, parentReal, syscall.ENOTDIR)
	}
	root, err := os.OpenRoot(parentReal)
	if err != nil {
		return nil, fmt.Errorf("oper: %q: parent directory: %w", path, unwrapPathErr(err))
	}
	base := filepath.Base(abs)
	target := filepath.Join(parentReal, base)
	if safe {
		// The caller's path first, so the error names it; then the path
		// through the directory actually held open.
		err := CheckDeletable(path, protectedPaths)
		if err == nil && target != abs {
			err = CheckDeletable(target, protectedPaths)
		}
		if err != nil {
			root.Close()
			return nil, err
		}
	}
	// The checks above went through path names; make sure the directory
	// now held open is the one they examined.
	held, err1 := root.Lstat(".")
	now, err2 := os.Stat(parentReal)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		root.Close()
		return nil, errs.New(errs.ErrIO, "oper: %q: parent directory changed while checking it", path)
	}
	return &pendingDelete{root: root, base: base, abs: abs}, nil
}

// unwrapPathErr strips the *fs.PathError of an os.Root call, whose path
// is relative to the root and would only confuse; callers add the full
// path themselves.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// md5BufSize is the read size of MD5File, CUP's 128 KiB chunk.
const md5BufSize = 128 << 10

// MD5File returns the MD5 of the file's contents as 32 lowercase hex
// digits (CUP md5file). The file is streamed in 128 KiB reads, never held
// in memory. A missing file is an error wrapping [fs.ErrNotExist]; a
// directory or other non-regular file is an error wrapping
// [errs.ErrInvalidArgument].
func MD5File(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("oper: md5: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", errs.New(errs.ErrInvalidArgument, "oper: md5 %q: not a regular file (%s)", path, fi.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("oper: md5: %w", err)
	}
	defer f.Close()
	h := md5.New()
	bp := md5Bufs.Get().(*[]byte)
	defer md5Bufs.Put(bp)
	if _, err := io.CopyBuffer(h, onlyReader{f}, *bp); err != nil {
		return "", fmt.Errorf("oper: md5 %q: %w", path, err)
	}
	var sum [md5.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])), nil
}

// md5Bufs holds MD5File's read buffers between calls.
var md5Bufs = sync.Pool{New: func() any {
	b := make([]byte, md5BufSize)
	return &b
}}

// onlyReader hides *os.File's WriterTo so io.CopyBuffer uses our buffer.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// BackupLabelLayout is the default label of the backup helpers: the
// local time as HH:MM:SS, as in CUP.
const BackupLabelLayout = "15:04:05"

// BackupFile copies the contents of srcDir/name to dstDir/name.label and
// returns the backup's path (CUP backup_file). An empty label means the
// current local time in [BackupLabelLayout]. dstDir is created (mode
// 0755, with parents) if missing. The copy is written to a temporary
// file in dstDir, synced, given the source's permission bits and then
// renamed over the target, so the target is either the complete old
// backup or the complete new one, never half written. An existing
// backup of the same name is replaced, as in CUP.
//
// name and label must be single path elements (no "/", not "." or "..")
// and the source must be a regular file; otherwise, or if the source is
// missing, nothing is created.
func BackupFile(srcDir, name, dstDir, label string) (string, error) {
	if label == "" {
		label = time.Now().Format(BackupLabelLayout)
	}
	if err := checkElem("name", name); err != nil {
		return "", err
	}
	if err := checkElem("label", label); err != nil {
		return "", err
	}
	src := filepath.Join(srcDir, name)
	in, err := os.Open(src)
	if err != nil {
		return "", fmt.Errorf("oper: backup: %w", err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return "", fmt.Errorf("oper: backup: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", errs.New(errs.ErrInvalidArgument, "oper: backup %q: not a regular file", src)
	}
	if err := os.MkdirAll(dstDir, 0o755); err != nil {
		return "", fmt.Errorf("oper: backup: %w", err)
	}
	dst := filepath.Join(dstDir, name+"."+label)
	tmp, err := os.CreateTemp(dstDir, "."+name+"."+label+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("oper: backup: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, in); err != nil {
		return "", fmt.Errorf("oper: backup %q: %w", src, err)
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		return "", fmt.Errorf("oper: backup: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("oper: backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("oper: backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", fmt.Errorf("oper: backup: %w", err)
	}
	ok = true
	return dst, nil
}

// BackupFolder moves (renames) srcDir/name to dstDir/name.label and
// returns the new path (CUP backup_folder); the source is gone
// afterwards. An empty label means the current local time in
// [BackupLabelLayout]; dstDir is created (0755) if missing. Unlike CUP it
// never replaces an existing target: that is an error wrapping
// [fs.ErrExist]. A move across file systems fails with an error wrapping
// [syscall.EXDEV] and leaves the source untouched. Moving a protected
// path (see [CheckDeletable]) is refused with [errs.ErrProtectedPath].
func BackupFolder(srcDir, name, dstDir, label string) (string, error) {
	if label == "" {
		label = time.Now().Format(BackupLabelLayout)
	}
	if err := checkElem("name", name); err != nil {
		return "", err
	}
	if err := checkElem("label", label); err != nil {
		return "", err
	}
	src := filepath.Join(srcDir, name)
	if _, err := os.Lstat(src); err != nil {
		return "", fmt.Errorf("oper: backup folder: %w", err)
	}
	if err := CheckDeletable(src, protectedPaths); err != nil {
		return "", err
	}
	dst := filepath.Join(dstDir, name+"."+label)
	if _, err := os.Lstat(dst); err == nil {
		return "", fmt.Errorf("oper: backup folder: target %q: %w", dst, fs.ErrExist)
	}
	if err := os.MkdirAll(dstDir, 0o755); err != nil {
		return "", fmt.Errorf("oper: backup folder: %w", err)
	}
	if err := os.Rename(src, dst); err != nil {
		return "", fmt.Errorf("oper: backup folder: %w", err)
	}
	return dst, nil
}

func checkElem(what, s string) error {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `/`+string(filepath.Separator)) {
		return errs.New(errs.ErrInvalidArgument, "oper: %s %q must be a single path element", what, s)
	}
	return nil
}

// CreateEmpty creates an empty regular file at path with mode 0644
// (before umask), the safe form of CUP's mk_newnode.
//
// Without truncate it never touches an existing file: the create is
// exclusive (O_EXCL) and an existing path is an error wrapping
// [fs.ErrExist]. With truncate an existing regular file is emptied, as
// CUP's mk_newnode did; even then a symbolic link at path is refused (so
// the link's target is not truncated) and so are directories, FIFOs,
// sockets and devices (errors wrapping [errs.ErrInvalidArgument]).
func CreateEmpty(path string, truncate bool) error {
	if path == "" {
		return errs.New(errs.ErrInvalidArgument, "oper: empty path")
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if truncate {
		if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
			return errs.New(errs.ErrInvalidArgument, "oper: create %q: refusing to truncate a %s", path, kindOf(fi.Mode()))
		}
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC | openNoFollow
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return fmt.Errorf("oper: create: %w", err)
	}
	return f.Close()
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	}
	return typeName(m)
}

// ContainsFile reports whether dir holds name (CUP contains_file, alias
// is_path_contain_file). name is trimmed of surrounding white space.
//
// Not recursive: true if dir/name exists, as a file or a directory; name
// may hold several elements ("sub/x"). Recursive: true if some
// non-directory entry anywhere below dir has exactly the base name name
// (a directory of that name does not count). Links to directories are
// followed only with followLinks; loops are detected and not walked
// twice. A missing dir gives false and no error; unreadable
// subdirectories are skipped.
func ContainsFile(dir, name string, recursive, followLinks bool) (bool, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return false, errs.New(errs.ErrInvalidArgument, "oper: contains_file: empty name")
	}
	if !recursive {
		_, err := os.Stat(filepath.Join(dir, name))
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, fs.ErrNotExist):
			return false, nil
		}
		return false, fmt.Errorf("oper: contains_file: %w", err)
	}
	if _, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("oper: contains_file: %w", err)
	}
	w := walker{name: name, follow: followLinks, seen: map[string]bool{}}
	return w.walk(dir), nil
}

type walker struct {
	name   string
	follow bool
	seen   map[string]bool // resolved directories already walked
}

func (w *walker) walk(dir string) bool {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		if w.seen[real] {
			return false
		}
		w.seen[real] = true
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	var subdirs []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		isDir := e.IsDir()
		isLink := e.Type()&fs.ModeSymlink != 0
		if isLink {
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				isDir = true
			}
		}
		if !isDir && e.Name() == w.name {
			return true
		}
		if isDir && (!isLink || w.follow) {
			subdirs = append(subdirs, p)
		}
	}
	for _, d := range subdirs {
		if w.walk(d) {
			return true
		}
	}
	return false
}

// Diff compares two files with diff(1), run directly (no shell) with ctx
// bounding it (CUP shell_diff). same reports identical files; out is
// diff's standard output (the differences). diff's "trouble" exit status
// (2, for example for a missing file) is an error that includes its
// standard error.
func Diff(ctx context.Context, a, b string) (same bool, out string, err error) {
	var stdout, stderr strings.Builder
	cmd := exec.CommandContext(ctx, "diff", "--", a, b)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return true, stdout.String(), nil
	case ctx.Err() != nil:
		return false, stdout.String(), fmt.Errorf("oper: diff %q %q: %w", a, b, ctx.Err())
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		return false, stdout.String(), nil
	case errors.As(err, &ee):
		return false, stdout.String(), errs.New(errs.ErrShell, "oper: diff %q %q: exit status %d: %s",
			a, b, ee.ExitCode(), strings.TrimSpace(stderr.String()))
	}
	return false, "", errs.New(errs.ErrShell, "oper: diff %q %q: %w", a, b, err)
}
