package errs

// Sentinels of shell/remote.
var (
	// ErrSSHHostKey: the host's key is unknown (and accepting new keys was
	// not asked for) or differs from the recorded one. It matches ErrNet.
	ErrSSHHostKey = newKind("ssh host key verification failed", ErrNet)
	// ErrSSHAuth: the server refused every offered credential. It matches
	// ErrNet.
	ErrSSHAuth = newKind("ssh authentication failed", ErrNet)
)
