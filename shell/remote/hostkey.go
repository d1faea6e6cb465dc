package remote

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/cupgo/cup/errs"
)

// appendMu serialises appends to known_hosts files within the process.
var appendMu sync.Mutex

// hostKeyCallback builds the verifier the Config asks for.
func (c *Config) hostKeyCallback() (ssh.HostKeyCallback, error) {
	if c.InsecureIgnoreHostKey {
		return ssh.InsecureIgnoreHostKey(), nil
	}
	files, err := c.knownHostsFiles()
	if err != nil {
		return nil, err
	}
	var existing []string
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			existing = append(existing, f)
		} else if !errors.Is(err, fs.ErrNotExist) || !c.AcceptNewHostKeys {
			return nil, fmt.Errorf("remote: known_hosts %s: %w", f, err)
		}
	}
	check := func(string, net.Addr, ssh.PublicKey) error {
		return &knownhosts.KeyError{}
	}
	if len(existing) > 0 {
		check, err = knownhosts.New(existing...)
		if err != nil {
			return nil, fmt.Errorf("remote: read known_hosts: %w", err)
		}
	}
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := check(hostname, remote, key)
		var ke *knownhosts.KeyError
		if err == nil || !errors.As(err, &ke) {
			return err
		}
		if len(ke.Want) > 0 {
			return fmt.Errorf("%w: %s presented a %s key that differs from the one in known_hosts (%s:%d): possible man-in-the-middle",
				errs.ErrSSHHostKey, hostname, key.Type(), ke.Want[0].Filename, ke.Want[0].Line)
		}
		if !c.AcceptNewHostKeys {
			return fmt.Errorf("%w: %s is not in known_hosts (%v); add its key or set AcceptNewHostKeys", errs.ErrSSHHostKey, hostname, files)
		}
		line := knownhosts.Line([]string{knownhosts.Normalize(hostname)}, key)
		appendMu.Lock()
		defer appendMu.Unlock()
		if err := os.MkdirAll(filepath.Dir(files[0]), 0o700); err != nil {
			return fmt.Errorf("remote: record host key of %s: %w", hostname, err)
		}
		f, err := os.OpenFile(files[0], os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return fmt.Errorf("remote: record host key of %s: %w", hostname, err)
		}
		if _, err := f.WriteString(line + "\n"); err != nil {
			f.Close()
			return fmt.Errorf("remote: record host key of %s: %w", hostname, err)
		}
		return f.Close()
	}, nil
}
