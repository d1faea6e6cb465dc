// Command mail sends an HTML report with an inline chart and an attachment.
//
// With no flags it starts a throw-away SMTP server on 127.0.0.1, sends the
// message there and prints what the server received, so it runs anywhere:
//
//	go run ./examples/mail
//
// To send through a real relay:
//
//	go run ./examples/mail -smtp mail.example.com:587 -from ops@example.com -to you@example.com
//
// (set CUP_SMTP_USER and CUP_SMTP_PASSWORD to authenticate).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cupgo/cup/internal/smtptest"
	"github.com/cupgo/cup/mail"
)

func main() {
	smtpAddr := flag.String("smtp", "", "SMTP server HOST:PORT (default: an in-process demo server)")
	from := flag.String("from", "Ops <ops@example.com>", "sender")
	to := flag.String("to", "dev@example.com", "comma-separated recipients")
	flag.Parse()

	var demo *smtptest.Server
	if *smtpAddr == "" {
		var err error
		if demo, err = smtptest.Start(smtptest.Options{}); err != nil {
			log.Fatal(err)
		}
		defer demo.Close()
		*smtpAddr = demo.Addr
	}
	host, portStr, err := net.SplitHostPort(*smtpAddr)
	if err != nil {
		log.Fatalf("-smtp: %v", err)
	}
	port, _ := strconv.Atoi(portStr)

	// Files to send: a tiny PNG shown inline and a CSV attachment.
	dir, err := os.MkdirTemp("", "cup-mail-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	chart := filepath.Join(dir, "chart.png")
	csv := filepath.Join(dir, "load.csv")
	must(os.WriteFile(chart, tinyPNG, 0o644))
	must(os.WriteFile(csv, []byte("host,load\nweb1,0.42\nweb2,0.17\n"), 0o644))

	m, err := mail.New(mail.Config{
		Sender:   *from,
		Server:   host,
		Port:     port,
		Username: os.Getenv("CUP_SMTP_USER"),
		Password: os.Getenv("CUP_SMTP_PASSWORD"),
		Timeout:  10 * time.Second,
	})
	must(err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = m.Send(ctx, mail.Message{
		To:          strings.Split(*to, ","),
		Subject:     "Nightly load report / 夜间负载报告",
		Body:        `<h1>Load is fine</h1><p><img src="cid:chart.png" alt="chart"></p>`,
		HTML:        mail.Bool(true),
		Inline:      []string{chart},
		Attachments: []string{csv},
	})
	must(err)
	fmt.Println("sent")

	if demo != nil {
		env := demo.Messages()[0]
		fmt.Printf("server received MAIL FROM:<%s> RCPT TO:%v, %d bytes; headers:\n", env.From, env.To, len(env.Data))
		head, _, _ := strings.Cut(string(env.Data), "\r\n\r\n")
		fmt.Println(head)
	}
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// tinyPNG is a 1x1 red pixel.
var tinyPNG = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
	0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
	0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
	0x44, 0xae, 0x42, 0x60, 0x82,
}
