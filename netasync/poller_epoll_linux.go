package netasync

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"github.com/cupgo/cup/errs"
)

// poller is an epoll instance plus an eventfd that wakes it.
type poller struct {
	epfd   int
	efd    int
	events []unix.EpollEvent
	wbuf   [8]byte
}

func newPoller() (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, errs.New(errs.ErrAsyncMsg, "netasync: epoll_create1: %w", err)
	}
	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, errs.New(errs.ErrAsyncMsg, "netasync: eventfd: %w", err)
	}
	p := &poller{epfd: epfd, efd: efd, events: make([]unix.EpollEvent, 256)}
	binary.NativeEndian.PutUint64(p.wbuf[:], 1)
	if err := p.add(efd, unix.EPOLLIN); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

func (p *poller) ctl(op, fd int, ev uint32) error {
	e := unix.EpollEvent{Events: ev, Fd: int32(fd)}
	if err := unix.EpollCtl(p.epfd, op, fd, &e); err != nil {
		return errs.New(errs.ErrAsyncMsg, "netasync: epoll_ctl(%d, fd %d): %w", op, fd, err)
	}
	return nil
}

func (p *poller) add(fd int, ev uint32) error { return p.ctl(unix.EPOLL_CTL_ADD, fd, ev) }
func (p *poller) mod(fd int, ev uint32) error { return p.ctl(unix.EPOLL_CTL_MOD, fd, ev) }
func (p *poller) del(fd int) error            { return p.ctl(unix.EPOLL_CTL_DEL, fd, 0) }

// wake makes a concurrent wait return. Safe for concurrent use.
func (p *poller) wake() {
	for {
		_, err := unix.Write(p.efd, p.wbuf[:])
		if err != unix.EINTR {
			return // EAGAIN: the counter is already non-zero
		}
	}
}

// wait waits up to msec milliseconds (-1: forever) and returns the number
// of events in p.events. The caller skips and drains the eventfd (see
// isWake).
func (p *poller) wait(msec int) (int, error) {
	n, err := unix.EpollWait(p.epfd, p.events, msec)
	if err == unix.EINTR {
		return 0, nil
	}
	if err != nil {
		return 0, errs.New(errs.ErrAsyncMsg, "netasync: epoll_wait: %w", err)
	}
	return n, nil
}

// isWake reports whether fd is the eventfd, and drains it if so.
func (p *poller) isWake(fd int) bool {
	if fd != p.efd {
		return false
	}
	var b [8]byte
	unix.Read(p.efd, b[:])
	return true
}

func (p *poller) close() {
	unix.Close(p.efd)
	unix.Close(p.epfd)
}
