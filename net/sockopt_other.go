//go:build !linux

package net

import "github.com/cupgo/cup/errs"

func notSupported(what string) error {
	return errs.New(errs.ErrNotSupported, "%s: socket options are implemented on Linux only", what)
}

// SetKeepAliveFD is implemented on Linux only.
func SetKeepAliveFD(fd int, ka KeepAlive) error { return notSupported("SetKeepAlive") }

// SetLingerFD is implemented on Linux only.
func SetLingerFD(fd int, on bool, secs int) error { return notSupported("SetLinger") }

// SetQuickAckFD is implemented on Linux only.
func SetQuickAckFD(fd int) error { return notSupported("SetQuickAck") }

// SetNoDelayFD is implemented on Linux only.
func SetNoDelayFD(fd int, on bool) error { return notSupported("SetNoDelay") }

// SetReuseAddrFD is implemented on Linux only.
func SetReuseAddrFD(fd int, on bool) error { return notSupported("SetReuseAddr") }

// SetReusePortFD is implemented on Linux only.
func SetReusePortFD(fd int, on bool) error { return notSupported("SetReusePort") }

// SetRecvBufferFD is implemented on Linux only.
func SetRecvBufferFD(fd int, bytes int) error { return notSupported("SetRecvBuffer") }

// SetSendBufferFD is implemented on Linux only.
func SetSendBufferFD(fd int, bytes int) error { return notSupported("SetSendBuffer") }

// SetNonblockFD is implemented on Linux only.
func SetNonblockFD(fd int, on bool) error { return notSupported("SetNonblock") }
