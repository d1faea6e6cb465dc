package threadpool

// ring is a growable FIFO of tasks. It is not safe for concurrent use.
type ring struct {
	buf        []task
	head, size int
}

func (r *ring) len() int { return r.size }

func (r *ring) push(t task) {
	if r.size == len(r.buf) {
		n := max(16, 2*len(r.buf))
		buf := make([]task, n)
		k := copy(buf, r.buf[r.head:])
		copy(buf[k:], r.buf[:r.head])
		r.buf, r.head = buf, 0
	}
	r.buf[(r.head+r.size)%len(r.buf)] = t
	r.size++
}

// popInto moves the head of the ring into t and reports whether there was
// one.
func (r *ring) popInto(t *task) bool {
	if r.size == 0 {
		return false
	}
	*t = r.buf[r.head]
	r.buf[r.head] = task{}
	r.head = (r.head + 1) % len(r.buf)
	r.size--
	if r.size == 0 && len(r.buf) > 1024 {
		r.buf, r.head = nil, 0 // give back memory after a burst
	}
	return true
}
