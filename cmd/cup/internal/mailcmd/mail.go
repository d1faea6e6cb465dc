// Package mailcmd implements "cup mail send", a command-line face of the
// mail package.
package mailcmd

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/mail"
)

// Options are the parsed arguments of "cup mail send".
type Options struct {
	IO *cmdutil.IOStreams

	SMTP         string // HOST:PORT
	From         string
	To, Cc, Bcc  []string
	Subject      string
	TextFile     string
	HTMLFile     string
	Attach       []string
	Inline       []string
	User         string
	Password     string // from CUP_SMTP_PASSWORD, never a flag
	Security     string
	InsecureAuth bool
	Timeout      time.Duration
	JSON         bool
}

// NewCmd builds "cup mail" with its "send" subcommand. runF replaces the
// default run in tests.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mail <command>",
		Short: "Send e-mail over SMTP",
	}
	cmd.AddCommand(newCmdSend(f, runF))
	return cmd
}

func newCmdSend(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "send --smtp HOST:PORT --from ADDR --to ADDR [flags]",
		Short: "Send one message, with attachments and inline images",
		Long: `Send one message through an SMTP server.

The body is read from --text FILE or --html FILE ("-" reads standard input).
Images given with --inline are embedded next to the HTML body; reference
them as cid:NAME where NAME is the file's base name, e.g. <img src="cid:chart.png">.
--to, --cc and --bcc may be repeated or take comma-separated lists; Bcc
recipients never appear in the message headers.

With --user, the password is read from the CUP_SMTP_PASSWORD environment
variable. STARTTLS is used when the server offers it (--security).`,
		Example: `  cup mail send --smtp mail.example.com:25 --from ops@example.com \
    --to dev@example.com --subject "nightly" --html report.html --inline chart.png --attach data.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.IO = f.IO
			if opts.SMTP == "" || opts.From == "" {
				return cmdutil.FlagErrorf("--smtp and --from are required")
			}
			if len(opts.To)+len(opts.Cc)+len(opts.Bcc) == 0 {
				return cmdutil.FlagErrorf("give at least one of --to, --cc, --bcc")
			}
			if _, _, err := splitHostPort(opts.SMTP); err != nil {
				return cmdutil.FlagErrorf("--smtp %q: %v", opts.SMTP, err)
			}
			if _, err := mail.ParseSecurity(opts.Security); err != nil {
				return cmdutil.FlagErrorf("--security: %v", err)
			}
			if opts.User != "" {
				opts.Password = os.Getenv("CUP_SMTP_PASSWORD")
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.SMTP, "smtp", "", "SMTP server as HOST:PORT (port defaults to 25)")
	fl.StringVar(&opts.From, "from", "", "sender address (From header and envelope sender)")
	fl.StringSliceVar(&opts.To, "to", nil, "recipient (repeatable or comma-separated)")
	fl.StringSliceVar(&opts.Cc, "cc", nil, "carbon-copy recipient (repeatable or comma-separated)")
	fl.StringSliceVar(&opts.Bcc, "bcc", nil, "blind-copy recipient, kept out of the headers (repeatable or comma-separated)")
	fl.StringVar(&opts.Subject, "subject", "", "subject line")
	fl.StringVar(&opts.TextFile, "text", "", "plain-text body from FILE (- for stdin)")
	fl.StringVar(&opts.HTMLFile, "html", "", "HTML body from FILE (- for stdin)")
	fl.StringArrayVar(&opts.Attach, "attach", nil, "attach FILE (repeatable)")
	fl.StringArrayVar(&opts.Inline, "inline", nil, "embed FILE for the HTML body as cid:BASENAME (repeatable)")
	fl.StringVar(&opts.User, "user", "", "SMTP AUTH user; the password comes from $CUP_SMTP_PASSWORD")
	fl.StringVar(&opts.Security, "security", "starttls", "starttls, starttls-required, tls (implicit, port 465) or none")
	fl.BoolVar(&opts.InsecureAuth, "insecure-auth", false, "allow AUTH over an unencrypted connection")
	fl.DurationVar(&opts.Timeout, "timeout", mail.DefaultTimeout, "bound on connecting and on each SMTP command")
	cmdutil.AddJSONFlag(cmd, &opts.JSON)
	cmd.MarkFlagsMutuallyExclusive("text", "html")
	return cmd
}

func splitHostPort(s string) (string, int, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		// No port: the whole string is the host.
		if _, _, err2 := net.SplitHostPort(s + ":25"); err2 == nil {
			return s, 25, nil
		}
		return "", 0, err
	}
	p, err := strconv.Atoi(port)
	if err != nil || p <= 0 || p > 65535 {
		return "", 0, fmt.Errorf("bad port %q", port)
	}
	return host, p, nil
}

// result is what --json prints.
type result struct {
	Server     string   `json:"server"`
	From       string   `json:"from"`
	Recipients []string `json:"recipients"`
	Subject    string   `json:"subject"`
	Attached   []string `json:"attachments,omitempty"`
	Inline     []string `json:"inline,omitempty"`
}

func readBody(opts *Options) (string, bool, error) {
	path, html := opts.TextFile, false
	if opts.HTMLFile != "" {
		path, html = opts.HTMLFile, true
	}
	if path == "" {
		return "", false, nil
	}
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(opts.IO.In)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", false, fmt.Errorf("read body: %w", err)
	}
	return string(b), html, nil
}

func run(cmd *cobra.Command, opts *Options) error {
	host, port, _ := splitHostPort(opts.SMTP)
	sec, _ := mail.ParseSecurity(opts.Security)
	m, err := mail.New(mail.Config{
		Sender: opts.From, Server: host, Port: port, Security: sec,
		Username: opts.User, Password: opts.Password, AllowInsecureAuth: opts.InsecureAuth,
		Timeout: opts.Timeout,
	})
	if err != nil {
		return err
	}
	body, html, err := readBody(opts)
	if err != nil {
		return err
	}
	msg := mail.Message{
		To: opts.To, Cc: opts.Cc, Bcc: opts.Bcc, Subject: opts.Subject, Body: body,
		HTML: mail.Bool(html), Attachments: opts.Attach, Inline: opts.Inline,
	}
	if err := m.Send(cmd.Context(), msg); err != nil {
		return err
	}
	rcpts := append(append(append([]string(nil), opts.To...), opts.Cc...), opts.Bcc...)
	if opts.JSON {
		r := result{Server: opts.SMTP, From: opts.From, Recipients: rcpts, Subject: opts.Subject}
		for _, a := range opts.Attach {
			r.Attached = append(r.Attached, filepath.Base(a))
		}
		for _, a := range opts.Inline {
			r.Inline = append(r.Inline, filepath.Base(a))
		}
		return cmdutil.WriteJSON(opts.IO.Out, r)
	}
	fmt.Fprintf(opts.IO.Out, "sent %q to %d recipient(s) via %s\n", opts.Subject, len(rcpts), opts.SMTP)
	return nil
}
