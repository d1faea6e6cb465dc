package remote_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/testenv"
	"github.com/cupgo/cup/shell/remote"
)

// progressLog records CopyProgress events.
type progressLog struct {
	mu     sync.Mutex
	events []remote.CopyProgress
}

func (p *progressLog) record(ev remote.CopyProgress) {
	p.mu.Lock()
	p.events = append(p.events, ev)
	p.mu.Unlock()
}

// check verifies the events of one copy of want bytes (total: the
// announced Total): cumulative counts never go back, each file ends at
// its size, and the last event has copied everything.
func (p *progressLog) check(t *testing.T, host string, want, total int64) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.events) == 0 {
		t.Fatal("no progress reported")
	}
	var prev int64
	last := map[string]remote.CopyProgress{}
	for _, ev := range p.events {
		if ev.Host != host || ev.Total != total || ev.Bytes <= prev || ev.FileBytes > ev.FileSize {
			t.Fatalf("bad event %+v after %d bytes (host %s, total %d)", ev, prev, host, total)
		}
		prev = ev.Bytes
		last[ev.Path] = ev
	}
	for path, ev := range last {
		if ev.FileBytes != ev.FileSize {
			t.Errorf("%s: last report %d of %d bytes", path, ev.FileBytes, ev.FileSize)
		}
	}
	if prev != want {
		t.Fatalf("reported %d bytes, copied %d", prev, want)
	}
}

func treeBytes(t *testing.T, root string) int64 {
	var n int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCopyProgress(t *testing.T) {
	env := testenv.SSHServers(t)
	var up, down progressLog
	base := t.TempDir()
	src := filepath.Join(base, "src")
	writeTree(t, src)
	want := treeBytes(t, src)

	cfg := keyConfig(env, env.Hosts[2])
	cfg.CopyProgress = up.record
	c := dial(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dst := filepath.Join(base, "dst")
	if err := c.Upload(ctx, src, dst); err != nil {
		t.Fatal(err)
	}
	sameTree(t, src, dst)
	up.check(t, c.Addr(), want, want)

	cfg.CopyProgress = down.record
	c2 := dial(t, cfg)
	big := filepath.Join(dst, "sub dir", "big.bin")
	if err := c2.Download(ctx, big, filepath.Join(base, "big.bin")); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(big)
	down.check(t, c2.Addr(), fi.Size(), fi.Size())

	// A directory download cannot know its total in advance.
	var dirDown progressLog
	cfg.CopyProgress = dirDown.record
	c3 := dial(t, cfg)
	if err := c3.Download(ctx, dst, filepath.Join(base, "back")); err != nil {
		t.Fatal(err)
	}
	dirDown.check(t, c3.Addr(), want, -1)
}

func TestUploadTar(t *testing.T) {
	env := testenv.SSHServers(t)
	base := t.TempDir()
	src := filepath.Join(base, "my proj")
	writeTree(t, src)
	if err := os.Symlink("a.txt", filepath.Join(src, "link")); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(src, "a.txt"), old, old); err != nil {
		t.Fatal(err)
	}
	var prog progressLog
	cfg := keyConfig(env, env.Hosts[3])
	cfg.CopyProgress = prog.record
	c := dial(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// dst does not exist yet (created with its parents), and its name
	// would break an unquoted command line.
	dst := filepath.Join(base, "to 'here' $HOME", "a;b")
	if err := c.UploadTar(ctx, src, dst); err != nil {
		t.Fatal(err)
	}
	got := filepath.Join(dst, "my proj")
	sameTree(t, src, got)
	if target, err := os.Readlink(filepath.Join(got, "link")); err != nil || target != "a.txt" {
		t.Fatalf("symlink: %q, %v", target, err)
	}
	if fi, err := os.Stat(filepath.Join(got, "a.txt")); err != nil || !fi.ModTime().Equal(old) {
		t.Fatalf("mtime not kept: %v, %v", fi.ModTime(), err)
	}
	prog.check(t, c.Addr(), treeBytes(t, src), treeBytes(t, src))

	// again, over the existing copy
	if err := c.UploadTar(ctx, src, dst); err != nil {
		t.Fatal(err)
	}
	sameTree(t, src, got)

	// srcDir given as a symlink to a directory: its content is copied,
	// under the link's name
	alias := filepath.Join(base, "alias")
	if err := os.Symlink(src, alias); err != nil {
		t.Fatal(err)
	}
	if err := c.UploadTar(ctx, alias, dst); err != nil {
		t.Fatal(err)
	}
	sameTree(t, src, filepath.Join(dst, "alias"))
}

func TestUploadTarErrors(t *testing.T) {
	env := testenv.SSHServers(t)
	c := dial(t, keyConfig(env, env.Hosts[3]))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := t.TempDir()

	if err := c.UploadTar(ctx, filepath.Join(base, "missing"), base); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing source = %v", err)
	}
	// A FIFO is refused before anything happens remotely.
	src := filepath.Join(base, "src")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(src, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(base, "never")
	if err := c.UploadTar(ctx, src, dst); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("FIFO = %v", err)
	}
	if _, err := os.Stat(dst); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("a refused UploadTar created its destination")
	}
	if err := c.UploadTar(ctx, filepath.Join(base, "src", "fifo"), dst); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("not a directory = %v", err)
	}
	if err := c.UploadTar(ctx, src, ""); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("empty dst = %v", err)
	}
	// The remote side fails: its destination is under a regular file.
	os.Remove(filepath.Join(src, "fifo"))
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := c.UploadTar(ctx, src, filepath.Join(file, "sub"))
	var ee *remote.ExitError
	if !errors.As(err, &ee) || ee.Status == 0 || ee.Stderr == "" {
		t.Fatalf("remote failure = %v", err)
	}
}

func TestUploadTarTimeout(t *testing.T) {
	env := testenv.SSHServers(t)
	c := dial(t, keyConfig(env, env.Hosts[4]))
	base := t.TempDir()
	src := filepath.Join(base, "src")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(src, "huge"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(8 << 30); err != nil { // sparse locally; streamed as zeros
		t.Fatal(err)
	}
	f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = c.UploadTar(ctx, src, filepath.Join(base, "dst"))
	if !errors.Is(err, errs.ErrTimeout) {
		t.Fatalf("UploadTar = %v, want a timeout", err)
	}
	if el := time.Since(start); el > 15*time.Second {
		t.Fatalf("timeout took %v", el)
	}
	// The remote tar is gone, so its partial file stops growing.
	dst := filepath.Join(base, "dst", "src", "huge")
	var last int64 = -1
	deadline := time.Now().Add(20 * time.Second)
	for {
		fi, err := os.Stat(dst)
		size := int64(0)
		if err == nil {
			size = fi.Size()
		}
		if size == last {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("remote tar still writing after the timeout (%d bytes)", size)
		}
		last = size
		time.Sleep(500 * time.Millisecond)
	}
	// the connection is still usable
	if r := run(t, c, "echo alive"); r.Stdout != "alive\n" {
		t.Fatalf("after timeout: %q", r.Stdout)
	}
}

func TestFanOutUploadTarAndTimeout(t *testing.T) {
	env := testenv.SSHServers(t)
	base := t.TempDir()
	src := filepath.Join(base, "pkg")
	writeTree(t, src)
	hosts := []string{env.Hosts[0], env.DeadHosts[0], env.Hosts[1]}
	var cfgs []remote.Config
	for _, h := range hosts {
		cfg := keyConfig(env, h)
		cfg.ConnectTimeout = 5 * time.Second
		cfgs = append(cfgs, cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dst := filepath.Join(base, "dst")
	res := remote.FanOut{Parallelism: 2}.UploadTar(ctx, cfgs, src, dst)
	if res[0].Err != nil || res[2].Err != nil || !errors.Is(res[1].Err, errs.ErrNet) || res[1].Result.ExitStatus != -1 {
		t.Fatalf("results: %v / %v / %v", res[0].Err, res[1].Err, res[2].Err)
	}
	sameTree(t, src, filepath.Join(dst, "pkg"))

	// Timeout is per host, counted from its turn: with one slot, the
	// second host still gets its full second.
	live := cfgs[:1:1]
	live = append(live, cfgs[2])
	start := time.Now()
	res = remote.FanOut{Parallelism: 1, Timeout: time.Second}.Run(ctx, live, "sleep 30")
	for _, r := range res {
		if !errors.Is(r.Err, errs.ErrTimeout) || r.Result.ExitStatus != 1 || r.Duration < time.Second {
			t.Fatalf("%s: %+v, %v, %v", r.Host, r.Result, r.Err, r.Duration)
		}
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Fatalf("took %v", el)
	}
}
