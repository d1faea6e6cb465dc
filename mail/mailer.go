package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/wneessen/go-mail/smtp"

	"github.com/cupgo/cup/errs"
)

// Mailer sends mail through one SMTP server (CUP SmtpMailer). It is safe
// for concurrent use: each Send opens its own connection, so a slow server
// does not serialise callers; SendAll sends many messages over one.
type Mailer struct {
	mu  sync.RWMutex
	cfg Config
}

// New validates cfg and returns a Mailer. It does not connect (CUP 3.2.7
// did not either); call Verify to check the server and credentials.
func New(cfg Config) (*Mailer, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Mailer{cfg: cfg}, nil
}

// SetConfig replaces the whole configuration at once (CUP setup). An
// invalid cfg is refused and the old configuration kept. Sends already
// under way finish with the configuration they started with.
func (m *Mailer) SetConfig(cfg Config) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	m.mu.Lock()
	m.cfg = cfg
	m.mu.Unlock()
	return nil
}

// Config returns a copy of the current configuration.
func (m *Mailer) Config() Config { return m.config() }

func (m *Mailer) config() Config {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.cfg
}

// Login stores credentials for later sends (CUP login in 3.2.7). It does
// not contact the server; Verify does. The user name is logged at INFO as
// CUP did; the password never is.
func (m *Mailer) Login(username, password string) {
	m.mu.Lock()
	m.cfg.Username, m.cfg.Password = username, password
	m.mu.Unlock()
	cfg := m.config()
	cfg.logger().Info("smtp server will login with user " + username)
}

// Verify connects, negotiates TLS, authenticates when credentials are set,
// sends NOOP and quits (newest CUP login, without its blind retries).
func (m *Mailer) Verify(ctx context.Context) error {
	cfg := m.config()
	s, err := dial(ctx, &cfg)
	if err != nil {
		return err
	}
	defer s.close()
	if err := s.c.Noop(); err != nil {
		return newSendError(StageNoop, classify(ctx, err))
	}
	s.quit()
	return nil
}

// Send validates msg, then delivers it over a new connection (CUP
// sendmail). Nothing is sent when validation fails. If any recipient is
// refused the message is not sent to anyone and the error is a
// *SendError whose Refused lists them (CUP reported success).
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	return m.sendAll(ctx, []Message{msg}, true)
}

// SendMail is Send with CUP sendmail's argument order.
func (m *Mailer) SendMail(ctx context.Context, to []string, subject, body string, attachments []string, cc, bcc []string) error {
	return m.Send(ctx, Message{To: to, Cc: cc, Bcc: bcc, Subject: subject, Body: body, Attachments: attachments})
}

// SendAll delivers msgs in order over a single connection. Every message
// is validated first; if one is invalid nothing is sent. A message whose
// recipients are refused is skipped (RSET) and the rest still go out. The
// result is nil when all were delivered, else a *BatchError with one
// entry per message; after a connection failure the remaining messages
// carry that failure.
func (m *Mailer) SendAll(ctx context.Context, msgs ...Message) error {
	return m.sendAll(ctx, msgs, false)
}

func (m *Mailer) sendAll(ctx context.Context, msgs []Message, single bool) error {
	if len(msgs) == 0 {
		return nil
	}
	cfg := m.config()
	ps := make([]*prepared, len(msgs))
	for i := range msgs {
		p, err := prepare(&cfg, &msgs[i])
		if err != nil {
			if !single {
				return fmt.Errorf("message %d: %w", i, err)
			}
			return err
		}
		ps[i] = p
	}
	from, _ := parseAddress("sender", cfg.Sender)
	s, err := dial(ctx, &cfg)
	if err != nil {
		if single {
			return err
		}
		return fillBatch(len(msgs), 0, err)
	}
	defer s.close()
	results := make([]error, len(msgs))
	failed := false
	for i, p := range ps {
		err := s.deliver(ctx, from.Address, p)
		if err == nil {
			continue
		}
		failed = true
		results[i] = err
		var se *SendError
		if errors.As(err, &se) && (se.Stage == StageRcpt || se.Stage == StageMail) && se.Code != 0 {
			// The conversation is intact: reset and go on.
			if rerr := s.c.Reset(); rerr == nil {
				continue
			}
		}
		if single {
			return err
		}
		b := fillBatch(len(msgs), i+1, err)
		copy(b.Errs, results[:i+1])
		return b
	}
	s.quit()
	if !failed {
		return nil
	}
	if single {
		return results[0]
	}
	return &BatchError{Errs: results}
}

func fillBatch(n, from int, err error) *BatchError {
	b := &BatchError{Errs: make([]error, n)}
	for i := from; i < n; i++ {
		b.Errs[i] = err
	}
	return b
}

// session is one SMTP connection after EHLO, TLS and AUTH.
type session struct {
	c    *smtp.Client
	conn *ctxConn
}

func dial(ctx context.Context, cfg *Config) (*session, error) {
	if err := ctx.Err(); err != nil {
		return nil, newSendError(StageConnect, classify(ctx, err))
	}
	d := net.Dialer{Timeout: cfg.timeout()}
	raw, err := d.DialContext(ctx, "tcp", cfg.addr())
	if err != nil {
		return nil, newSendError(StageConnect, classify(ctx, err))
	}
	cc := newCtxConn(ctx, raw, cfg.timeout())
	var conn net.Conn = cc
	encrypted := false
	if cfg.Security == SecurityImplicitTLS {
		tc := tls.Client(cc, cfg.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = cc.Close()
			return nil, newSendError(StageConnect, classify(ctx, fmt.Errorf("tls handshake with %s: %w", cfg.addr(), err)))
		}
		conn, encrypted = tc, true
	}
	c, err := smtp.NewClient(conn, cfg.Server)
	if err != nil {
		_ = cc.Close()
		return nil, newSendError(StageGreeting, classify(ctx, err))
	}
	s := &session{c: c, conn: cc}
	if err := c.Hello(cfg.helloName()); err != nil {
		s.close()
		return nil, newSendError(StageHello, classify(ctx, err))
	}
	if !encrypted && cfg.Security != SecurityNone {
		ok, _ := c.Extension("STARTTLS")
		switch {
		case ok:
			if err := c.StartTLS(cfg.tlsConfig()); err != nil {
				s.close()
				return nil, newSendError(StageStartTLS, classify(ctx, err))
			}
			encrypted = true
		case cfg.Security == SecurityStartTLSRequired:
			s.close()
			return nil, newSendError(StageStartTLS, errs.New(errs.ErrNotSupported, "mail: %s does not offer STARTTLS and Security is %s", cfg.addr(), cfg.Security))
		}
	}
	if cfg.Username != "" {
		if err := s.auth(ctx, cfg, encrypted); err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

func (s *session) auth(ctx context.Context, cfg *Config, encrypted bool) error {
	if !encrypted && !cfg.AllowInsecureAuth {
		return newSendError(StageAuth, errs.New(errs.ErrNotSupported,
			"mail: refusing to send the credentials of %q over an unencrypted connection to %s (set AllowInsecureAuth to permit it)", cfg.Username, cfg.addr()))
	}
	ok, mechs := s.c.Extension("AUTH")
	if !ok {
		return newSendError(StageAuth, errs.New(errs.ErrNotSupported, "mail: %s does not offer AUTH", cfg.addr()))
	}
	var a smtp.Auth
	switch fields := strings.Fields(strings.ToUpper(mechs)); {
	case contains(fields, "PLAIN"):
		a = smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.Server, true)
	case contains(fields, "LOGIN"):
		a = smtp.LoginAuth(cfg.Username, cfg.Password, cfg.Server, true)
	default:
		return newSendError(StageAuth, errs.New(errs.ErrNotSupported, "mail: %s offers AUTH %s; only PLAIN and LOGIN are supported", cfg.addr(), mechs))
	}
	if err := s.c.Auth(a); err != nil {
		return newSendError(StageAuth, classify(ctx, fmt.Errorf("user %q: %w", cfg.Username, err)))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// deliver runs MAIL, RCPT for every recipient, DATA.
func (s *session) deliver(ctx context.Context, from string, p *prepared) error {
	if err := s.c.Mail("<" + from + ">"); err != nil {
		return newSendError(StageMail, classify(ctx, fmt.Errorf("sender %s: %w", from, err)))
	}
	var refused *SendError
	for _, rcpt := range p.rcpts {
		err := s.c.Rcpt("<" + rcpt + ">")
		if err == nil {
			continue
		}
		se := newSendError(StageRcpt, classify(ctx, fmt.Errorf("recipient %s: %w", rcpt, err)))
		if se.Code == 0 {
			return se // the connection failed, not the recipient
		}
		if refused == nil {
			refused = se
		}
		refused.Refused = append(refused.Refused, rcpt)
	}
	if refused != nil {
		return refused
	}
	w, err := s.c.Data()
	if err != nil {
		return newSendError(StageData, classify(ctx, err))
	}
	if _, err := p.msg.WriteTo(w); err != nil {
		_ = w.Close()
		return newSendError(StageData, classify(ctx, fmt.Errorf("writing the message: %w", err)))
	}
	if err := w.Close(); err != nil {
		return newSendError(StageData, classify(ctx, err))
	}
	return nil
}

func (s *session) quit() { _ = s.c.Quit() }

func (s *session) close() {
	_ = s.c.Close()
	s.conn.stop()
}
