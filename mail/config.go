package mail

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/cupgo/cup/errs"
)

// Security says how a connection is protected.
type Security int

const (
	// SecurityStartTLS upgrades with STARTTLS when the server offers it
	// and goes on in plain text when it does not. It is the default.
	SecurityStartTLS Security = iota
	// SecurityStartTLSRequired fails the send when the server does not
	// offer STARTTLS.
	SecurityStartTLSRequired
	// SecurityImplicitTLS speaks TLS from the first byte (SMTPS, usually
	// port 465; newest CUP's ssl=True).
	SecurityImplicitTLS
	// SecurityNone never uses TLS (CUP 3.2.7's behaviour).
	SecurityNone
)

// String returns the name used in errors and by cup mail's --security flag.
func (s Security) String() string {
	switch s {
	case SecurityStartTLS:
		return "starttls"
	case SecurityStartTLSRequired:
		return "starttls-required"
	case SecurityImplicitTLS:
		return "tls"
	case SecurityNone:
		return "none"
	}
	return "Security(" + strconv.Itoa(int(s)) + ")"
}

// ParseSecurity is the inverse of [Security.String].
func ParseSecurity(s string) (Security, error) {
	for _, v := range []Security{SecurityStartTLS, SecurityStartTLSRequired, SecurityImplicitTLS, SecurityNone} {
		if v.String() == s {
			return v, nil
		}
	}
	return 0, errs.New(errs.ErrInvalidArgument, "mail: unknown security %q (want starttls, starttls-required, tls or none)", s)
}

// DefaultTimeout bounds connecting and each SMTP command when
// Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config configures a [Mailer]. Sender and Server are required; every other
// zero value means the documented default. A Config must not be modified
// after it was passed to New or SetConfig (the Mailer keeps a copy, but
// TLSConfig and Logger are shared).
type Config struct {
	// Sender is the From header and the envelope sender (MAIL FROM). It
	// may carry a display name: "Ops <ops@example.com>".
	Sender string
	// Server is the SMTP host name or IP. There is no default host (CUP's
	// default was a Baidu-internal relay).
	Server string
	// Port defaults to 25, or to 465 with SecurityImplicitTLS.
	Port int
	// Security defaults to SecurityStartTLS (opportunistic STARTTLS).
	Security Security
	// Username and Password, when Username is set, authenticate with
	// SMTP AUTH (PLAIN, or LOGIN when the server offers only that).
	Username, Password string
	// AllowInsecureAuth permits AUTH over a connection that is not
	// encrypted. Off by default: credentials are never sent in clear text.
	AllowInsecureAuth bool
	// HTML makes bodies text/html by default (CUP 3.2.7 is_html);
	// Message.HTML overrides it per message.
	HTML bool
	// Timeout bounds the TCP connect, the TLS handshake and every SMTP
	// command and reply (each read or write on the connection waits at
	// most this long). Zero means DefaultTimeout. The ctx passed to Send
	// bounds the whole conversation in addition.
	Timeout time.Duration
	// TLSConfig is used for STARTTLS and implicit TLS. When nil, or when
	// its ServerName is empty, ServerName is set to Server.
	TLSConfig *tls.Config
	// HelloName is the EHLO name. Empty means "localhost".
	HelloName string
	// SkipBadAttachments restores CUP's behaviour for attachments that are
	// missing, not regular files or unreadable: log a WARNING and send
	// without them. By default such a message is refused before any
	// connection is made.
	SkipBadAttachments bool
	// Logger receives the INFO and WARNING records CUP logged. Nil means
	// slog.Default(). Passwords are never logged.
	Logger *slog.Logger
}

func (c *Config) validate() error {
	if c.Server == "" {
		return errs.New(errs.ErrInvalidArgument, "mail: Config.Server is empty")
	}
	if hasCRLF(c.Server) || hasCRLF(c.HelloName) {
		return errs.New(errs.ErrInvalidArgument, "mail: Config.Server or HelloName contains CR or LF")
	}
	if c.Port < 0 || c.Port > 65535 {
		return errs.New(errs.ErrInvalidArgument, "mail: Config.Port %d out of range", c.Port)
	}
	if c.Security < SecurityStartTLS || c.Security > SecurityNone {
		return errs.New(errs.ErrInvalidArgument, "mail: unknown Config.Security %d", int(c.Security))
	}
	if c.Timeout < 0 {
		return errs.New(errs.ErrInvalidArgument, "mail: negative Config.Timeout %v", c.Timeout)
	}
	if c.Sender == "" {
		return errs.New(errs.ErrInvalidArgument, "mail: Config.Sender is empty")
	}
	if _, err := parseAddress("sender", c.Sender); err != nil {
		return err
	}
	if hasCRLF(c.Username) || hasCRLF(c.Password) {
		return errs.New(errs.ErrInvalidArgument, "mail: credentials contain CR or LF")
	}
	return nil
}

func (c *Config) port() int {
	if c.Port != 0 {
		return c.Port
	}
	if c.Security == SecurityImplicitTLS {
		return 465
	}
	return 25
}

func (c *Config) addr() string {
	return net.JoinHostPort(c.Server, strconv.Itoa(c.port()))
}

func (c *Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Config) helloName() string {
	if c.HelloName != "" {
		return c.HelloName
	}
	return "localhost"
}

func (c *Config) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

func (c *Config) tlsConfig() *tls.Config {
	var t *tls.Config
	if c.TLSConfig != nil {
		t = c.TLSConfig.Clone()
	} else {
		t = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if t.ServerName == "" {
		t.ServerName = c.Server
	}
	return t
}

func (c *Config) String() string {
	return fmt.Sprintf("%s (%s)", c.addr(), c.Security)
}
