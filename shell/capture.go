package shell

import "sync"

// capture keeps a stream's output: all of it when max is 0, otherwise the
// first max-max/2 bytes and a ring of the last max/2 bytes, counting what
// falls out of the middle (the idea of os/exec's prefixSuffixSaver, with
// an exact total). It is safe for one writer and concurrent snapshots.
type capture struct {
	mu      sync.Mutex
	max     int64
	head    []byte
	tail    []byte // ring of at most max/2 bytes once full
	off     int    // oldest byte of tail once it is full
	dropped int64
}

func newCapture(max int64) *capture { return &capture{max: max} }

func (c *capture) write(p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.max == 0 {
		c.head = append(c.head, p...)
		return
	}
	headCap := int(c.max - c.max/2)
	if room := headCap - len(c.head); room > 0 {
		n := min(room, len(p))
		c.head = append(c.head, p[:n]...)
		p = p[n:]
	}
	if len(p) == 0 {
		return
	}
	tailCap := int(c.max / 2)
	if len(p) > tailCap {
		c.dropped += int64(len(p) - tailCap)
		p = p[len(p)-tailCap:]
	}
	if room := tailCap - len(c.tail); room > 0 {
		n := min(room, len(p))
		c.tail = append(c.tail, p[:n]...)
		p = p[n:]
	}
	for len(p) > 0 {
		n := copy(c.tail[c.off:], p)
		p = p[n:]
		c.dropped += int64(n)
		c.off += n
		if c.off == len(c.tail) {
			c.off = 0
		}
	}
}

// result returns the kept bytes in stream order and the dropped count.
func (c *capture) result() (string, int64) {
	if c == nil {
		return "", 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.tail) == 0 {
		return string(c.head), c.dropped
	}
	b := make([]byte, 0, len(c.head)+len(c.tail))
	b = append(b, c.head...)
	b = append(b, c.tail[c.off:]...)
	b = append(b, c.tail[:c.off]...)
	return string(b), c.dropped
}
