package jenkins

import "context"

// FTPConfig locates the FTP server that holds build artifacts (CUP
// enable_ftp). Port 0 means 21.
type FTPConfig struct {
	Host, User, Password string
	Port                 int
}

// WithFTP records where FTP artifacts live.
func WithFTP(cfg FTPConfig) Option {
	return func(c *Client) error { c.ftp = &cfg; return nil }
}

// FTPArtifacts would open the FTP artifact tree of b (CUP ftp_artifacts).
// Without WithFTP it is ErrFTP; a running build is ErrNotStopped;
// otherwise it is ErrNotImplemented in this version: use Artifacts and
// DownloadArtifact over HTTP.
func (b *Build) FTPArtifacts(ctx context.Context) error {
	if b.c.ftp == nil {
		return wrapf(ErrFTP, nil, "cannot connect to ftp server before WithFTP")
	}
	running, err := b.IsRunning(ctx)
	if err != nil {
		return err
	}
	if running {
		return wrapf(ErrNotStopped, nil, "%s", b.URL)
	}
	return wrapf(ErrNotImplemented, nil, "FTP artifacts (download over HTTP with DownloadArtifact)")
}
