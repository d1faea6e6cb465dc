package bench

import (
	"context"
	"crypto/rand"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkg/sftp"

	"github.com/cupgo/cup/shell/remote"
)

// sshFleet reads the sshd fleet that `make test` / scripts/services.sh
// starts (CUP_SSH_* variables) and skips the benchmark without it.
type sshFleet struct {
	hosts            []string
	user, key, known string
	pwUser, password string
}

func fleet(b *testing.B) sshFleet {
	b.Helper()
	f := sshFleet{user: os.Getenv("CUP_SSH_USER"), key: os.Getenv("CUP_SSH_KEY"), known: os.Getenv("CUP_SSH_KNOWN_HOSTS"),
		pwUser: os.Getenv("CUP_SSH_PASSWORD_USER"), password: os.Getenv("CUP_SSH_PASSWORD")}
	for _, h := range strings.Split(os.Getenv("CUP_SSH_HOSTS"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			f.hosts = append(f.hosts, h)
		}
	}
	if len(f.hosts) == 0 || f.key == "" || f.known == "" {
		b.Skip("no sshd fleet: CUP_SSH_HOSTS, CUP_SSH_KEY, CUP_SSH_KNOWN_HOSTS unset (eval \"$(bash scripts/services.sh start)\")")
	}
	return f
}

func (f sshFleet) config(host string) remote.Config {
	return remote.Config{Host: host, User: f.user, KeyFiles: []string{f.key}, KnownHostsFiles: []string{f.known}}
}

// BenchmarkRemoteFanOut8 measures the wall time of running "true" on 8
// hosts at once (the fleet's 6 sshd, two of them twice), each with its
// own connect, login and session, against doing the same on one host.
// The ratio onehost/cup is the fan-out overhead: 1/ratio is how many
// times longer 8 hosts take than 1 (goal ≤ 1.5).
//
// It logs in as the fleet's password user (shell /bin/sh) when there is
// one: root's bash on the project machine sources a ~/.bashrc that runs
// "pyenv init" for every command (about 0.2 s of CPU), which would turn
// this into a measure of pyenv on 2 shared cores.
func BenchmarkRemoteFanOut8(b *testing.B) {
	f := fleet(b)
	var eight []remote.Config
	for i := range 8 {
		cfg := f.config(f.hosts[i%len(f.hosts)])
		if f.pwUser != "" && f.password != "" {
			cfg.User, cfg.Password, cfg.KeyFiles = f.pwUser, f.password, nil
		}
		eight = append(eight, cfg)
	}
	ctx := context.Background()
	fan := func(b *testing.B, cfgs []remote.Config) {
		b.ReportAllocs()
		for b.Loop() {
			for _, r := range (remote.FanOut{Parallelism: 8}).Run(ctx, cfgs, "true") {
				if r.Err != nil {
					b.Fatal(r.Host, r.Err)
				}
			}
		}
	}
	b.Run("cup", func(b *testing.B) { fan(b, eight) })
	b.Run("onehost", func(b *testing.B) { fan(b, eight[:1]) })
}

// copyFixture writes a 256 MiB file of random bytes (ssh does not
// compress by default, but random data rules it out) and returns it with
// the destination path, on this machine, which is also the remote host.
func copyFixture(b *testing.B) (src, dst string) {
	b.Helper()
	dir := b.TempDir()
	src = filepath.Join(dir, "src.bin")
	f, err := os.Create(src)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, 256<<20); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return src, filepath.Join(dir, "dst.bin")
}

// BenchmarkRemoteCopy256M uploads a 256 MiB file to one host of the fleet
// over loopback, connection set-up included: cup's Lscp (SFTP with
// concurrent writes) against the OpenSSH scp client (which speaks SFTP
// too since OpenSSH 9.0). MB/s via SetBytes; goal: cup ≥ 0.8× scp.
func BenchmarkRemoteCopy256M(b *testing.B) {
	f := fleet(b)
	src, dst := copyFixture(b)
	cfg := f.config(f.hosts[0])
	host, port, err := net.SplitHostPort(f.hosts[0])
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(256 << 20)
		for b.Loop() {
			if r := remote.Lscp(ctx, cfg, src, dst); r.Err() != nil {
				b.Fatal(r.Err())
			}
		}
	})
	b.Run("scp", func(b *testing.B) {
		if _, err := exec.LookPath("scp"); err != nil {
			b.Skip("no scp binary")
		}
		b.ReportAllocs()
		b.SetBytes(256 << 20)
		for b.Loop() {
			cmd := exec.Command("scp", "-q", "-B", "-P", port, "-i", f.key,
				"-o", "UserKnownHostsFile="+f.known, "-o", "StrictHostKeyChecking=yes",
				"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
				src, f.user+"@"+host+":"+dst)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("scp: %v: %s", err, out)
			}
		}
	})
}

// BenchmarkRemoteCopy256MPlain uploads the same file with cup's Upload
// and with pkg/sftp used plainly: a default client (no concurrent
// writes) and io.Copy, one 32 KiB write request in flight at a time. Both
// on a connection dialled by remote.Dial for each run, so the difference
// is the copy alone.
func BenchmarkRemoteCopy256MPlain(b *testing.B) {
	f := fleet(b)
	src, dst := copyFixture(b)
	cfg := f.config(f.hosts[1%len(f.hosts)])
	ctx := context.Background()
	dial := func(b *testing.B) *remote.Client {
		c, err := remote.Dial(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(256 << 20)
		for b.Loop() {
			c := dial(b)
			if err := c.Upload(ctx, src, dst); err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	})
	b.Run("sftpplain", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(256 << 20)
		for b.Loop() {
			c := dial(b)
			if err := plainUpload(c, src, dst); err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	})
}

func plainUpload(c *remote.Client, src, dst string) error {
	sc, err := sftp.NewClient(c.SSH())
	if err != nil {
		return err
	}
	defer sc.Close()
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := sc.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BenchmarkRemoteCopy256MProgress checks that observing a copy costs
// nothing measurable: cup's Upload with a Config.CopyProgress callback
// (the reader is wrapped, but still tells sftp its size, so writes stay
// concurrent) against the same Upload without one. Goal: ratio ≈ 1.
func BenchmarkRemoteCopy256MProgress(b *testing.B) {
	f := fleet(b)
	src, dst := copyFixture(b)
	ctx := context.Background()
	upload := func(b *testing.B, cfg remote.Config) {
		b.ReportAllocs()
		b.SetBytes(256 << 20)
		for b.Loop() {
			c, err := remote.Dial(ctx, cfg)
			if err != nil {
				b.Fatal(err)
			}
			if err := c.Upload(ctx, src, dst); err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	}
	b.Run("cup", func(b *testing.B) {
		var seen int64
		cfg := f.config(f.hosts[2%len(f.hosts)])
		cfg.CopyProgress = func(ev remote.CopyProgress) { seen = ev.Bytes }
		upload(b, cfg)
		if seen != 256<<20 {
			b.Fatalf("progress saw %d bytes", seen)
		}
	})
	b.Run("noprogress", func(b *testing.B) { upload(b, f.config(f.hosts[2%len(f.hosts)])) })
}
