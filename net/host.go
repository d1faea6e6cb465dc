package net

import (
	"context"
	"errors"
	stdnet "net"
	"net/netip"
	"os"
	"time"

	"github.com/cupgo/cup/errs"
)

// LocalHostname returns the kernel's host name, as "uname -n" prints it
// (CUP get_local_hostname of 3.2.7).
func LocalHostname() (string, error) {
	h, err := os.Hostname()
	if err != nil {
		return "", errs.New(errs.ErrNet, "host name: %w", err)
	}
	return h, nil
}

// LocalHostnameResolvable returns the host name if it resolves to an IPv4
// address, and "localhost" otherwise (the newest CUP's
// get_local_hostname).
func LocalHostnameResolvable(ctx context.Context) string {
	h, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	if _, err := stdnet.DefaultResolver.LookupIP(ctx, "ip4", h); err != nil {
		return "localhost"
	}
	return h
}

// DefaultHostIPProbe is the address HostIP "connects" a UDP socket to when
// it looks for the machine's primary address. No packet is sent.
const DefaultHostIPProbe = "8.8.8.8:80"

// IPResolver is the part of *net.Resolver that HostResolver uses.
type IPResolver interface {
	LookupIP(ctx context.Context, network, host string) ([]stdnet.IP, error)
}

// HostResolver finds IPv4 addresses of host names (CUP get_hostip). The
// zero value uses net.DefaultResolver, the probe DefaultHostIPProbe, 10
// attempts 100 ms apart and real time. A HostResolver is safe for
// concurrent use if its Resolver is.
type HostResolver struct {
	// Resolver looks names up; nil means net.DefaultResolver.
	Resolver IPResolver
	// Probe is the "ip:port" a UDP socket is connected to by
	// HostIP(ctx, ""); "" means DefaultHostIPProbe.
	Probe string
	// Attempts bounds the lookups of one name; 0 means 10.
	Attempts int
	// RetryDelay is the pause between attempts; 0 means 100 ms.
	RetryDelay time.Duration
	// Sleep waits d or until ctx ends, returning ctx.Err() then; nil
	// means a timer. Tests replace it to avoid waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// Hostname returns the local host name; nil means os.Hostname.
	Hostname func() (string, error)
}

// HostIP is (&HostResolver{}).HostIP.
func HostIP(ctx context.Context, hostname string) (netip.Addr, error) {
	return (&HostResolver{}).HostIP(ctx, hostname)
}

// HostIP returns an IPv4 address of hostname: the first one the resolver
// gives. Lookups that fail with anything but a definite "no such host" are
// retried up to Attempts times, RetryDelay apart; the final error matches
// errs.ErrHostNotFound and wraps the resolver's error.
//
// With hostname "" it returns the machine's primary IPv4 address: the
// source address the kernel picks for a UDP socket connected to Probe
// (the "src" of "ip route get 8.8.8.8"). If that fails (no route), it
// falls back to resolving the local host name once.
//
// If ctx ends first, the error is ctx.Err().
func (r *HostResolver) HostIP(ctx context.Context, hostname string) (netip.Addr, error) {
	if err := ctx.Err(); err != nil {
		return netip.Addr{}, err
	}
	if hostname != "" {
		return r.lookup(ctx, hostname, r.attempts())
	}
	probe := r.Probe
	if probe == "" {
		probe = DefaultHostIPProbe
	}
	var d stdnet.Dialer
	c, err := d.DialContext(ctx, "udp4", probe)
	if err == nil {
		a := c.LocalAddr().(*stdnet.UDPAddr).AddrPort().Addr().Unmap()
		c.Close()
		return a, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return netip.Addr{}, ctxErr
	}
	hn := r.Hostname
	if hn == nil {
		hn = os.Hostname
	}
	h, herr := hn()
	if herr != nil {
		return netip.Addr{}, errs.New(errs.ErrHostNotFound, "primary address: probe %s: %w; host name: %w", probe, err, herr)
	}
	a, lerr := r.lookup(ctx, h, 1)
	if lerr != nil {
		return netip.Addr{}, errs.New(errs.ErrHostNotFound, "primary address: probe %s: %w; fallback: %w", probe, err, lerr)
	}
	return a, nil
}

func (r *HostResolver) attempts() int {
	if r.Attempts > 0 {
		return r.Attempts
	}
	return 10
}

func (r *HostResolver) lookup(ctx context.Context, host string, attempts int) (netip.Addr, error) {
	res := r.Resolver
	if res == nil {
		res = stdnet.DefaultResolver
	}
	delay := r.RetryDelay
	if delay <= 0 {
		delay = 100 * time.Millisecond
	}
	sleep := r.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	var lastErr error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if err := sleep(ctx, delay); err != nil {
				return netip.Addr{}, err
			}
		}
		ips, err := res.LookupIP(ctx, "ip4", host)
		if err == nil {
			for _, ip := range ips {
				if a, ok := netip.AddrFromSlice(ip); ok && a.Unmap().Is4() {
					return a.Unmap(), nil
				}
			}
			err = errs.New(errs.ErrHostNotFound, "host %q has no IPv4 address", host)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return netip.Addr{}, ctxErr
		}
		lastErr = err
		var dnsErr *stdnet.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound && !dnsErr.IsTemporary {
			break // a definite answer: asking again will not change it
		}
	}
	return netip.Addr{}, errs.New(errs.ErrHostNotFound, "host %q not found: %w", host, lastErr)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
