// Package smtptest runs an in-process SMTP server on 127.0.0.1 that records
// every envelope and raw message it accepts. The mail package's tests, the
// cup mail command's tests, the mail benchmarks and examples/mail use it in
// place of a real mail relay.
//
// The server is github.com/emersion/go-smtp with a recording backend. Its
// behaviour can be bent to test failure paths: refuse chosen recipients,
// fail DATA with a temporary error, drop the connection in the middle of
// DATA, require TLS before MAIL, require AUTH, or speak implicit TLS.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options bend the server's behaviour. The zero value is a permissive
// plain-text server without AUTH.
type Options struct {
	// TLSConfig, when set, makes the server offer STARTTLS (or speak TLS
	// from the first byte when ImplicitTLS is set).
	TLSConfig *tls.Config
	// ImplicitTLS makes the listener a TLS listener (SMTPS).
	ImplicitTLS bool
	// RequireTLS refuses MAIL with 530 until the session is encrypted.
	RequireTLS bool
	// Users enables AUTH PLAIN with these user -> password pairs. With
	// Users set, MAIL is refused with 530 until the client authenticated.
	Users map[string]string
	// AllowInsecureAuth offers AUTH on a plain-text connection.
	AllowInsecureAuth bool
	// RejectRcpt refuses RCPT TO for the addresses it maps, with the
	// given SMTP code (e.g. 550).
	RejectRcpt map[string]int
	// DataCode, when non-zero, refuses every message after DATA with
	// this code (e.g. 451).
	DataCode int
	// DropMidData closes the connection after reading the first bytes
	// of a message's data.
	DropMidData bool
	// NoSTARTTLS hides STARTTLS even when TLSConfig is set (used to
	// test clients that require it).
	NoSTARTTLS bool
	// DiscardData counts accepted messages without keeping them
	// (benchmarks); Messages then returns nothing, Delivered the count.
	DiscardData bool
}

// Envelope is one accepted message.
type Envelope struct {
	From string   // MAIL FROM
	To   []string // RCPT TO, in order
	Data []byte   // the raw message as received (CRLF line ends)
	User string   // the authenticated user, if any
	TLS  bool     // whether the session was encrypted
}

// Server is a running test server. It is safe for concurrent use.
type Server struct {
	// Addr is the host:port the server listens on.
	Addr string

	opts Options
	srv  *smtp.Server
	ln   net.Listener
	done chan struct{}

	mu        sync.Mutex
	msgs      []Envelope
	delivered int
	conns     int
	commands  []string
}

// Start listens on 127.0.0.1 on a free port and serves until Close.
func Start(opts Options) (*Server, error) {
	if (opts.ImplicitTLS || opts.RequireTLS) && opts.TLSConfig == nil {
		return nil, errors.New("smtptest: ImplicitTLS and RequireTLS need TLSConfig")
	}
	s := &Server{opts: opts, done: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "smtptest.local"
	srv.AllowInsecureAuth = opts.AllowInsecureAuth
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxMessageBytes = 64 << 20
	if opts.TLSConfig != nil && !opts.NoSTARTTLS {
		srv.TLSConfig = opts.TLSConfig
	}
	var ln net.Listener
	var err error
	if opts.ImplicitTLS {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", opts.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, fmt.Errorf("smtptest: listen: %w", err)
	}
	s.srv, s.ln, s.Addr = srv, ln, ln.Addr().String()
	go func() {
		defer close(s.done)
		_ = srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server, closes every connection and waits for the
// accept loop to end.
func (s *Server) Close() error {
	err := s.srv.Close()
	_ = s.ln.Close() // Serve may not have registered it yet
	<-s.done
	if errors.Is(err, smtp.ErrServerClosed) {
		err = nil
	}
	return err
}

// Messages returns a copy of the accepted messages, oldest first.
func (s *Server) Messages() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Envelope(nil), s.msgs...)
}

// Delivered returns how many messages were accepted so far.
func (s *Server) Delivered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivered
}

// Connections returns how many SMTP sessions were opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Commands returns the session-level commands seen so far, in order, as
// "MAIL", "RCPT <addr>", "DATA", "AUTH <user>" (only for successful
// authentication) and "AUTHFAIL <user>".
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.commands...)
}

func (s *Server) record(cmd string) {
	s.mu.Lock()
	s.commands = append(s.commands, cmd)
	s.mu.Unlock()
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.conns++
	s.mu.Unlock()
	return &session{s: s, c: c}, nil
}

type session struct {
	s    *Server
	c    *smtp.Conn
	user string
	env  Envelope
}

var _ smtp.AuthSession = (*session)(nil)

func (x *session) isTLS() bool {
	_, ok := x.c.TLSConnectionState()
	return ok
}

func (x *session) AuthMechanisms() []string {
	if x.s.opts.Users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || x.s.opts.Users == nil {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		want, ok := x.s.opts.Users[user]
		if !ok || want != pass {
			x.s.record("AUTHFAIL " + user)
			return smtp.ErrAuthFailed
		}
		x.s.record("AUTH " + user)
		x.user = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.s.record("MAIL")
	if x.s.opts.RequireTLS && !x.isTLS() {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Must issue a STARTTLS command first"}
	}
	if x.s.opts.Users != nil && x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.env = Envelope{From: from, User: x.user, TLS: x.isTLS()}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.record("RCPT " + to)
	if code, ok := x.s.opts.RejectRcpt[to]; ok {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "No such user here: " + to}
	}
	x.env.To = append(x.env.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	x.s.record("DATA")
	if x.s.opts.DropMidData {
		buf := make([]byte, 16)
		_, _ = io.ReadFull(r, buf)
		_ = x.c.Conn().Close()
		return errors.New("smtptest: dropped")
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if code := x.s.opts.DataCode; code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 3, 0}, Message: "Try again later"}
	}
	env := x.env
	env.Data = b
	x.s.mu.Lock()
	x.s.delivered++
	if !x.s.opts.DiscardData {
		x.s.msgs = append(x.s.msgs, env)
	}
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.env = Envelope{} }
func (x *session) Logout() error { return nil }

// SelfSigned makes a fresh ECDSA certificate for 127.0.0.1 and localhost.
// It returns a server configuration holding it and a pool that trusts it,
// for a client's tls.Config.RootCAs.
func SelfSigned() (*tls.Config, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}, pool, nil
}
