package exfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/oper"
)

// protected is CUP's CANNOT_DEL_PATHLIST.
var protected = []string{"/", "/proc", "/boot", "/sys"}

// ProtectedPaths returns a copy of the paths SafeRmTree and SafeDelete
// always refuse (CUP CANNOT_DEL_PATHLIST): "/", "/proc", "/boot", "/sys".
func ProtectedPaths() []string { return slices.Clone(protected) }

// MkNewNode creates an empty regular file at path with mode 0644. If the
// file exists: with mustNotExist it returns an error wrapping fs.ErrExist
// and leaves the file untouched (the check and the creation are one atomic
// step); otherwise it truncates the file to zero bytes, as CUP did. That
// truncation is destructive: pass mustNotExist unless emptying is intended.
func MkNewNode(path string, mustNotExist bool) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if mustNotExist {
		flag = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return fmt.Errorf("exfile: make new node: %w", err)
	}
	return f.Close()
}

// checkDeletable refuses path when it equals, or is an ancestor of, one of
// ProtectedPaths or extra. The comparison (absolute, cleaned,
// symlink-resolved, and same-inode for bind mounts) is oper.CheckDeletable,
// shared with package oper's delete helpers. Empty entries of extra are
// ignored.
func checkDeletable(path string, extra []string) error {
	list := ProtectedPaths()
	for _, p := range extra {
		if p != "" {
			list = append(list, p)
		}
	}
	return oper.CheckDeletable(path, list)
}

// SafeRmTree removes the directory tree at path unless path is protected:
// it is refused, with an error wrapping errs.ErrProtectedPath and nothing
// deleted, when path (absolute, cleaned and symlink-resolved) equals or
// contains one of ProtectedPaths or extra (resolved the same way). A
// missing path is an error wrapping fs.ErrNotExist; a path that is not a
// directory, or is a symlink, is refused with errs.ErrInvalidArgument.
func SafeRmTree(path string, extra []string) error {
	if err := checkDeletable(path, extra); err != nil {
		return err
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("exfile: remove tree: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return errs.New(errs.ErrInvalidArgument, "exfile: remove tree %q: it is a symbolic link", path)
	}
	if !fi.IsDir() {
		return errs.New(errs.ErrInvalidArgument, "exfile: remove tree %q: not a directory", path)
	}
	if err := os.RemoveAll(path); err != nil {
		return fmt.Errorf("exfile: remove tree: %w", err)
	}
	return nil
}

// SafeDelete removes path: a directory through SafeRmTree, anything else
// (a file, a symlink, ...) with os.Remove after the same protection check
// (CUP 3.2.7 did not check files). A missing path is an error wrapping
// fs.ErrNotExist.
func SafeDelete(path string, extra []string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("exfile: delete: %w", err)
	}
	if fi.IsDir() {
		return SafeRmTree(path, extra)
	}
	if err := checkDeletable(path, extra); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("exfile: delete: %w", err)
	}
	return nil
}
