// Package netasync is an asynchronous TCP message center that speaks the
// wire format of CUP's cup.net.asyn (CUP 3.2.7 IMessageCenter, CNetMsg,
// CNeedAckMsg, CAckMsg).
//
// # Wire format
//
// A connection carries back-to-back frames of little-endian fields: flag
// (uint32), len (uint64, the whole frame), from and to (16-byte packed
// addresses: future, 0, stub, port, reversed IPv4 octets, 0), type
// (uint32), uniq_id (128 bits) and the body. Only the first frame written
// in each direction of a connection starts with the magic "CUP012-3" (and
// its len counts the magic). AppendFrame and Decoder implement this pure
// codec; the center decides the magic when a frame is written, not when it
// is queued, which removes CUP's urgent-message race.
//
// Interoperability: the codec is tested byte for byte against hex frames
// captured from CUP 3.2.7 (first frame, later frame, the arrow heartbeat
// and its answer), in both directions. A live test against Baidu's own CUP,
// TestInteropCUP, runs a CUP 3.2.7 IMessageCenter under Python 2.7 beside a
// Center: plain messages and need-ack messages each way, answered and
// acknowledged, with addresses, stubs, types, flags and 128-bit ids checked
// on both sides. CUP's code is not in this repository, so that test is
// built only with -tags interop and needs a CUP checkout
// (scripts/interop-cup.sh /path/to/CUP).
//
// # Center
//
// A Center (CUP IMessageCenter) listens on one IPv4 address; messages are
// addressed to the listening ip:port of the destination. Post reuses one
// outbound connection per destination, dialing it (bounded by ctx and
// Config.DialTimeout) when there is none; a peer answers by dialing our
// listening address taken from the message's From, so a pair of centers
// normally talks over two connections. Every connection, outbound ones
// included, is read. Messages of one connection reach the Handler in
// order, on a dispatcher goroutine, never on an event loop.
//
// Every message accepted by Post is either written to the kernel or
// passed to Config.OnDrop with the reason (connection closed, write
// timeout, Stop) — nothing is lost silently. Send queues are bounded
// (Config.SendQueueSize, urgent lane first, FIFO within a lane; a full
// queue returns errs.ErrQueueFull); dispatcher queues are bounded
// (Config.RecvQueueSize) and when full the event loops stop reading, so a
// slow handler slows the senders down through TCP instead of growing
// memory. PostNeedAck resends until acknowledged or timed out and calls
// its callback exactly once. Stop flushes queues until its ctx ends, then
// closes the listener and every connection; Close does it at once. Both
// may be called more than once.
//
// # Engine
//
// On Linux the center is an epoll multi-reactor built on
// golang.org/x/sys/unix: one accept loop that accepts until EAGAIN, and
// Config.Loops event loops (default GOMAXPROCS), each owning the sockets
// assigned to it, edge-triggered and non-blocking, with EPOLLOUT armed only
// while a write is pending. Other goroutines hand work to a loop through a
// queue and an eventfd wakeup; a Post that finds the connection idle
// writes directly. Frames are parsed iteratively, many per read. Socket
// options are CUP's (keepalive 1 s/3 s/5, SO_LINGER {1,0}, TCP_NODELAY,
// TCP_QUICKACK, SO_REUSEADDR), set with the fd helpers of package net.
// Other platforms compile, but Start returns errs.ErrNotSupported.
//
// # Allocation-free echo
//
// By default every received message is a fresh copy that the Handler
// owns. With Config.RecycleMessages the center recycles received messages
// instead (valid only during HandleMessage; Message.Clone keeps one), and
// Center.Reply queues a pooled copy of the reply, so a handler answering
// with Reply costs no allocation per message. With Config.InlineHandlers
// the replies to every frame of one read are written with one write.
//
// # CUP names
//
//	cup.net.asyn.msg.CNetMsg            Message, AppendFrame, Decoder
//	cup.net.asyn.msg.CNeedAckMsg        Center.PostNeedAck
//	cup.net.asyn.msg.CAckMsg            Message.NewAck
//	cup.net.asyn.msg.CMsgType           TypeRegistry, Type* constants
//	cup.net.asyn.msg.netmsg_tostring    Message.String
//	cup.net.asyn.common connaddr helpers Addr
//	cup.net.asyn.msgcenter.IMessageCenter Center
//	cup.services.generator.CycleIDGenerator NewIDGenerator (util/generator)
package netasync
