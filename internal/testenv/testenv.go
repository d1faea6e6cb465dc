// Package testenv gives cup's tests the real services that "make test"
// starts (scripts/services.sh): a fleet of OpenSSH servers on loopback
// addresses and a MariaDB server.
//
// The services are described by CUP_* environment variables. When they
// are absent a test that needs them is skipped with the reason, unless
// CUP_REQUIRE_SERVICES=1 is set (as "make test" does): then the test
// fails, so a CI run can never pass by skipping silently.
package testenv

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// RequireEnv is the environment variable that turns a missing service
// from a skip into a failure.
const RequireEnv = "CUP_REQUIRE_SERVICES"

// Required reports whether missing services must fail tests.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Require stops the test because service is unavailable: it fails under
// CUP_REQUIRE_SERVICES=1 and skips otherwise, naming the service and why.
func Require(t testing.TB, service, reason string) {
	t.Helper()
	msg := service + " unavailable: " + reason + " (run the tests with 'make test', which starts it)"
	if Required() {
		t.Fatal(msg + "; " + RequireEnv + "=1, so this is a failure")
	}
	t.Skip(msg)
}

// SSH describes the sshd fleet.
type SSH struct {
	Hosts        []string // "127.0.0.N:PORT" addresses, each with its own sshd and host key
	DeadHosts    []string // addresses on which nothing listens (connection refused)
	User         string   // user that logs in with KeyFile (root)
	KeyFile      string   // private key (ed25519, no passphrase) authorised for User
	KnownHosts   string   // known_hosts file with every host's key
	PasswordUser string   // user that logs in with Password
	Password     string
}

// SSHServers returns the sshd fleet, or stops the test (see Require) when
// it is not configured or not answering.
func SSHServers(t testing.TB) SSH {
	t.Helper()
	s := SSH{
		Hosts:        split(os.Getenv("CUP_SSH_HOSTS")),
		DeadHosts:    split(os.Getenv("CUP_SSH_DEAD_HOSTS")),
		User:         os.Getenv("CUP_SSH_USER"),
		KeyFile:      os.Getenv("CUP_SSH_KEY"),
		KnownHosts:   os.Getenv("CUP_SSH_KNOWN_HOSTS"),
		PasswordUser: os.Getenv("CUP_SSH_PASSWORD_USER"),
		Password:     os.Getenv("CUP_SSH_PASSWORD"),
	}
	if len(s.Hosts) == 0 || s.KeyFile == "" || s.KnownHosts == "" {
		Require(t, "sshd", "CUP_SSH_HOSTS, CUP_SSH_KEY or CUP_SSH_KNOWN_HOSTS not set")
	}
	for _, h := range s.Hosts {
		if err := dial(h); err != nil {
			Require(t, "sshd", "cannot connect to "+h+": "+err.Error())
		}
	}
	return s
}

// MySQL describes the MariaDB server.
type MySQL struct {
	Addr     string // "127.0.0.1:PORT"
	User     string
	Password string
	Database string // a database the user may use freely
}

// MySQLServer returns the MariaDB server, or stops the test (see Require)
// when it is not configured or not answering.
func MySQLServer(t testing.TB) MySQL {
	t.Helper()
	m := MySQL{
		Addr:     os.Getenv("CUP_MYSQL_ADDR"),
		User:     os.Getenv("CUP_MYSQL_USER"),
		Password: os.Getenv("CUP_MYSQL_PASSWORD"),
		Database: os.Getenv("CUP_MYSQL_DATABASE"),
	}
	if m.Addr == "" || m.User == "" {
		Require(t, "mariadb", "CUP_MYSQL_ADDR or CUP_MYSQL_USER not set")
	}
	if err := dial(m.Addr); err != nil {
		Require(t, "mariadb", "cannot connect to "+m.Addr+": "+err.Error())
	}
	return m
}

func dial(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
