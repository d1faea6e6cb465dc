package netasync

// conn is one TCP connection of a center. Its socket, decoder and write
// buffer are owned by one event loop goroutine; other goroutines only
// touch the send queue under mu and wake the loop.
type conn struct{}
