package oper

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/cupgo/cup/errs"
)

// protectedPaths are the system directories the delete helpers refuse in
// safe mode: the root and the top-level directories of the Filesystem
// Hierarchy Standard. CUP's safe mode refused only "/" (compared
// literally, so "//" or "/." got through).
var protectedPaths = []string{
	"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64",
	"/libx32", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin",
	"/srv", "/sys", "/tmp", "/usr", "/var",
}

// ProtectedPaths returns a copy of the paths that safe mode refuses to
// delete: "/" and the top-level system directories (/bin, /boot, /dev,
// /etc, /home, /lib*, /media, /mnt, /opt, /proc, /root, /run, /sbin,
// /srv, /sys, /tmp, /usr, /var). Paths below them, such as a directory
// under /tmp, are not protected.
func ProtectedPaths() []string {
	return append([]string(nil), protectedPaths...)
}

// CheckDeletable reports whether deleting path would delete "/" or one of
// the protected paths, or a directory containing one. It returns nil when
// the deletion may go ahead and otherwise an error wrapping
// [errs.ErrProtectedPath] that names path, what it resolves to and the
// protected path it hits. Nothing on disk is changed.
//
// "/" is always protected, whatever protected holds. Both path and every
// protected entry are made absolute, cleaned and resolved through
// symbolic links before they are compared, so "//", "/.", "/usr/",
// "/tmp/.." and a symlink (or a path through a symlinked directory) that
// leads to a protected directory are all caught. A path that does not
// exist (yet) is resolved as far as it exists. A path is refused when it
// equals a protected path, is an ancestor of one (deleting /data when
// /data/keep is protected), or is the same directory by device and inode
// (a bind mount of a protected directory).
//
// The helpers of this package call CheckDeletable with [ProtectedPaths]
// in safe mode; other packages (util/exfile's SafeRmTree) call it with
// their own lists. An empty path, or an empty entry in protected, is an
// error wrapping [errs.ErrInvalidArgument].
func CheckDeletable(path string, protected []string) error {
	if path == "" {
		return errs.New(errs.ErrInvalidArgument, "oper: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return errs.New(errs.ErrInvalidArgument, "oper: path %q: %w", path, err)
	}
	real := resolve(abs)
	cands := uniq(abs, real)
	candInfo, _ := os.Stat(real)

	check := func(q string) error {
		qAbs, err := filepath.Abs(q)
		if err != nil {
			return errs.New(errs.ErrInvalidArgument, "oper: protected path %q: %w", q, err)
		}
		for _, qq := range uniq(qAbs, resolve(qAbs)) {
			for _, c := range cands {
				if c == qq || isAncestor(c, qq) {
					return refuse(path, real, q)
				}
			}
			if candInfo != nil {
				if qi, err := os.Stat(qq); err == nil && os.SameFile(candInfo, qi) {
					return refuse(path, real, q)
				}
			}
		}
		return nil
	}
	if err := check("/"); err != nil {
		return err
	}
	for _, q := range protected {
		if q == "" {
			return errs.New(errs.ErrInvalidArgument, "oper: empty entry in the protected paths")
		}
		if err := check(q); err != nil {
			return err
		}
	}
	return nil
}

func refuse(path, real, q string) error {
	if real == filepath.Clean(path) {
		return errs.New(errs.ErrProtectedPath, "oper: refusing to delete %q: it is or contains the protected path %q", path, q)
	}
	return errs.New(errs.ErrProtectedPath, "oper: refusing to delete %q (resolves to %q): it is or contains the protected path %q", path, real, q)
}

// resolve returns p (absolute and clean) with every symbolic link
// resolved. The part of p that does not exist is kept lexically; a
// dangling or looping final link stays as the link's own path.
func resolve(p string) string {
	if p == "/" || p == "" {
		return "/"
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		if ra, err := filepath.Abs(r); err == nil {
			return ra
		}
	}
	parent := filepath.Dir(p)
	if parent == p {
		return p
	}
	return filepath.Join(resolve(parent), filepath.Base(p))
}

// isAncestor reports whether dir strictly contains p; both are absolute
// and clean.
func isAncestor(dir, p string) bool {
	if dir == p {
		return false
	}
	if dir == "/" {
		return true
	}
	return strings.HasPrefix(p, dir+string(filepath.Separator))
}

// within reports whether p is dir or inside it, on a path boundary
// (/opt/a is not within /opt/ab).
func within(p, dir string) bool {
	return p == dir || isAncestor(dir, p)
}

func uniq(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// normPath makes p absolute and clean and resolves symbolic links as far
// as it exists. Used for the process-path arguments.
func normPath(p string) (string, error) {
	if p == "" {
		return "", errs.New(errs.ErrInvalidArgument, "oper: empty path")
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", errs.New(errs.ErrInvalidArgument, "oper: path %q: %w", p, err)
	}
	return resolve(abs), nil
}
