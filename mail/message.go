package mail

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/version"
)

// Message is one e-mail. To, Cc and Bcc together must name at least one
// address; Bcc addresses get the message but are never written into its
// headers.
type Message struct {
	To, Cc, Bcc []string
	Subject     string
	Body        string
	// HTML, when non-nil, overrides Config.HTML for this message (newest
	// CUP's sendmail(..., ishtml)).
	HTML *bool
	// Attachments are file paths attached in order, each with
	// Content-Disposition: attachment and a MIME type from the file's
	// extension. Images also carry "Content-ID: <base name>" so that an
	// HTML body can show them with <img src="cid:NAME">.
	Attachments []string
	// Inline are image (or other) files embedded next to the HTML body in
	// a multipart/related part, each with "Content-ID: <base name>" and
	// Content-Disposition: inline. Reference them from the HTML body as
	// cid: followed by the file's base name.
	Inline []string
}

// Bool returns a pointer to v, for Message.HTML.
func Bool(v bool) *bool { return &v }

// compressed lists the suffixes Python's mimetypes treats as an encoding
// rather than a type; CUP then falls back to application/octet-stream.
var compressed = map[string]bool{".gz": true, ".bz2": true, ".xz": true, ".z": true, ".br": true, ".zst": true, ".lz": true, ".lzma": true, ".tgz": true}

// contentType returns the MIME type for a file name: by extension,
// application/octet-stream when unknown or compressed.
func contentType(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == "" || compressed[ext] {
		return "application/octet-stream"
	}
	t := mime.TypeByExtension(ext)
	if t == "" {
		return "application/octet-stream"
	}
	if mt, _, err := mime.ParseMediaType(t); err == nil {
		return mt
	}
	return "application/octet-stream"
}

func hasCRLF(s string) bool { return strings.ContainsAny(s, "\r\n") }

// parseAddress parses one address and names the field on failure.
func parseAddress(field, s string) (*mail.Address, error) {
	if hasCRLF(s) {
		return nil, errs.New(errs.ErrInvalidArgument, "mail: %s address %q contains CR or LF (header injection)", field, s)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, errs.New(errs.ErrInvalidArgument, "mail: bad %s address %q: %w", field, s, err)
	}
	if hasCRLF(a.Name) {
		return nil, errs.New(errs.ErrInvalidArgument, "mail: %s display name %q contains CR or LF", field, a.Name)
	}
	return a, nil
}

// prepared is a validated message ready to be written and delivered.
type prepared struct {
	msg   *gomail.Msg
	rcpts []string // envelope recipients: To, Cc, Bcc, duplicates removed
}

// checkFile reports why path cannot be attached, or nil.
func checkFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return errs.New(errs.ErrInvalidArgument, "not a regular file (%s)", fi.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// prepare validates m against cfg and builds the go-mail message. Files are
// checked here and read when the message is written.
func prepare(cfg *Config, m *Message) (*prepared, error) {
	if hasCRLF(m.Subject) {
		return nil, errs.New(errs.ErrInvalidArgument, "mail: subject %q contains CR or LF (header injection)", m.Subject)
	}
	from, err := parseAddress("sender", cfg.Sender)
	if err != nil {
		return nil, err
	}
	p := &prepared{}
	seen := make(map[string]bool)
	var to, cc []*mail.Address
	for _, f := range []struct {
		name string
		in   []string
		out  *[]*mail.Address
	}{{"To", m.To, &to}, {"Cc", m.Cc, &cc}, {"Bcc", m.Bcc, nil}} {
		for _, s := range f.in {
			a, err := parseAddress(f.name, s)
			if err != nil {
				return nil, err
			}
			if f.out != nil {
				*f.out = append(*f.out, a)
			}
			key := strings.ToLower(a.Address)
			if !seen[key] {
				seen[key] = true
				p.rcpts = append(p.rcpts, a.Address)
			}
		}
	}
	if len(p.rcpts) == 0 {
		return nil, errs.New(errs.ErrInvalidArgument, "mail: no recipient in To, Cc or Bcc")
	}
	attach, err := checkFiles(cfg, "attachment", m.Attachments)
	if err != nil {
		return nil, err
	}
	inline, err := checkFiles(cfg, "inline file", m.Inline)
	if err != nil {
		return nil, err
	}

	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP), gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(from)
	if len(to) > 0 {
		msg.ToMailAddress(to...)
	}
	if len(cc) > 0 {
		msg.CcMailAddress(cc...)
	}
	// Bcc is deliberately not given to go-mail: it only goes into the
	// envelope.
	msg.SetGenHeaderPreformatted(gomail.HeaderSubject, encodeSubject(m.Subject))
	msg.SetDate()
	msg.SetMessageID()
	msg.SetGenHeader(gomail.HeaderXMailer, "cup/"+version.Version)
	html := cfg.HTML
	if m.HTML != nil {
		html = *m.HTML
	}
	ct := gomail.TypeTextPlain
	if html {
		ct = gomail.TypeTextHTML
	}
	msg.SetBodyString(ct, m.Body)
	for _, path := range inline {
		msg.EmbedFile(path, gomail.WithFileContentType(gomail.ContentType(contentType(path))))
	}
	for _, path := range attach {
		t := contentType(path)
		opts := []gomail.FileOption{gomail.WithFileContentType(gomail.ContentType(t))}
		if strings.HasPrefix(t, "image/") {
			opts = append(opts, gomail.WithFileContentID("<"+filepath.Base(path)+">"))
		}
		msg.AttachFile(path, opts...)
	}
	p.msg = msg
	return p, nil
}

// checkFiles returns the usable paths. A bad path is an error, or with
// SkipBadAttachments a WARNING in CUP's words.
func checkFiles(cfg *Config, what string, paths []string) ([]string, error) {
	var ok []string
	for _, path := range paths {
		if hasCRLF(path) {
			return nil, errs.New(errs.ErrInvalidArgument, "mail: %s name %q contains CR or LF", what, path)
		}
		err := checkFile(path)
		if err == nil {
			ok = append(ok, path)
			continue
		}
		if !cfg.SkipBadAttachments {
			return nil, fmt.Errorf("cup: mail: %s %s: %w", what, path, err)
		}
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errs.ErrInvalidArgument) {
			cfg.logger().Warn("attached is not a file:" + path)
		} else {
			cfg.logger().Warn(fmt.Sprintf("failed to attach %s, errmsg:%v. Will skip it", path, err))
		}
	}
	return ok, nil
}

// WriteMessage validates msg and writes it in RFC 5322 form to w, exactly
// as Send would transmit it after DATA (CRLF line ends). It contacts no
// server; use it to preview or archive a message.
func (m *Mailer) WriteMessage(w io.Writer, msg Message) error {
	cfg := m.config()
	p, err := prepare(&cfg, &msg)
	if err != nil {
		return err
	}
	if _, err := p.msg.WriteTo(w); err != nil {
		return fmt.Errorf("cup: mail: write message: %w", err)
	}
	return nil
}
