package threadpool

import "sync"

// waiter is a submitter whose context can be cancelled, waiting for room
// in a full bounded queue. It is woken by one value on ch.
type waiter struct {
	ch         chan struct{} // buffered 1
	prev, next *waiter
	queued     bool
}

var waiterPool = sync.Pool{New: func() any { return &waiter{ch: make(chan struct{}, 1)} }}

// waiterList is a FIFO of waiters. It is not safe for concurrent use.
type waiterList struct{ head, tail *waiter }

func (l *waiterList) push(w *waiter) {
	w.prev, w.next, w.queued = l.tail, nil, true
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
}

// remove unlinks w and reports whether it was still in the list.
func (l *waiterList) remove(w *waiter) bool {
	if !w.queued {
		return false
	}
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		l.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		l.tail = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
	return true
}

// wakeOne removes the first waiter and wakes it; false if there was none.
func (l *waiterList) wakeOne() bool {
	w := l.head
	if w == nil {
		return false
	}
	l.remove(w)
	w.ch <- struct{}{} // buffered and empty: never blocks
	return true
}
