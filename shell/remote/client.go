package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/cupgo/cup/errs"
)

// Client is an open SSH connection to one host. It is safe for concurrent
// use: each Run opens its own session on the shared connection. Close it
// when done.
type Client struct {
	cfg  Config
	addr string
	ssh  *ssh.Client

	stopKeepAlive chan struct{}
	keepAliveDone chan struct{}
	closeOnce     sync.Once
	closeErr      error
}

// Dial connects to the host of cfg and authenticates. The TCP connect and
// the handshake together are bounded by cfg.ConnectTimeout and by ctx.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	addr, err := cfg.addr()
	if err != nil {
		return nil, err
	}
	auths, closeAgent, err := cfg.authMethods()
	if err != nil {
		return nil, err
	}
	defer closeAgent()
	hostKey, err := cfg.hostKeyCallback()
	if err != nil {
		return nil, err
	}
	timeout := cfg.connectTimeout()
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, dialError(ctx, addr, "connect", err, timeout)
	}
	// The handshake must not hang either: a deadline from the connect
	// budget, and ctx cancellation closes the socket.
	deadline, _ := dctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(dctx, func() { _ = conn.Close() })
	sconn, chans, reqs, err := ssh.NewClientConn(conn, addr, &ssh.ClientConfig{
		User:            cfg.user(),
		Auth:            auths,
		HostKeyCallback: hostKey,
		Timeout:         timeout,
	})
	if !stop() || err != nil {
		_ = conn.Close()
		if err == nil {
			err = dctx.Err()
		}
		if errors.Is(err, errs.ErrSSHHostKey) {
			return nil, fmt.Errorf("remote: %s: %w", addr, err)
		}
		if isAuthFailure(err) {
			return nil, fmt.Errorf("remote: %s: user %q: %w: %v", addr, cfg.user(), errs.ErrSSHAuth, err)
		}
		return nil, dialError(ctx, addr, "handshake", err, timeout)
	}
	_ = conn.SetDeadline(time.Time{})
	c := &Client{cfg: cfg, addr: addr, ssh: ssh.NewClient(sconn, chans, reqs)}
	if ka := cfg.keepAlive(); ka > 0 {
		c.stopKeepAlive = make(chan struct{})
		c.keepAliveDone = make(chan struct{})
		go c.keepAlive(ka)
	}
	return c, nil
}

// isAuthFailure recognises x/crypto/ssh's authentication failures, which
// it returns as plain errors: "unable to authenticate" when every method
// was refused, and an unexpected USERAUTH_FAILURE (51) in place of an
// INFO_REQUEST (60) when a server lists keyboard-interactive but has no
// challenge to offer (OpenSSH without PAM) and the password before it was
// refused.
func isAuthFailure(err error) bool {
	s := err.Error()
	return strings.Contains(s, "unable to authenticate") ||
		strings.Contains(s, "unexpected message type 51 (expected 60)")
}

// dialError classifies a connect or handshake failure.
func dialError(ctx context.Context, addr, stage string, err error, timeout time.Duration) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("remote: %s %s: %w", stage, addr, ctx.Err())
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("remote: %s %s: no answer within %v: %w", stage, addr, timeout, errs.ErrTimeout)
	}
	return fmt.Errorf("remote: %s %s: %w: %w", stage, addr, errs.ErrNet, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// authMethods assembles the credentials cfg offers. The returned func
// releases the agent connection.
func (c *Config) authMethods() ([]ssh.AuthMethod, func(), error) {
	var methods []ssh.AuthMethod
	var signers []ssh.Signer
	for _, f := range c.KeyFiles {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, fmt.Errorf("remote: key file: %w", err)
		}
		s, err := ssh.ParsePrivateKey(pem)
		if err != nil {
			return nil, nil, fmt.Errorf("remote: key file %s: %w: %v", f, errs.ErrInvalidArgument, err)
		}
		signers = append(signers, s)
	}
	closeAgent := func() {}
	if c.UseAgent {
		sock := os.Getenv("SSH_AUTH_SOCK")
		if sock == "" {
			return nil, nil, fmt.Errorf("remote: UseAgent set but SSH_AUTH_SOCK is empty: %w", errs.ErrInvalidArgument)
		}
		conn, err := net.Dial("unix", sock)
		if err != nil {
			return nil, nil, fmt.Errorf("remote: ssh-agent at %s: %w", sock, err)
		}
		closeAgent = func() { _ = conn.Close() }
		agentSigners, err := agent.NewClient(conn).Signers()
		if err != nil {
			closeAgent()
			return nil, nil, fmt.Errorf("remote: ssh-agent at %s: %w", sock, err)
		}
		signers = append(signers, agentSigners...)
	}
	if len(signers) > 0 {
		methods = append(methods, ssh.PublicKeys(signers...))
	}
	if c.Password != "" {
		pw := c.Password
		methods = append(methods,
			ssh.Password(pw),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	if len(methods) == 0 {
		closeAgent()
		return nil, nil, fmt.Errorf("remote: no credentials for %s: set Password, KeyFiles or UseAgent: %w", c.Host, errs.ErrInvalidArgument)
	}
	return methods, closeAgent, nil
}

// keepAlive sends keepalive requests every interval and closes the
// connection when three in a row go unanswered.
func (c *Client) keepAlive(interval time.Duration) {
	defer close(c.keepAliveDone)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-c.stopKeepAlive:
			return
		case <-t.C:
		}
		reply := make(chan error, 1)
		go func() {
			_, _, err := c.ssh.SendRequest("keepalive@openssh.com", true, nil)
			reply <- err
		}()
		select {
		case err := <-reply:
			if err != nil {
				_ = c.ssh.Close()
				return
			}
		case <-time.After(3 * interval):
			_ = c.ssh.Close() // also ends the SendRequest goroutine
			<-reply
			return
		case <-c.stopKeepAlive:
			_ = c.ssh.Close()
			<-reply
			return
		}
	}
}

// Addr returns the "host:port" the client is connected to.
func (c *Client) Addr() string { return c.addr }

// SSH returns the underlying connection, for what this package does not
// wrap (port forwarding, custom subsystems).
func (c *Client) SSH() *ssh.Client { return c.ssh }

// Close closes the connection and stops the keepalive. It is safe to call
// more than once.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		if c.stopKeepAlive != nil {
			close(c.stopKeepAlive)
		}
		err := c.ssh.Close()
		if c.keepAliveDone != nil {
			<-c.keepAliveDone
		}
		if err != nil && !errors.Is(err, net.ErrClosed) {
			c.closeErr = err
		}
	})
	return c.closeErr
}
