package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/cupgo/cup/errs"
)

// MuttMessage is what [MuttSend] hands to mutt.
type MuttMessage struct {
	To          []string
	Subject     string
	Body        string
	Attachments []string
	HTML        bool
	// MuttPath is the mutt program. Empty means "mutt" looked up in PATH
	// (CUP hard-coded /usr/bin/mutt).
	MuttPath string
	// Timeout bounds the mutt run; zero means 60 s, as in CUP. On timeout
	// mutt is killed.
	Timeout time.Duration
}

// MuttSend sends a message by running mutt (CUP mutt_sendmail, which CUP
// itself did not recommend; prefer [Mailer.Send]). mutt runs without a
// shell: the subject, attachments and recipients are separate arguments
// and the body goes to its standard input, so nothing is word-split or
// globbed. The arguments are
//
//	[-e "my_hdr Content-Type: text/html"] -s SUBJECT [-a FILE... --] TO...
//
// If mutt is not installed the error wraps exec.ErrNotFound and says so.
// A non-zero exit is an error quoting mutt's exit code and standard error;
// a timeout wraps errs.ErrTimeout.
func MuttSend(ctx context.Context, m MuttMessage) error {
	if len(m.To) == 0 {
		return errs.New(errs.ErrInvalidArgument, "mail: mutt: no recipient")
	}
	if hasCRLF(m.Subject) {
		return errs.New(errs.ErrInvalidArgument, "mail: mutt: subject %q contains CR or LF (header injection)", m.Subject)
	}
	for _, to := range m.To {
		a, err := parseAddress("To", to)
		if err != nil {
			return err
		}
		if strings.HasPrefix(a.Address, "-") {
			return errs.New(errs.ErrInvalidArgument, "mail: mutt: recipient %q looks like an option", to)
		}
	}
	for _, path := range m.Attachments {
		if hasCRLF(path) {
			return errs.New(errs.ErrInvalidArgument, "mail: mutt: attachment name %q contains CR or LF", path)
		}
		if err := checkFile(path); err != nil {
			return fmt.Errorf("cup: mail: mutt: attachment %s: %w", path, err)
		}
	}
	prog := m.MuttPath
	if prog == "" {
		prog = "mutt"
	}
	path, err := exec.LookPath(prog)
	if err != nil {
		return fmt.Errorf("cup: mail: mutt is not installed (%w); use Mailer.Send, which speaks SMTP itself", err)
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, path, muttArgs(&m)...)
	cmd.Stdin = strings.NewReader(m.Body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return errs.New(errs.ErrTimeout, "mail: mutt did not finish within %v and was killed: %w", timeout, ctx.Err())
		}
		return errs.New(errs.ErrCanceled, "mail: mutt: %w", ctx.Err())
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return errs.New(errs.ErrShell, "mail: mutt exited with status %d: %s", ee.ExitCode(), strings.TrimSpace(stderr.String()))
	}
	return errs.New(errs.ErrShell, "mail: run mutt: %w", err)
}

func muttArgs(m *MuttMessage) []string {
	var args []string
	if m.HTML {
		args = append(args, "-e", "my_hdr Content-Type: text/html")
	}
	args = append(args, "-s", m.Subject)
	if len(m.Attachments) > 0 {
		args = append(args, "-a")
		args = append(args, m.Attachments...)
		args = append(args, "--")
	}
	return append(args, m.To...)
}
