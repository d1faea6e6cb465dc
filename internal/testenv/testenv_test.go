package testenv_test

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/internal/testenv"
)

// TestSSHFleetReachable proves each sshd of the fleet speaks SSH and
// accepts the test key with host-key checking on, and that the dead hosts
// refuse connections. It uses the OpenSSH client so that it checks the
// harness, not our own SSH code.
func TestSSHFleetReachable(t *testing.T) {
	s := testenv.SSHServers(t)
	if len(s.Hosts) < 6 || len(s.DeadHosts) < 2 {
		t.Fatalf("want at least 6 live and 2 dead hosts, got %v and %v", s.Hosts, s.DeadHosts)
	}
	for _, h := range s.Hosts {
		c, err := net.DialTimeout("tcp", h, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		banner, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || !strings.HasPrefix(banner, "SSH-2.0-") {
			t.Fatalf("%s: banner %q, %v", h, banner, err)
		}
	}
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		testenv.Require(t, "ssh client", "ssh binary not found")
	}
	host, port, _ := net.SplitHostPort(s.Hosts[0])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, sshBin, "-i", s.KeyFile, "-p", port,
		"-o", "UserKnownHostsFile="+s.KnownHosts, "-o", "StrictHostKeyChecking=yes",
		"-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
		s.User+"@"+host, "echo", "cup-ok").CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("cup-ok")) {
		t.Fatalf("ssh %s: %v\n%s", s.Hosts[0], err, out)
	}
	for _, h := range s.DeadHosts {
		if c, err := net.DialTimeout("tcp", h, 2*time.Second); err == nil {
			c.Close()
			t.Fatalf("dead host %s accepted a connection", h)
		}
	}
	if s.PasswordUser == "" || s.Password == "" {
		t.Fatal("no password user configured")
	}
}

// TestMySQLReachable proves MariaDB accepts the test user's credentials,
// using the mariadb client so that it checks the harness itself.
func TestMySQLReachable(t *testing.T) {
	m := testenv.MySQLServer(t)
	client, err := exec.LookPath("mariadb")
	if err != nil {
		testenv.Require(t, "mariadb client", "mariadb binary not found")
	}
	host, port, _ := net.SplitHostPort(m.Addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, client, "--no-defaults", "-h", host, "-P", port,
		"-u", m.User, "-p"+m.Password, "-D", m.Database, "-N", "-e", "SELECT 40+2").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "42" {
		t.Fatalf("mariadb query: %v\n%s", err, out)
	}
}
