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
// Interoperability: no Python 2.7 / CUP 3.2.7 peer is available where this
// package is developed and tested, so instead of a live interop test the
// codec is tested byte for byte against the hex frames that were captured
// from CUP 3.2.7 (first frame, later frame, the arrow heartbeat and its
// answer), in both directions.
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
