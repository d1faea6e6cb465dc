package remote

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pkg/sftp"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/shell"
)

// sftpClient opens an SFTP session whose reads and writes run
// concurrently (several requests in flight), which is what makes large
// copies fast over a high-latency link. ctx ending closes it, failing any
// transfer in progress.
func (c *Client) sftpClient(ctx context.Context) (*sftp.Client, func(), error) {
	sc, err := sftp.NewClient(c.ssh, sftp.UseConcurrentWrites(true), sftp.UseConcurrentReads(true))
	if err != nil {
		return nil, nil, fmt.Errorf("remote: %s: start sftp: %w: %w", c.addr, errs.ErrNet, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = sc.Close() })
	return sc, func() { stop(); _ = sc.Close() }, nil
}

func tmpName(base string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "." + base + ".cup-tmp-" + hex.EncodeToString(b[:])
}

// Upload copies the local file or directory src to dst on the host, with
// the semantics of scp -r: if dst is an existing directory, src lands
// inside it under its base name; otherwise dst is created (its parent must
// exist). Directories are copied recursively, permission bits preserved,
// symlinks followed. Each file is written under a temporary name and
// renamed when complete, so no truncated file ever has the final name.
// A missing src is an error matching fs.ErrNotExist, before anything is
// written. When several files fail, the error lists each.
func (c *Client) Upload(ctx context.Context, src, dst string) error {
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("remote: upload: %w", err)
	}
	sc, done, err := c.sftpClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	target := dst
	if st, err := sc.Stat(dst); err == nil && st.IsDir() {
		target = path.Join(dst, filepath.Base(filepath.Clean(src)))
	}
	u := &uploader{ctx: ctx, c: c, sc: sc, seen: map[fileID]bool{}}
	if c.cfg.CopyProgress != nil {
		u.meter = newMeter(c.addr, c.cfg.CopyProgress, localSize(src))
	}
	if info.IsDir() {
		u.dir(src, target, info)
	} else {
		u.file(src, target, info)
	}
	if ctx.Err() != nil {
		return c.copyCtxError(ctx, "upload", src)
	}
	return errors.Join(u.errs...)
}

type fileID struct{ dev, ino uint64 }

func idOf(info fs.FileInfo) (fileID, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{uint64(st.Dev), st.Ino}, true
}

type uploader struct {
	ctx   context.Context
	c     *Client
	sc    *sftp.Client
	seen  map[fileID]bool // directories on the current path, to stop symlink loops
	meter *meter          // nil without Config.CopyProgress
	errs  []error
}

func (u *uploader) fail(p string, err error) {
	u.errs = append(u.errs, fmt.Errorf("remote: upload %s to %s: %w", p, u.c.addr, err))
}

func (u *uploader) dir(local, remote string, info fs.FileInfo) {
	if id, ok := idOf(info); ok {
		if u.seen[id] {
			u.fail(local, fmt.Errorf("symlink loop: %w", errs.ErrInvalidArgument))
			return
		}
		u.seen[id] = true
		defer delete(u.seen, id)
	}
	if err := u.sc.Mkdir(remote); err != nil {
		if st, serr := u.sc.Stat(remote); serr != nil || !st.IsDir() {
			u.fail(local, err)
			return
		}
	}
	entries, err := os.ReadDir(local)
	if err != nil {
		u.fail(local, err)
		return
	}
	for _, e := range entries {
		if u.ctx.Err() != nil {
			return
		}
		lp := filepath.Join(local, e.Name())
		ei, err := os.Stat(lp) // follows symlinks
		if err != nil {
			u.fail(lp, err)
			continue
		}
		rp := path.Join(remote, e.Name())
		switch {
		case ei.IsDir():
			u.dir(lp, rp, ei)
		case ei.Mode().IsRegular():
			u.file(lp, rp, ei)
		default:
			u.fail(lp, fmt.Errorf("not a regular file or directory (%v): %w", ei.Mode().Type(), errs.ErrInvalidArgument))
		}
	}
	if err := u.sc.Chmod(remote, info.Mode().Perm()); err != nil {
		u.fail(local, err)
	}
}

func (u *uploader) file(local, remote string, info fs.FileInfo) {
	if !info.Mode().IsRegular() {
		u.fail(local, fmt.Errorf("not a regular file (%v): %w", info.Mode().Type(), errs.ErrInvalidArgument))
		return
	}
	in, err := os.Open(local)
	if err != nil {
		u.fail(local, err)
		return
	}
	defer in.Close()
	tmp := path.Join(path.Dir(remote), tmpName(path.Base(remote)))
	out, err := u.sc.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		u.fail(local, err)
		return
	}
	_, err = out.ReadFrom(u.meter.reader(in, local, info.Size()))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = u.sc.Chmod(tmp, info.Mode().Perm())
	}
	if err == nil {
		err = u.sc.PosixRename(tmp, remote)
	}
	if err != nil {
		_ = u.sc.Remove(tmp)
		u.fail(local, err)
	}
}

// Download copies the file or directory src on the host to the local dst,
// with the same semantics as Upload in the other direction. An interrupted
// download leaves no file under its final name.
func (c *Client) Download(ctx context.Context, src, dst string) error {
	sc, done, err := c.sftpClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	info, err := sc.Stat(src)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isSFTPNotExist(err) {
			return fmt.Errorf("remote: download %s from %s: %w", src, c.addr, fs.ErrNotExist)
		}
		return fmt.Errorf("remote: download %s from %s: %w", src, c.addr, err)
	}
	target := dst
	if st, err := os.Stat(dst); err == nil && st.IsDir() {
		target = filepath.Join(dst, path.Base(path.Clean(src)))
	}
	d := &downloader{ctx: ctx, c: c, sc: sc}
	if c.cfg.CopyProgress != nil {
		total := int64(-1)
		if !info.IsDir() {
			total = info.Size()
		}
		d.meter = newMeter(c.addr, c.cfg.CopyProgress, total)
	}
	if info.IsDir() {
		d.dir(src, target, info, 0)
	} else {
		d.file(src, target, info)
	}
	if ctx.Err() != nil {
		return c.copyCtxError(ctx, "download", src)
	}
	return errors.Join(d.errs...)
}

func isSFTPNotExist(err error) bool {
	var se *sftp.StatusError
	return errors.As(err, &se) && se.FxCode() == sftp.ErrSSHFxNoSuchFile
}

type downloader struct {
	ctx   context.Context
	c     *Client
	sc    *sftp.Client
	meter *meter // nil without Config.CopyProgress
	errs  []error
}

// maxDepth bounds recursion through remote symlinks that form a loop
// (SFTP gives no inode numbers to detect one).
const maxDepth = 64

func (d *downloader) fail(p string, err error) {
	d.errs = append(d.errs, fmt.Errorf("remote: download %s from %s: %w", p, d.c.addr, err))
}

func (d *downloader) dir(remote, local string, info fs.FileInfo, depth int) {
	if depth > maxDepth {
		d.fail(remote, fmt.Errorf("deeper than %d levels (symlink loop?): %w", maxDepth, errs.ErrInvalidArgument))
		return
	}
	if err := os.Mkdir(local, 0o700); err != nil {
		if st, serr := os.Stat(local); serr != nil || !st.IsDir() {
			d.fail(remote, err)
			return
		}
	}
	entries, err := d.sc.ReadDir(remote)
	if err != nil {
		d.fail(remote, err)
		return
	}
	for _, e := range entries {
		if d.ctx.Err() != nil {
			return
		}
		rp := path.Join(remote, e.Name())
		ei := e
		if e.Mode()&fs.ModeSymlink != 0 {
			if ei, err = d.sc.Stat(rp); err != nil {
				d.fail(rp, err)
				continue
			}
		}
		lp := filepath.Join(local, e.Name())
		switch {
		case ei.IsDir():
			d.dir(rp, lp, ei, depth+1)
		case ei.Mode().IsRegular():
			d.file(rp, lp, ei)
		default:
			d.fail(rp, fmt.Errorf("not a regular file or directory (%v): %w", ei.Mode().Type(), errs.ErrInvalidArgument))
		}
	}
	if err := os.Chmod(local, info.Mode().Perm()); err != nil {
		d.fail(remote, err)
	}
}

func (d *downloader) file(remote, local string, info fs.FileInfo) {
	in, err := d.sc.Open(remote)
	if err != nil {
		d.fail(remote, err)
		return
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(local), tmpName(filepath.Base(local)))
	if err != nil {
		d.fail(remote, err)
		return
	}
	tmp := out.Name()
	_, err = in.WriteTo(d.meter.writer(out, remote, info.Size()))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, info.Mode().Perm())
	}
	if err == nil {
		err = os.Rename(tmp, local)
	}
	if err != nil {
		_ = os.Remove(tmp)
		d.fail(remote, err)
	}
}

func (c *Client) copyCtxError(ctx context.Context, op, src string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("remote: %s %s (%s): did not finish in time: %w", op, src, c.addr, errs.ErrTimeout)
	}
	return fmt.Errorf("remote: %s %s (%s): %w", op, src, c.addr, ctx.Err())
}

// RunScript uploads script to a uniquely named mode-0700 file in
// remoteTmp ("" means /tmp), runs it with sh and removes it again in
// every case, with a cleanup budget of 10 seconds independent of ctx. It
// is CUP's go_with_scp: the way to run commands whose quoting would be
// awkward on a command line. The command's result is returned; a failed
// cleanup is reported in Result.CleanupErr only.
func (c *Client) RunScript(ctx context.Context, script, remoteTmp string) (*Result, error) {
	start := time.Now()
	if remoteTmp == "" {
		remoteTmp = "/tmp"
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := path.Join(remoteTmp, "cup-script-"+hex.EncodeToString(b[:])+".sh")
	if err := c.writeRemote(ctx, name, script, 0o700); err != nil {
		r := failed(err, start)
		return r, err
	}
	res, err := c.Run(ctx, "sh "+shell.Quote(name))
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if cerr := c.removeRemote(cctx, name); cerr != nil {
		res.CleanupErr = cerr
	}
	res.Duration = time.Since(start)
	return res, err
}

func (c *Client) writeRemote(ctx context.Context, name, content string, mode fs.FileMode) error {
	sc, done, err := c.sftpClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	f, err := sc.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return fmt.Errorf("remote: %s: create %s: %w", c.addr, name, err)
	}
	_, err = io.Copy(f, strings.NewReader(content))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = sc.Chmod(name, mode)
	}
	if err != nil {
		_ = sc.Remove(name)
		return fmt.Errorf("remote: %s: write %s: %w", c.addr, name, err)
	}
	return nil
}

func (c *Client) removeRemote(ctx context.Context, name string) error {
	sc, done, err := c.sftpClient(ctx)
	if err != nil {
		return err
	}
	defer done()
	if err := sc.Remove(name); err != nil {
		return fmt.Errorf("remote: %s: remove %s: %w", c.addr, name, err)
	}
	return nil
}

// Lscp dials cfg's host, uploads src to dst and closes the connection:
// CUP's lscp. Failures give ExitStatus -1 with the error in Output and
// Err(); a timeout gives ExitStatus 1. Without a ctx deadline,
// DefaultUploadTimeout applies.
func Lscp(ctx context.Context, cfg Config, src, dst string) *Result {
	return transfer(ctx, cfg, DefaultUploadTimeout, func(ctx context.Context, c *Client) error {
		return c.Upload(ctx, src, dst)
	})
}

// Dscp dials cfg's host, downloads src to dst and closes the connection:
// CUP's dscp. Without a ctx deadline, DefaultDownloadTimeout applies.
func Dscp(ctx context.Context, cfg Config, src, dst string) *Result {
	return transfer(ctx, cfg, DefaultDownloadTimeout, func(ctx context.Context, c *Client) error {
		return c.Download(ctx, src, dst)
	})
}

func transfer(ctx context.Context, cfg Config, def time.Duration, op func(context.Context, *Client) error) *Result {
	start := time.Now()
	ctx, cancel := withDefaultTimeout(ctx, def)
	defer cancel()
	c, err := Dial(ctx, cfg)
	if err != nil {
		return failed(err, start)
	}
	defer c.Close()
	if err := op(ctx, c); err != nil {
		r := failed(err, start)
		if errors.Is(err, errs.ErrTimeout) || errors.Is(err, context.Canceled) {
			r.ExitStatus = 1
		}
		return r
	}
	return &Result{Duration: time.Since(start)}
}

// GoWithScp dials cfg's host, runs cmd through RunScript and closes the
// connection: CUP's go_with_scp, without losing the command's result or
// leaking files. Without a ctx deadline, DefaultRunTimeout applies.
func GoWithScp(ctx context.Context, cfg Config, cmd, remoteTmp string) *Result {
	start := time.Now()
	ctx, cancel := withDefaultTimeout(ctx, DefaultRunTimeout)
	defer cancel()
	c, err := Dial(ctx, cfg)
	if err != nil {
		return failed(err, start)
	}
	defer c.Close()
	res, _ := c.RunScript(ctx, cmd, remoteTmp)
	res.Duration = time.Since(start)
	return res
}
