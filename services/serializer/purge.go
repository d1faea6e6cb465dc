package serializer

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cupgo/cup/errs"
)

// Purge deletes every done file all of whose records have ids below
// beforeID (CUP purge_data), judged by the start id of the next file, or by
// NextID for the last one, so the last done file can go too; the writing
// file is never deleted. It then rewrites logfile.list atomically to list
// exactly the remaining done files (the previous list is kept as
// logfile.list.old) and removes CUP's logfile.list.switch marker if
// present. It returns the removed paths. Readers positioned in a removed
// file keep reading it; a reader that has not reached it gets ErrCorrupt.
func (w *Writer) Purge(beforeID uint64) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil, ErrClosed
	}
	files, err := listFiles(w.sub)
	if err != nil {
		return nil, err
	}
	var removed, kept []string
	for i, f := range files {
		path := filepath.Join(w.sub, f.name())
		if f.writing {
			continue
		}
		end := w.next
		if i+1 < len(files) {
			end = files[i+1].start
		}
		if end <= beforeID {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return removed, errs.New(errs.ErrIO, "serializer: purge %s: %w", path, err)
			}
			removed = append(removed, path)
			continue
		}
		kept = append(kept, path)
	}
	if len(removed) > 0 {
		if err := syncDir(w.sub); err != nil {
			return removed, errs.New(errs.ErrIO, "serializer: %w", err)
		}
	}
	return removed, w.rewriteList(kept)
}

// rewriteList replaces logfile.list by one listing paths: write .new,
// fsync, keep the current list as .old, rename .new over the list, fsync
// the directory, and reopen the append handle.
func (w *Writer) rewriteList(paths []string) error {
	list := filepath.Join(w.dir, listName)
	tmp := list + ".new"
	var b strings.Builder
	for _, p := range paths {
		b.WriteString(p)
		b.WriteByte('\n')
	}
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, w.opt.filePerm())
	if err != nil {
		return errs.New(errs.ErrIO, "serializer: %w", err)
	}
	_, err = f.WriteString(b.String())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return errs.New(errs.ErrIO, "serializer: write %s: %w", tmp, err)
	}
	_ = os.Remove(list + ".old")
	if err := os.Link(list, list+".old"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return errs.New(errs.ErrIO, "serializer: keep %s.old: %w", list, err)
	}
	if err := os.Rename(tmp, list); err != nil {
		return errs.New(errs.ErrIO, "serializer: replace %s: %w", list, err)
	}
	_ = os.Remove(list + ".switch")
	if err := syncDir(w.dir); err != nil {
		return errs.New(errs.ErrIO, "serializer: %w", err)
	}
	nl, err := os.OpenFile(list, os.O_WRONLY|os.O_APPEND|os.O_CREATE, w.opt.filePerm())
	if err != nil {
		return errs.New(errs.ErrIO, "serializer: reopen %s: %w", list, err)
	}
	w.list.Close()
	w.list = nl
	return nil
}
