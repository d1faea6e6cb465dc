package mail

import (
	"errors"
	"fmt"
	"net/textproto"
	"strings"

	"github.com/cupgo/cup/errs"
)

// Stages of an SMTP conversation, as named in [SendError].Stage.
const (
	StageConnect  = "connect"  // TCP connect (and TLS handshake for implicit TLS)
	StageGreeting = "greeting" // the server's 220 banner
	StageHello    = "hello"    // EHLO/HELO
	StageStartTLS = "starttls" // STARTTLS and its handshake
	StageAuth     = "auth"     // SMTP AUTH
	StageMail     = "mail"     // MAIL FROM
	StageRcpt     = "rcpt"     // RCPT TO
	StageData     = "data"     // DATA, the message text and the final reply
	StageNoop     = "noop"     // NOOP (Verify)
)

// SendError is a failed SMTP conversation. It names the stage that failed
// and, for RCPT, every refused recipient. errors.As(err, &sendErr) exposes
// the server's reply code and text; errors.Is(err, errs.ErrSMTP) is true,
// and so is errors.Is with the transport error it wraps (a timeout matches
// errs.ErrTimeout and context.DeadlineExceeded).
type SendError struct {
	// Stage is one of the Stage constants.
	Stage string
	// Code is the SMTP reply code (e.g. 550, 451, 535), 0 when the
	// failure was not a reply (a dropped connection, a timeout).
	Code int
	// Msg is the server's reply text, if any.
	Msg string
	// Refused lists the recipients refused at RCPT, in envelope order.
	// Nothing was delivered to anyone when it is non-empty.
	Refused []string
	// Err is the underlying error.
	Err error
}

func (e *SendError) Error() string {
	var b strings.Builder
	b.WriteString("cup: mail: smtp ")
	b.WriteString(e.Stage)
	b.WriteString(" failed")
	if len(e.Refused) > 0 {
		b.WriteString(": recipient(s) refused: ")
		b.WriteString(strings.Join(e.Refused, ", "))
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, ": %d %s", e.Code, e.Msg)
	} else if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns errs.ErrSMTP and the underlying error.
func (e *SendError) Unwrap() []error {
	if e.Err == nil {
		return []error{errs.ErrSMTP}
	}
	return []error{errs.ErrSMTP, e.Err}
}

// newSendError builds a SendError for stage from err, taking the code and
// text from a *textproto.Error anywhere in its chain.
func newSendError(stage string, err error) *SendError {
	se := &SendError{Stage: stage, Err: err}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		se.Code, se.Msg = tp.Code, tp.Msg
	}
	return se
}

// BatchError is returned by [Mailer.SendAll] when at least one message was
// not delivered. Errs has one entry per message, nil for those delivered.
type BatchError struct {
	Errs []error
}

func (e *BatchError) Error() string {
	n, first := 0, -1
	for i, err := range e.Errs {
		if err != nil {
			n++
			if first < 0 {
				first = i
			}
		}
	}
	return fmt.Sprintf("cup: mail: %d of %d messages not delivered; message %d: %v", n, len(e.Errs), first, e.Errs[first])
}

// Unwrap returns the non-nil per-message errors.
func (e *BatchError) Unwrap() []error {
	var out []error
	for _, err := range e.Errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}
