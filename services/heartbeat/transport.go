package heartbeat

import (
	"context"
	"fmt"
)

// MsgType says what a [Message] carries. The values are netasync's
// (CUP's CMsgType) so a netasync-backed transport can map them 1:1.
type MsgType uint8

const (
	// TypeHeartbeat is an agent's report; its body is a heartbeat body
	// (HostInfo JSON plus "name" and "seq").
	TypeHeartbeat MsgType = 1
	// TypeAckHeartbeat is the master's answer to a heartbeat.
	TypeAckHeartbeat MsgType = 6
)

// String returns the CUP name of t.
func (t MsgType) String() string {
	switch t {
	case TypeHeartbeat:
		return "HEART_BEAT"
	case TypeAckHeartbeat:
		return "ACK_HEART_BEAT"
	}
	return fmt.Sprintf("MsgType(%d)", uint8(t))
}

// Message is one transport-level message between an agent and a master.
type Message struct {
	Type MsgType
	// From is the address the sender listens on ("ip:port"), where
	// answers go (CUP's from address). Send fills it in when empty.
	From string
	// ID is the sender's message id; the master answers with ID+1, like
	// CUP's arrow master.
	ID   uint64
	Body []byte
}

// Handler receives the messages a transport delivers. Messages from one
// connection are delivered in order, one at a time; different
// connections may call it concurrently.
type Handler func(ctx context.Context, m Message)

// Transport carries messages between agents and a master. CUP's arrow
// runtime used its message center (netasync); [TCPTransport] and
// [MemTransport] are the built-in implementations.
//
// Implementations must be safe for concurrent use: Send may be called
// from many goroutines while Serve runs.
type Transport interface {
	// Addr is the address peers send to to reach this endpoint.
	Addr() string
	// Send delivers m to the endpoint listening on to. A nil error
	// means m was handed to the network, not that it arrived.
	Send(ctx context.Context, to string, m Message) error
	// Serve delivers incoming messages to h until ctx ends or Close is
	// called, then returns (ctx's error, or errs.ErrClosed after Close).
	// It may be called once.
	Serve(ctx context.Context, h Handler) error
	// Close stops Serve, closes every connection and waits for the
	// transport's goroutines. It may be called more than once.
	Close() error
}
