package bench

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/cupgo/cup/internal/smtptest"
	"github.com/cupgo/cup/mail"
)

// The mail benchmarks compare cup's mail package with go-mail used
// directly (BenchmarkMailCompose: building and writing one message), and
// cup's SendAll over one SMTP connection with one connection per message
// (BenchmarkMailSend1000; each op is 1000 messages to an in-process SMTP
// server on 127.0.0.1).

const mailHTML = `<html><body><h1>Nightly report</h1><img src="cid:a.png"><img src="cid:b.png"></body></html>`

func mailFiles(b *testing.B) (imgA, imgB, attach string) {
	dir := b.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		buf := make([]byte, n)
		if _, err := rand.Read(buf); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			b.Fatal(err)
		}
		return p
	}
	return write("a.png", 100<<10), write("b.png", 100<<10), write("data.bin", 1<<20)
}

// BenchmarkMailCompose builds an HTML message with two 100 KiB inline
// images and a 1 MiB attachment and writes it to io.Discard.
func BenchmarkMailCompose(b *testing.B) {
	imgA, imgB, attach := mailFiles(b)
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		m, err := mail.New(mail.Config{Sender: "ops@example.com", Server: "unused.invalid"})
		if err != nil {
			b.Fatal(err)
		}
		msg := mail.Message{To: []string{"dev@example.com"}, Subject: "report", Body: mailHTML, HTML: mail.Bool(true),
			Inline: []string{imgA, imgB}, Attachments: []string{attach}}
		for b.Loop() {
			if err := m.WriteMessage(io.Discard, msg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gomail", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			msg := gomail.NewMsg()
			if err := msg.From("ops@example.com"); err != nil {
				b.Fatal(err)
			}
			if err := msg.To("dev@example.com"); err != nil {
				b.Fatal(err)
			}
			msg.Subject("report")
			msg.SetBodyString(gomail.TypeTextHTML, mailHTML)
			msg.EmbedFile(imgA)
			msg.EmbedFile(imgB)
			msg.AttachFile(attach)
			if _, err := msg.WriteTo(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMailSend1000 sends 1000 small messages per op: "cup" uses
// Mailer.SendAll (one connection), "perconn" calls Mailer.Send 1000 times
// (a connection each, as CUP's sendmail does).
func BenchmarkMailSend1000(b *testing.B) {
	srv, err := smtptest.Start(smtptest.Options{DiscardData: true})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	host, port, _ := net.SplitHostPort(srv.Addr)
	p, _ := strconv.Atoi(port)
	m, err := mail.New(mail.Config{Sender: "ops@example.com", Server: host, Port: p, Security: mail.SecurityNone,
		Timeout: 30 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	msgs := make([]mail.Message, 1000)
	for i := range msgs {
		msgs[i] = mail.Message{To: []string{"dev@example.com"}, Subject: "alert " + strconv.Itoa(i), Body: "disk almost full on web" + strconv.Itoa(i)}
	}
	ctx := context.Background()
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := m.SendAll(ctx, msgs...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("perconn", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, msg := range msgs {
				if err := m.Send(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
