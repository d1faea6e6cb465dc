package errs

// Sentinels of the mail package.
var (
	// ErrSMTP: an SMTP server refused a command or the SMTP conversation
	// failed (CUP's smtplib.SMTPException, which SmtpMailer hid behind
	// its (False, 'None') result). It matches ErrNet.
	ErrSMTP = newKind("smtp error", ErrNet)
)
