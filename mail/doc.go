// Package mail sends e-mail over SMTP: text or HTML bodies, Cc and Bcc,
// file attachments and images shown inline in HTML through cid: links.
// It ports CUP's cup.mail.
//
// # CUP names
//
//	SmtpMailer(sender, server, port, is_html)  New(Config{Sender, Server, Port, HTML})
//	SmtpMailer.setup(...)                      (*Mailer).SetConfig
//	SmtpMailer.login(user, passwords)          (*Mailer).Login (stores), (*Mailer).Verify (checks)
//	SmtpMailer.sendmail(recipients, ...)       (*Mailer).Send(ctx, Message), (*Mailer).SendMail
//	mutt_sendmail(tostr, subject, body, ...)   MuttSend(ctx, MuttMessage)
//
// # What differs from CUP
//
// Every failure is an error, never a (False, 'None') tuple: a server refusal
// is a *SendError naming the stage (connect, greeting, hello, starttls,
// auth, mail, rcpt, data) with the server's reply code and text, and a
// refused recipient is listed in SendError.Refused — CUP silently dropped
// it and reported success. A message is sent to nobody when any recipient
// is refused. Bcc addresses only go into the SMTP envelope, never into a
// Bcc header. CR or LF in a subject, address, display name or file name is
// refused before anything is sent (header injection), as is a missing or
// unreadable attachment (CUP dropped it; Config.SkipBadAttachments brings
// that back with CUP's WARNING). The body is the first part, subjects are
// RFC 2047 encoded, image Content-IDs carry angle brackets (RFC 2392).
// Connections use STARTTLS when offered (Config.Security selects required
// STARTTLS, implicit TLS or none), AUTH is refused over plain text unless
// Config.AllowInsecureAuth, and Config.Timeout plus ctx bound every wait.
// SendAll sends many messages over one connection.
//
// # Why go-mail
//
// Messages are built with github.com/wneessen/go-mail (v0.8.1): it writes
// correct nested multipart/mixed, multipart/related and quoted-printable
// or base64 parts, RFC 2047 subjects, Message-ID and Date, which would be
// several hundred lines to redo over mime/multipart. The SMTP conversation
// is driven here, command by command, on go-mail's smtp client (a net/smtp
// fork that adds LOGIN auth and AUTH over plain text when explicitly
// allowed): go-mail's own Client reports a failure without the reply code
// of each refused recipient, bounds only the dial with ctx, and cannot say
// which stage failed. The standard library alone was the alternative, but
// its PlainAuth refuses plain-text AUTH to anything but localhost and it
// has no message builder.
package mail
