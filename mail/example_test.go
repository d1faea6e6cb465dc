package mail_test

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/cupgo/cup/internal/smtptest"
	"github.com/cupgo/cup/mail"
)

func Example() {
	srv, err := smtptest.Start(smtptest.Options{}) // stands in for a real relay
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	host, port, _ := net.SplitHostPort(srv.Addr)
	p, _ := strconv.Atoi(port)

	m, err := mail.New(mail.Config{Sender: "Ops <ops@example.com>", Server: host, Port: p})
	if err != nil {
		panic(err)
	}
	err = m.Send(context.Background(), mail.Message{
		To:      []string{"dev@example.com"},
		Bcc:     []string{"audit@example.com"},
		Subject: "nightly report",
		Body:    `<h1>All green</h1><img src="cid:logo.png">`,
		HTML:    mail.Bool(true),
		Inline:  []string{"testdata/logo.png"},
	})
	fmt.Println("error:", err)
	env := srv.Messages()[0]
	fmt.Println("from:", env.From, "to:", env.To)
	// Output:
	// error: <nil>
	// from: ops@example.com to: [dev@example.com audit@example.com]
}

func ExampleSendError() {
	srv, _ := smtptest.Start(smtptest.Options{RejectRcpt: map[string]int{"gone@example.com": 550}})
	defer srv.Close()
	host, port, _ := net.SplitHostPort(srv.Addr)
	p, _ := strconv.Atoi(port)
	m, _ := mail.New(mail.Config{Sender: "ops@example.com", Server: host, Port: p})

	err := m.Send(context.Background(), mail.Message{To: []string{"dev@example.com", "gone@example.com"}, Body: "hi"})
	if se, ok := err.(*mail.SendError); ok {
		fmt.Println(se.Stage, se.Code, se.Refused)
	}
	// Output: rcpt 550 [gone@example.com]
}
