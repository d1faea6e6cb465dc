package remote

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/shell"
)

// tarChunk is the size of the writes into the session's stdin.
const tarChunk = 256 << 10

// tarEntry is one file system object to put in the archive.
type tarEntry struct {
	local string // path on this machine
	name  string // name in the archive: base of srcDir, then the relative path
	info  fs.FileInfo
	link  string // symlink target
}

// UploadTar copies the local directory srcDir into dstDir on the host the
// way CUP's scp_hosts_dir_by_tarfile does, without its temporary files: a
// tar archive of srcDir is streamed over the session's standard input into
// "tar -x" on the host, so srcDir arrives as dstDir/<base of srcDir>.
// dstDir is created (with its parents) if missing. Permission bits and
// modification times are kept; files belong to the remote user (tar
// --no-same-owner); symlinks are copied as symlinks, as tar does (Upload
// follows them). The remote host needs a tar that understands
// --no-same-owner (GNU tar, bsdtar, BusyBox).
//
// Many small files go much faster this way than with Upload (one stream
// instead of several SFTP round trips per file), but unlike Upload the
// copy is not atomic per file: a failure half way leaves what was
// extracted so far. srcDir is listed before anything is sent: a missing
// srcDir matches fs.ErrNotExist, and sockets, devices and FIFOs in it are
// an errs.ErrInvalidArgument, with nothing done remotely. A failing
// remote tar gives an error wrapping *ExitError with its stderr; when ctx
// ends first, the remote tar is killed and the error matches
// errs.ErrTimeout (deadline) or context.Canceled.
func (c *Client) UploadTar(ctx context.Context, srcDir, dstDir string) error {
	if dstDir == "" {
		return fmt.Errorf("remote: upload-tar %s to %s: empty destination: %w", srcDir, c.addr, errs.ErrInvalidArgument)
	}
	entries, total, err := listTree(srcDir)
	if err != nil {
		return fmt.Errorf("remote: upload-tar %s to %s: %w", srcDir, c.addr, err)
	}
	if err := ctx.Err(); err != nil {
		return c.copyCtxError(ctx, "upload-tar", srcDir)
	}
	sess, err := c.ssh.NewSession()
	if err != nil {
		return fmt.Errorf("remote: %s: open session: %w: %w", c.addr, errs.ErrNet, err)
	}
	defer sess.Close()
	stdin, err := sess.StdinPipe()
	if err != nil {
		return fmt.Errorf("remote: %s: stdin: %w: %w", c.addr, errs.ErrNet, err)
	}
	var stderr tailBuffer
	sess.Stderr = &stderr
	q := shell.Quote(dstDir)
	cmd := "mkdir -p -- " + q + " && exec tar -x -p --no-same-owner -f - -C " + q
	id := newRunID()
	if err := sess.Start(wrap(cmd, id)); err != nil {
		return fmt.Errorf("remote: %s: start tar: %w: %w", c.addr, errs.ErrNet, err)
	}

	// ctx ending kills the remote tar and closes the session, which
	// unblocks a write waiting for window space.
	var killOnce sync.Once
	kill := func() { killOnce.Do(func() { c.killRun(sess, id); _ = sess.Close() }) }
	stop := context.AfterFunc(ctx, kill)

	m := newMeter(c.addr, c.cfg.CopyProgress, total)
	werr := writeTar(ctx, stdin, entries, m)
	cerr := stdin.Close()
	if werr == nil && cerr != nil && !errors.Is(cerr, io.EOF) {
		werr = cerr
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	var rerr error
	select {
	case rerr = <-done:
	case <-ctx.Done():
		kill()
		select {
		case rerr = <-done:
		case <-time.After(2 * time.Second):
		}
	}
	if !stop() {
		kill() // the AfterFunc started it: wait until it is over
	}
	if ctx.Err() != nil {
		return c.copyCtxError(ctx, "upload-tar", srcDir)
	}
	var exitErr *ssh.ExitError
	switch {
	case errors.As(rerr, &exitErr):
		ee := &ExitError{Status: exitErr.ExitStatus(), Signal: exitErr.Signal(), Stderr: stderr.String()}
		err := fmt.Errorf("remote: upload-tar %s to %s:%s: remote tar failed: %s: %w", srcDir, c.addr, dstDir, firstLine(ee.Stderr), ee)
		if werr != nil { // a local failure cut the archive short, or the write saw tar go
			err = errors.Join(fmt.Errorf("remote: upload-tar %s to %s: %w", srcDir, c.addr, werr), err)
		}
		return err
	case rerr != nil:
		return fmt.Errorf("remote: upload-tar %s to %s: %w: %w", srcDir, c.addr, errs.ErrNet, rerr)
	case werr != nil:
		return fmt.Errorf("remote: upload-tar %s to %s: %w", srcDir, c.addr, werr)
	}
	return nil
}

// listTree lists srcDir for the archive, depth first, directories before
// their contents, and sums the bytes of its regular files.
func listTree(srcDir string) ([]tarEntry, int64, error) {
	srcDir = filepath.Clean(srcDir)
	info, err := os.Stat(srcDir)
	if err != nil {
		return nil, 0, err
	}
	if !info.IsDir() {
		return nil, 0, fmt.Errorf("%s is not a directory: %w", srcDir, errs.ErrInvalidArgument)
	}
	base := filepath.Base(srcDir)
	if base == "/" || base == "." || base == ".." {
		return nil, 0, fmt.Errorf("%s has no base name to create remotely: %w", srcDir, errs.ErrInvalidArgument)
	}
	// WalkDir does not descend into a root that is a symlink: walk its
	// target, under srcDir's own base name.
	root := srcDir
	if li, err := os.Lstat(srcDir); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		if root, err = filepath.EvalSymlinks(srcDir); err != nil {
			return nil, 0, err
		}
	}
	var entries []tarEntry
	var total int64
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var fi fs.FileInfo
		if p == root {
			fi = info
		} else if fi, err = d.Info(); err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		e := tarEntry{local: p, name: path.Join(base, filepath.ToSlash(rel)), info: fi}
		switch {
		case fi.IsDir(), fi.Mode().IsRegular():
			total += sizeIfRegular(fi)
		case fi.Mode()&fs.ModeSymlink != 0:
			if e.link, err = os.Readlink(p); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s is not a regular file, directory or symlink (%v): %w", p, fi.Mode().Type(), errs.ErrInvalidArgument)
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return entries, total, nil
}

func sizeIfRegular(fi fs.FileInfo) int64 {
	if fi.Mode().IsRegular() {
		return fi.Size()
	}
	return 0
}

// writeTar writes the archive of entries to w.
func writeTar(ctx context.Context, w io.Writer, entries []tarEntry, m *meter) error {
	tw := tar.NewWriter(w)
	buf := make([]byte, tarChunk)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(e.info, e.link)
		if err != nil {
			return fmt.Errorf("%s: %w", e.local, err)
		}
		hdr.Name = e.name
		if e.info.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uname, hdr.Gname = "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("%s: %w", e.local, err)
		}
		if !e.info.Mode().IsRegular() {
			continue
		}
		if err := copyFile(tw, e, buf, m); err != nil {
			return err
		}
	}
	return tw.Close()
}

// copyFile appends the content of e to the archive. A file that changed
// size since it was listed is an error: the header already promised the
// old size.
func copyFile(tw *tar.Writer, e tarEntry, buf []byte, m *meter) error {
	f, err := os.Open(e.local)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.CopyBuffer(tw, m.reader(io.LimitReader(f, e.info.Size()), e.local, e.info.Size()), buf)
	if err != nil {
		return fmt.Errorf("%s: %w", e.local, err)
	}
	if n != e.info.Size() {
		return fmt.Errorf("%s: shrank from %d to %d bytes while being copied: %w", e.local, e.info.Size(), n, errs.ErrInvalidArgument)
	}
	return nil
}

// tailBuffer keeps the last 8 KiB written to it (a remote tar's stderr).
type tailBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

const tailMax = 8 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.Write(p)
	if over := t.b.Len() - tailMax; over > 0 {
		t.b.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.b.String()
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
