package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/internal/smtptest"
	cupmail "github.com/cupgo/cup/mail"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const sender = "Sender <sender@example.com>"

func startServer(t *testing.T, opts smtptest.Options) *smtptest.Server {
	t.Helper()
	srv, err := smtptest.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func configFor(t *testing.T, srv *smtptest.Server) cupmail.Config {
	t.Helper()
	host, port, err := net.SplitHostPort(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return cupmail.Config{Sender: sender, Server: host, Port: p, Timeout: 20 * time.Second, Logger: slog.New(slog.DiscardHandler)}
}

func newMailer(t *testing.T, cfg cupmail.Config) *cupmail.Mailer {
	t.Helper()
	m, err := cupmail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// part is a leaf MIME part, decoded.
type part struct {
	header textproto.MIMEHeader
	media  string
	params map[string]string
	body   []byte
	parent string // media type of the enclosing multipart
}

// parse reads a raw message into its header and its leaf parts in
// depth-first order.
func parse(t *testing.T, raw []byte) (*mail.Message, string, []part) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot read the message: %v\n%s", err, raw)
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		t.Fatal(err)
	}
	top, _, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("top Content-Type: %v", err)
	}
	var parts []part
	walk(t, textproto.MIMEHeader(msg.Header), body, "", &parts)
	return msg, top, parts
}

func walk(t *testing.T, h textproto.MIMEHeader, body []byte, parent string, out *[]part) {
	t.Helper()
	media, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", h.Get("Content-Type"), err)
	}
	if strings.HasPrefix(media, "multipart/") {
		r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("multipart: %v", err)
			}
			b, err := io.ReadAll(p)
			if err != nil {
				t.Fatal(err)
			}
			walk(t, p.Header, b, media, out)
		}
	}
	var dec []byte
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		dec, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(body)))
	case "quoted-printable":
		dec, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
	default:
		dec = body
	}
	if err != nil {
		t.Fatalf("decode %s part: %v", media, err)
	}
	*out = append(*out, part{header: h, media: media, params: params, body: dec, parent: parent})
}

func headerSection(raw []byte) string {
	i := bytes.Index(raw, []byte("\r\n\r\n"))
	if i < 0 {
		return string(raw)
	}
	return string(raw[:i])
}

func onlyMessage(t *testing.T, srv *smtptest.Server) smtptest.Envelope {
	t.Helper()
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

// Checklist 1, 2, 5: envelope, headers, no Bcc, encoded subject.
func TestSendEnvelopeAndHeaders(t *testing.T) {
	srv := startServer(t, smtptest.Options{})
	m := newMailer(t, configFor(t, srv))
	subject := "日报: 机器状态 ✓"
	err := m.Send(context.Background(), cupmail.Message{
		To:      []string{"A <a@example.com>", "b@example.com"},
		Cc:      []string{"c@example.com"},
		Bcc:     []string{"d@example.com", "a@example.com"}, // duplicate dropped
		Subject: subject,
		Body:    "hello",
	})
	if err != nil {
		t.Fatal(err)
	}
	env := onlyMessage(t, srv)
	if got, want := strings.Join(env.To, ","), "a@example.com,b@example.com,c@example.com,d@example.com"; got != want {
		t.Errorf("RCPT TO = %s, want %s", got, want)
	}
	if env.From != "sender@example.com" {
		t.Errorf("MAIL FROM = %q", env.From)
	}
	msg, top, _ := parse(t, env.Data)
	if top != "multipart/mixed" && top != "text/plain" {
		t.Errorf("top type %s", top)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Address != "a@example.com" || to[0].Name != "A" || to[1].Address != "b@example.com" {
		t.Errorf("To = %v (%v)", to, err)
	}
	cc, err := msg.Header.AddressList("Cc")
	if err != nil || len(cc) != 1 || cc[0].Address != "c@example.com" {
		t.Errorf("Cc = %v (%v)", cc, err)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "sender@example.com" || from[0].Name != "Sender" {
		t.Errorf("From = %v (%v)", from, err)
	}
	hs := strings.ToLower(headerSection(env.Data))
	if strings.Contains(hs, "\nbcc:") || strings.HasPrefix(hs, "bcc:") || strings.Contains(strings.ToLower(string(env.Data)), "d@example.com") {
		t.Errorf("Bcc leaked into the message:\n%s", headerSection(env.Data))
	}
	rawSubj := msg.Header.Get("Subject")
	if !strings.Contains(rawSubj, "=?") {
		t.Errorf("non-ASCII subject not RFC 2047 encoded: %q", rawSubj)
	}
	dec, err := new(mime.WordDecoder).DecodeHeader(rawSubj)
	if err != nil || dec != subject {
		t.Errorf("subject decodes to %q (%v), want %q", dec, err, subject)
	}
	for _, h := range []string{"Date", "Message-Id", "Mime-Version"} {
		if msg.Header.Get(h) == "" {
			t.Errorf("missing %s header", h)
		}
	}
}

// Checklist 3, 4: body type and position.
func TestBodyTypeAndFirst(t *testing.T) {
	body := "你好，世界\n第二行 with ASCII = signs and a long line " + strings.Repeat("长", 80) + "\n"
	for _, tc := range []struct {
		name    string
		cfgHTML bool
		msgHTML *bool
		attach  bool
		want    string
	}{
		{"plain", false, nil, false, "text/plain"},
		{"config html", true, nil, false, "text/html"},
		{"message html", false, cupmail.Bool(true), true, "text/html"},
		{"message overrides config", true, cupmail.Bool(false), true, "text/plain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, smtptest.Options{})
			cfg := configFor(t, srv)
			cfg.HTML = tc.cfgHTML
			m := newMailer(t, cfg)
			msg := cupmail.Message{To: []string{"a@example.com"}, Subject: "s", Body: body, HTML: tc.msgHTML}
			if tc.attach {
				msg.Attachments = []string{"testdata/report.csv"}
			}
			if err := m.Send(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			_, _, parts := parse(t, onlyMessage(t, srv).Data)
			if len(parts) == 0 {
				t.Fatal("no parts")
			}
			first := parts[0]
			if first.media != tc.want || !strings.EqualFold(first.params["charset"], "utf-8") {
				t.Errorf("first part %s %v, want %s; charset=utf-8", first.media, first.params, tc.want)
			}
			if string(first.body) != strings.ReplaceAll(body, "\n", "\r\n") && string(first.body) != body {
				t.Errorf("body decodes to %q, want %q", first.body, body)
			}
		})
	}
}

// Checklist 6, 7, 8 and inline images in multipart/related.
func TestAttachmentsAndInline(t *testing.T) {
	srv := startServer(t, smtptest.Options{})
	m := newMailer(t, configFor(t, srv))
	html := `<p>report</p><img src="cid:logo.png"><img src="cid:shot.png">`
	files := []string{"testdata/report.csv", "testdata/x.tar.gz", "testdata/shot.png", "testdata/blob.cupunknown"}
	err := m.Send(context.Background(), cupmail.Message{
		To: []string{"a@example.com"}, Subject: "with files", Body: html, HTML: cupmail.Bool(true),
		Attachments: files, Inline: []string{"testdata/logo.png"},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, top, parts := parse(t, onlyMessage(t, srv).Data)
	if top != "multipart/mixed" {
		t.Fatalf("top = %s, want multipart/mixed", top)
	}
	if len(parts) != 2+len(files) {
		t.Fatalf("%d leaf parts, want %d: %+v", len(parts), 2+len(files), parts)
	}
	if parts[0].media != "text/html" || parts[0].parent != "multipart/related" || string(parts[0].body) != html {
		t.Errorf("first part %s under %s body %q, want the HTML under multipart/related", parts[0].media, parts[0].parent, parts[0].body)
	}
	logo, _ := os.ReadFile("testdata/logo.png")
	if p := parts[1]; p.media != "image/png" || p.parent != "multipart/related" || p.header.Get("Content-Id") != "<logo.png>" || !bytes.Equal(p.body, logo) {
		t.Errorf("inline part %s under %s Content-ID %q", p.media, p.parent, p.header.Get("Content-Id"))
	}
	if d := parts[1].header.Get("Content-Disposition"); !strings.HasPrefix(d, "inline") {
		t.Errorf("inline part disposition %q", d)
	}
	wantTypes := []string{"text/csv", "application/octet-stream", "image/png", "application/octet-stream"}
	for i, f := range files {
		p := parts[2+i]
		want, _ := os.ReadFile(f)
		if p.parent != "multipart/mixed" {
			t.Errorf("%s: parent %s", f, p.parent)
		}
		if p.media != wantTypes[i] {
			t.Errorf("%s: type %s, want %s", f, p.media, wantTypes[i])
		}
		_, dp, err := mime.ParseMediaType(p.header.Get("Content-Disposition"))
		if err != nil || !strings.HasPrefix(p.header.Get("Content-Disposition"), "attachment") || dp["filename"] != filepath.Base(f) {
			t.Errorf("%s: disposition %q (%v)", f, p.header.Get("Content-Disposition"), err)
		}
		if !bytes.Equal(p.body, want) {
			t.Errorf("%s: content differs: %q", f, p.body)
		}
	}
	if cid := parts[4].header.Get("Content-Id"); cid != "<shot.png>" {
		t.Errorf("image attachment Content-ID %q, want <shot.png>", cid)
	}
}

// Checklist 9-12: refused before any connection.
func TestValidationSendsNothing(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.txt")
	ok := []string{"a@example.com"}
	for _, tc := range []struct {
		name string
		msg  cupmail.Message
		is   error
		say  string
	}{
		{"missing attachment", cupmail.Message{To: ok, Attachments: []string{missing}}, fs.ErrNotExist, missing},
		{"missing inline", cupmail.Message{To: ok, Inline: []string{missing}}, fs.ErrNotExist, missing},
		{"directory", cupmail.Message{To: ok, Attachments: []string{dir}}, errs.ErrInvalidArgument, "not a regular file"},
		{"no recipients", cupmail.Message{Subject: "x"}, errs.ErrInvalidArgument, "no recipient"},
		{"injected address", cupmail.Message{To: []string{"a@b.com\r\nBcc: x@y"}}, errs.ErrInvalidArgument, "To address"},
		{"injected cc", cupmail.Message{To: ok, Cc: []string{"c@b.com\nX: y"}}, errs.ErrInvalidArgument, "Cc address"},
		{"injected display name", cupmail.Message{To: []string{"\"Evil\r\nBcc: x@y\" <a@b.com>"}}, errs.ErrInvalidArgument, "CR or LF"},
		{"bad address", cupmail.Message{To: []string{"not an address"}}, errs.ErrInvalidArgument, `"not an address"`},
		{"bad bcc", cupmail.Message{To: ok, Bcc: []string{"@@"}}, errs.ErrInvalidArgument, "Bcc address"},
		{"subject newline", cupmail.Message{To: ok, Subject: "hi\nBcc: x@y"}, errs.ErrInvalidArgument, "subject"},
		{"file name newline", cupmail.Message{To: ok, Attachments: []string{"a\r\nb.txt"}}, errs.ErrInvalidArgument, "CR or LF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, smtptest.Options{})
			m := newMailer(t, configFor(t, srv))
			err := m.Send(context.Background(), tc.msg)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.say) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tc.is, tc.say)
			}
			if n := srv.Connections(); n != 0 {
				t.Errorf("server saw %d connections, want 0", n)
			}
		})
	}
}

func TestSkipBadAttachments(t *testing.T) {
	srv := startServer(t, smtptest.Options{})
	var logBuf bytes.Buffer
	cfg := configFor(t, srv)
	cfg.SkipBadAttachments = true
	cfg.Logger = slog.New(slog.NewTextHandler(&logBuf, nil))
	m := newMailer(t, cfg)
	missing := filepath.Join(t.TempDir(), "gone.log")
	err := m.Send(context.Background(), cupmail.Message{To: []string{"a@example.com"}, Body: "b", Attachments: []string{missing, "testdata/report.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, parts := parse(t, onlyMessage(t, srv).Data)
	if len(parts) != 2 || parts[1].params["name"] != "report.csv" && !strings.Contains(parts[1].header.Get("Content-Disposition"), "report.csv") {
		t.Errorf("parts: %+v", parts)
	}
	if !strings.Contains(logBuf.String(), "level=WARN") || !strings.Contains(logBuf.String(), "attached is not a file:"+missing) {
		t.Errorf("log %q lacks the WARNING", logBuf.String())
	}
}

// Checklist 13.
func TestRecipientRefused(t *testing.T) {
	srv := startServer(t, smtptest.Options{RejectRcpt: map[string]int{"bad@example.com": 550}})
	m := newMailer(t, configFor(t, srv))
	err := m.Send(context.Background(), cupmail.Message{To: []string{"a@example.com", "bad@example.com"}, Body: "b"})
	var se *cupmail.SendError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *SendError", err)
	}
	if se.Stage != cupmail.StageRcpt || se.Code != 550 || len(se.Refused) != 1 || se.Refused[0] != "bad@example.com" {
		t.Errorf("SendError %+v", se)
	}
	if !strings.Contains(err.Error(), "bad@example.com") || !errors.Is(err, errs.ErrSMTP) {
		t.Errorf("error %q does not name the recipient or is not ErrSMTP", err)
	}
	for _, c := range srv.Commands() {
		if c == "DATA" {
			t.Error("DATA was sent after a refused recipient")
		}
	}
	if len(srv.Messages()) != 0 {
		t.Error("message delivered")
	}
}

func TestDataFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts smtptest.Options
		code int
	}{
		{"4xx on DATA", smtptest.Options{DataCode: 451}, 451},
		{"dropped mid-DATA", smtptest.Options{DropMidData: true}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, tc.opts)
			m := newMailer(t, configFor(t, srv))
			err := m.Send(context.Background(), cupmail.Message{To: []string{"a@example.com"}, Body: strings.Repeat("x", 100000)})
			var se *cupmail.SendError
			if !errors.As(err, &se) || se.Stage != cupmail.StageData || se.Code != tc.code {
				t.Fatalf("err = %v (%+v), want data-stage error with code %d", err, se, tc.code)
			}
			if !strings.Contains(err.Error(), "smtp data failed") {
				t.Errorf("error %q does not name the stage", err)
			}
		})
	}
}

// Checklist 14, 15, 21.
func TestAuth(t *testing.T) {
	users := map[string]string{"ops": "s3cret-pw"}
	t.Run("insecure auth refused before AUTH", func(t *testing.T) {
		srv := startServer(t, smtptest.Options{Users: users, AllowInsecureAuth: true})
		cfg := configFor(t, srv)
		cfg.Username, cfg.Password = "ops", "s3cret-pw"
		m := newMailer(t, cfg)
		err := m.Send(context.Background(), cupmail.Message{To: []string{"a@example.com"}})
		var se *cupmail.SendError
		if !errors.As(err, &se) || se.Stage != cupmail.StageAuth || !strings.Contains(err.Error(), "AllowInsecureAuth") {
			t.Fatalf("err = %v", err)
		}
		for _, c := range srv.Commands() {
			if strings.HasPrefix(c, "AUTH") {
				t.Errorf("server saw %s", c)
			}
		}
	})
	t.Run("insecure auth allowed", func(t *testing.T) {
		srv := startServer(t, smtptest.Options{Users: users, AllowInsecureAuth: true})
		cfg := configFor(t, srv)
		cfg.AllowInsecureAuth = true
		m := newMailer(t, cfg)
		m.Login("ops", "s3cret-pw")
		if err := m.Verify(context.Background()); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if err := m.Send(context.Background(), cupmail.Message{To: []string{"a@example.com"}}); err != nil {
			t.Fatal(err)
		}
		if env := onlyMessage(t, srv); env.User != "ops" {
			t.Errorf("delivered as %q", env.User)
		}
	})
	t.Run("bad password 535", func(t *testing.T) {
		srv := startServer(t, smtptest.Options{Users: users, AllowInsecureAuth: true})
		var logBuf bytes.Buffer
		cfg := configFor(t, srv)
		cfg.AllowInsecureAuth = true
		cfg.Logger = slog.New(slog.NewTextHandler(&logBuf, nil))
		m := newMailer(t, cfg)
		m.Login("ops", "wrong-pw-123")
		for _, err := range []error{
			m.Verify(context.Background()),
			m.Send(context.Background(), cupmail.Message{To: []string{"a@example.com"}}),
		} {
			var se *cupmail.SendError
			if !errors.As(err, &se) || se.Stage != cupmail.StageAuth || se.Code != 535 {
				t.Fatalf("err = %v, want auth failure 535", err)
			}
			if strings.Contains(err.Error(), "wrong-pw-123") {
				t.Error("password in the error")
			}
		}
		if strings.Contains(logBuf.String(), "wrong-pw-123") || !strings.Contains(logBuf.String(), "login with user ops") {
			t.Errorf("log: %q", logBuf.String())
		}
	})
}

// Checklist 16 and a server that requires TLS.
func TestTLS(t *testing.T) {
	serverTLS, pool, err := smtptest.SelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	clientTLS := func(cfg *cupmail.Config) { cfg.TLSConfig = &tls.Config{RootCAs: pool} }
	users := map[string]string{"ops": "pw"}
	for _, tc := range []struct {
		name    string
		opts    smtptest.Options
		sec     cupmail.Security
		auth    bool
		stage   string // "" = delivered
		wantTLS bool
	}{
		{"implicit TLS with auth", smtptest.Options{TLSConfig: serverTLS, ImplicitTLS: true, Users: users}, cupmail.SecurityImplicitTLS, true, "", true},
		{"opportunistic STARTTLS with auth", smtptest.Options{TLSConfig: serverTLS, Users: users}, cupmail.SecurityStartTLS, true, "", true},
		{"required STARTTLS offered", smtptest.Options{TLSConfig: serverTLS}, cupmail.SecurityStartTLSRequired, false, "", true},
		{"required STARTTLS missing", smtptest.Options{}, cupmail.SecurityStartTLSRequired, false, cupmail.StageStartTLS, false},
		{"server requires TLS", smtptest.Options{TLSConfig: serverTLS, RequireTLS: true}, cupmail.SecurityNone, false, cupmail.StageMail, false},
		{"untrusted certificate", smtptest.Options{TLSConfig: serverTLS}, -1, false, cupmail.StageStartTLS, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, tc.opts)
			cfg := configFor(t, srv)
			if tc.sec >= 0 {
				cfg.Security = tc.sec
				clientTLS(&cfg)
			}
			if tc.auth {
				cfg.Username, cfg.Password = "ops", "pw"
			}
			m := newMailer(t, cfg)
			err := m.Send(context.Background(), cupmail.Message{To: []string{"a@example.com"}, Body: "over tls"})
			if tc.stage == "" {
				if err != nil {
					t.Fatal(err)
				}
				if env := onlyMessage(t, srv); env.TLS != tc.wantTLS {
					t.Errorf("TLS = %v", env.TLS)
				}
				return
			}
			var se *cupmail.SendError
			if !errors.As(err, &se) || se.Stage != tc.stage {
				t.Fatalf("err = %v, want failure at %s", err, tc.stage)
			}
			if tc.stage == cupmail.StageMail && se.Code != 530 {
				t.Errorf("code %d, want 530", se.Code)
			}
		})
	}
}

// Checklist 17, 18.
func TestConnectionFailures(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().(*net.TCPAddr)
		ln.Close()
		m := newMailer(t, cupmail.Config{Sender: sender, Server: "127.0.0.1", Port: addr.Port})
		err = m.Send(context.Background(), cupmail.Message{To: []string{"a@example.com"}})
		var se *cupmail.SendError
		var oe *net.OpError
		if !errors.As(err, &se) || se.Stage != cupmail.StageConnect || !errors.As(err, &oe) {
			t.Fatalf("err = %v, want connect-stage error wrapping *net.OpError", err)
		}
	})
	silent := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var conns []net.Conn
		var mu sync.Mutex
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				mu.Lock()
				conns = append(conns, c) // hold it open, never greet
				mu.Unlock()
			}
		}()
		t.Cleanup(func() {
			ln.Close()
			wg.Wait()
			mu.Lock()
			for _, c := range conns {
				c.Close()
			}
			mu.Unlock()
		})
		return ln.Addr().String()
	}
	t.Run("never greets: Timeout", func(t *testing.T) {
		host, port, _ := net.SplitHostPort(silent(t))
		p, _ := strconv.Atoi(port)
		m := newMailer(t, cupmail.Config{Sender: sender, Server: host, Port: p, Timeout: 200 * time.Millisecond})
		err := m.Send(context.Background(), cupmail.Message{To: []string{"a@example.com"}})
		var se *cupmail.SendError
		if !errors.As(err, &se) || se.Stage != cupmail.StageGreeting || !errors.Is(err, errs.ErrTimeout) {
			t.Fatalf("err = %v, want greeting timeout", err)
		}
	})
	t.Run("never greets: ctx", func(t *testing.T) {
		host, port, _ := net.SplitHostPort(silent(t))
		p, _ := strconv.Atoi(port)
		m := newMailer(t, cupmail.Config{Sender: sender, Server: host, Port: p, Timeout: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		err := m.Send(ctx, cupmail.Message{To: []string{"a@example.com"}})
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, errs.ErrTimeout) {
			t.Fatalf("err = %v, want deadline exceeded", err)
		}
		ctx2, cancel2 := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel2)
		if err := m.Send(ctx2, cupmail.Message{To: []string{"a@example.com"}}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want canceled", err)
		}
	})
}

// Checklist 19.
func TestConcurrentSends(t *testing.T) {
	srv := startServer(t, smtptest.Options{})
	m := newMailer(t, configFor(t, srv))
	var wg sync.WaitGroup
	errc := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- m.Send(context.Background(), cupmail.Message{To: []string{"a@example.com"}, Subject: "n" + strconv.Itoa(i)})
		}()
	}
	wg.Add(1)
	go func() { defer wg.Done(); m.Login("u", "p"); m.Login("", "") }()
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(srv.Messages()); n != 20 {
		t.Errorf("%d delivered", n)
	}
}

// Checklist 20.
func TestSetConfig(t *testing.T) {
	m := newMailer(t, cupmail.Config{Sender: sender, Server: "127.0.0.1"})
	if err := m.SetConfig(cupmail.Config{Sender: sender}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("err = %v", err)
	}
	if m.Config().Server != "127.0.0.1" {
		t.Error("old config not kept")
	}
	for _, bad := range []cupmail.Config{
		{Server: "h"},
		{Sender: "not an address", Server: "h"},
		{Sender: sender, Server: "h", Port: 70000},
		{Sender: sender, Server: "h\r\nX"},
		{Sender: sender, Server: "h", Security: 9},
	} {
		if _, err := cupmail.New(bad); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("New(%+v) = %v", bad, err)
		}
	}
	if err := m.SetConfig(cupmail.Config{Sender: sender, Server: "::1", Port: 2525}); err != nil || m.Config().Port != 2525 {
		t.Errorf("SetConfig: %v", err)
	}
}

func TestSendAllOneConnection(t *testing.T) {
	srv := startServer(t, smtptest.Options{RejectRcpt: map[string]int{"bad@example.com": 550}})
	m := newMailer(t, configFor(t, srv))
	var msgs []cupmail.Message
	for i := range 5 {
		msgs = append(msgs, cupmail.Message{To: []string{"a@example.com"}, Subject: "m" + strconv.Itoa(i)})
	}
	if err := m.SendAll(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
	if srv.Connections() != 1 || len(srv.Messages()) != 5 {
		t.Fatalf("%d connections, %d messages", srv.Connections(), len(srv.Messages()))
	}
	msgs[2].To = []string{"bad@example.com"}
	err := m.SendAll(context.Background(), msgs...)
	var be *cupmail.BatchError
	if !errors.As(err, &be) || len(be.Errs) != 5 {
		t.Fatalf("err = %v", err)
	}
	for i, e := range be.Errs {
		if (e != nil) != (i == 2) {
			t.Errorf("message %d: %v", i, e)
		}
	}
	if srv.Connections() != 2 || len(srv.Messages()) != 9 {
		t.Errorf("%d connections, %d messages", srv.Connections(), len(srv.Messages()))
	}
	// An invalid message stops the batch before any connection.
	msgs[3].Subject = "a\nb"
	if err := m.SendAll(context.Background(), msgs...); !errors.Is(err, errs.ErrInvalidArgument) || !strings.Contains(err.Error(), "message 3") {
		t.Errorf("err = %v", err)
	}
	if srv.Connections() != 2 {
		t.Error("connected for an invalid batch")
	}
}

func TestWriteMessage(t *testing.T) {
	m := newMailer(t, cupmail.Config{Sender: sender, Server: "unused.invalid"})
	var buf bytes.Buffer
	if err := m.WriteMessage(&buf, cupmail.Message{To: []string{"a@example.com"}, Bcc: []string{"hidden@example.com"}, Subject: "preview", Body: "x"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "hidden@") || !strings.Contains(buf.String(), "Subject: preview") {
		t.Errorf("message:\n%s", buf.String())
	}
}

// FuzzHeaders checks that whatever subject and address a caller passes,
// either the message is refused or its header has exactly one Subject and
// To, no Bcc, and the subject decodes back.
func FuzzHeaders(f *testing.F) {
	f.Add("hello", "a@example.com", "B <b@example.com>")
	f.Add("hi\r\nBcc: x@y", "a@b.com\r\nBcc: x@y", "c@d")
	f.Add("日本語 subject", "\"Name, Q\" <q@x.org>", "x@y")
	f.Add("=?utf-8?q?a?=", "a@[127.0.0.1]", "b@example.com")
	m, err := cupmail.New(cupmail.Config{Sender: sender, Server: "unused.invalid"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, subject, to, bcc string) {
		var buf bytes.Buffer
		err := m.WriteMessage(&buf, cupmail.Message{To: []string{to}, Bcc: []string{bcc}, Subject: subject, Body: "b"})
		if err != nil {
			if !errors.Is(err, errs.ErrInvalidArgument) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		msg, err := mail.ReadMessage(&buf)
		if err != nil {
			t.Fatalf("unparsable output: %v", err)
		}
		if len(msg.Header["Subject"]) != 1 || len(msg.Header["To"]) != 1 || len(msg.Header["Bcc"]) != 0 {
			t.Fatalf("headers %v", msg.Header)
		}
		if subject != "" && utf8.ValidString(subject) {
			got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err == nil && strings.TrimSpace(got) != strings.TrimSpace(subject) && !strings.Contains(subject, "=?") {
				t.Fatalf("subject %q came back as %q", subject, got)
			}
		}
	})
}
