package msgbroker

import (
	"fmt"
	"time"
)

// Type is a message type (CUP MSG_TYPE_*). Applications may define more.
type Type int

const (
	// TypeFatal is an error after which the path should stop (CUP
	// MSG_TYPE_FATAL).
	TypeFatal Type = 0
	// TypeWarn is a warning (CUP MSG_TYPE_WARN).
	TypeWarn Type = 1
)

// String returns "FATAL", "WARN" or "Type(N)".
func (t Type) String() string {
	switch t {
	case TypeFatal:
		return "FATAL"
	case TypeWarn:
		return "WARN"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// ErrorDiskError is CUP's MSG_ERROR_DISK_ERROR error code, kept for code
// that ports it as the Code of a message.
const ErrorDiskError = 1

// Msg is one message.
type Msg struct {
	Type Type
	// Path is what the message is about (System); "" for Center messages.
	Path string
	// Text is the message (CUP msg / extra_info).
	Text string
	// Err is the error being reported, if any (CUP's error argument).
	Err error
	// Time is when the broker received it, by its clock.
	Time time.Time
}

// Options configure a Center or a System. The zero value means the
// defaults.
type Options struct {
	// MaxQueued bounds each type's queue of a Center and each path's
	// history of a System; 0 means 1024.
	MaxQueued int
	// Now supplies message times; nil means time.Now.
	Now func() time.Time
}

func (o Options) maxQueued() int {
	if o.MaxQueued > 0 {
		return o.MaxQueued
	}
	return 1024
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}
