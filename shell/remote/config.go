package remote

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cupgo/cup/errs"
)

// Defaults, applied when a field is zero.
const (
	DefaultPort           = 22
	DefaultConnectTimeout = 10 * time.Second
	DefaultKeepAlive      = 15 * time.Second

	// CUP's timeouts, applied by the CUP-shaped wrappers (GoEx, Lscp, Dscp,
	// GoWithScp) only when ctx has no deadline.
	DefaultRunTimeout      = 800 * time.Second
	DefaultUploadTimeout   = 800 * time.Second
	DefaultDownloadTimeout = 9000 * time.Second
)

// Config says how to reach and log into one host. The zero value of each
// field means the documented default; a Config must not be modified while
// a Dial that uses it is in progress.
type Config struct {
	// Host is a name or address, optionally with a port ("h", "h:2222",
	// "[::1]:2222").
	Host string
	// Port is used when Host has none; 0 means 22.
	Port int
	// User to log in as; "" means the USER of the calling process.
	User string
	// Password, if set, is offered for "password" and
	// "keyboard-interactive" authentication. It is never logged or echoed.
	Password string
	// KeyFiles are private keys (unencrypted) offered for public-key
	// authentication, in order.
	KeyFiles []string
	// UseAgent offers the keys of the ssh-agent at $SSH_AUTH_SOCK.
	UseAgent bool

	// KnownHostsFiles are checked for the host's key; nil means
	// ~/.ssh/known_hosts.
	KnownHostsFiles []string
	// AcceptNewHostKeys trusts a host seen for the first time and appends
	// its key to the first KnownHostsFiles entry (trust on first use; CUP
	// answered "yes" to every host). A changed key is still refused.
	AcceptNewHostKeys bool
	// InsecureIgnoreHostKey skips host-key verification entirely. Anyone
	// on the path can then impersonate the host: use it only for throwaway
	// machines.
	InsecureIgnoreHostKey bool

	// ConnectTimeout bounds the TCP connect plus the SSH handshake and
	// authentication; 0 means 10s.
	ConnectTimeout time.Duration
	// KeepAlive is the interval of keepalive requests on an open
	// connection; a peer that answers none for three intervals is
	// considered dead and the connection closed. 0 means 15s, negative
	// disables keepalives.
	KeepAlive time.Duration

	// Stdout and Stderr, if set, receive a live copy of commands' output
	// (CUP's b_print_stdout). They never receive secrets.
	Stdout, Stderr io.Writer

	// CopyProgress, if set, is called as Upload, Download and UploadTar
	// move file content, after every chunk (at most 32 KiB for SFTP
	// copies, 256 KiB for UploadTar), for progress bars. Calls for one copy
	// are serialised but may come from a goroutine other than the
	// caller's; they run inside the transfer, so they must be quick (store
	// the numbers, draw elsewhere). Nil costs nothing: files are then
	// copied unwrapped.
	CopyProgress func(CopyProgress)
}

// addr returns the "host:port" to dial and validates Host and Port.
func (c *Config) addr() (string, error) {
	if c.Host == "" {
		return "", fmt.Errorf("remote: empty host: %w", errs.ErrInvalidArgument)
	}
	host, portStr, err := net.SplitHostPort(c.Host)
	if err != nil {
		// no port in Host
		host, portStr = c.Host, ""
	}
	port := c.Port
	if portStr != "" {
		p, err := strconv.Atoi(portStr)
		if err != nil || p < 1 || p > 65535 {
			return "", fmt.Errorf("remote: host %q: bad port %q: %w", c.Host, portStr, errs.ErrInvalidArgument)
		}
		if port != 0 && port != p {
			return "", fmt.Errorf("remote: host %q names port %d but Port is %d: %w", c.Host, p, port, errs.ErrInvalidArgument)
		}
		port = p
	}
	if port == 0 {
		port = DefaultPort
	}
	if port < 1 || port > 65535 {
		return "", fmt.Errorf("remote: host %q: port %d out of range 1-65535: %w", c.Host, port, errs.ErrInvalidArgument)
	}
	if host == "" {
		return "", fmt.Errorf("remote: host %q has no name: %w", c.Host, errs.ErrInvalidArgument)
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

func (c *Config) user() string {
	if c.User != "" {
		return c.User
	}
	return os.Getenv("USER")
}

func (c *Config) connectTimeout() time.Duration {
	if c.ConnectTimeout > 0 {
		return c.ConnectTimeout
	}
	return DefaultConnectTimeout
}

func (c *Config) keepAlive() time.Duration {
	switch {
	case c.KeepAlive < 0:
		return 0
	case c.KeepAlive == 0:
		return DefaultKeepAlive
	}
	return c.KeepAlive
}

func (c *Config) knownHostsFiles() ([]string, error) {
	if len(c.KnownHostsFiles) > 0 {
		return c.KnownHostsFiles, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, fmt.Errorf("remote: no KnownHostsFiles and no home directory: %w", err)
	}
	return []string{filepath.Join(home, ".ssh", "known_hosts")}, nil
}
