//go:build !linux

package netasync

import (
	"context"
	"net/netip"
	"time"

	"github.com/cupgo/cup/errs"
)

// engine is not implemented outside Linux.
type engine struct{}

type eventloop struct{ now time.Time }

func (*eventloop) trigger(*conn) {}

func (*conn) tryDirect() bool { return false }

func startEngine(*Center) (*engine, uint16, error) {
	return nil, 0, errs.New(errs.ErrNotSupported, "netasync: the message center needs Linux epoll")
}

func (*engine) dial(context.Context, netip.AddrPort) (*conn, error) { return nil, errs.ErrNotSupported }
func (*engine) register(*conn)                                      {}
func (*engine) closePeer(netip.AddrPort, error) bool                { return false }
func (*engine) closeListener()                                      {}
func (*engine) stop()                                               {}
