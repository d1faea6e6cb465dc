package net

import (
	"context"
	"errors"
	stdnet "net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

func TestLocalHostname(t *testing.T) {
	h, err := LocalHostname()
	want, _ := os.Hostname()
	if err != nil || h != want || h == "" {
		t.Fatalf("LocalHostname() = %q, %v; want %q", h, err, want)
	}
	got := LocalHostnameResolvable(t.Context())
	if _, err := stdnet.DefaultResolver.LookupIP(t.Context(), "ip4", h); err == nil {
		if got != h {
			t.Errorf("LocalHostnameResolvable() = %q, want %q (it resolves)", got, h)
		}
	} else if got != "localhost" {
		t.Errorf("LocalHostnameResolvable() = %q, want localhost (%q does not resolve)", got, h)
	}
}

// TestHostIPPrimary compares HostIP(ctx, "") with the src address of
// "ip route get 8.8.8.8" (the kernel's choice; no packet is sent).
func TestHostIPPrimary(t *testing.T) {
	ipBin, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("ip (iproute2) not installed: cannot cross-check")
	}
	out, err := exec.Command(ipBin, "-4", "route", "get", "8.8.8.8").Output()
	if err != nil {
		t.Skipf("no route to 8.8.8.8 here: %v", err)
	}
	f := strings.Fields(string(out))
	var src string
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "src" {
			src = f[i+1]
		}
	}
	got, err := HostIP(t.Context(), "")
	if err != nil || got.String() != src {
		t.Fatalf("HostIP(\"\") = %v, %v; ip route get says src %s", got, err, src)
	}
}

// fixedResolver answers one name; anything else is "no such host".
type fixedResolver struct {
	h  string
	ip netip.Addr
}

func (r fixedResolver) LookupIP(_ context.Context, _, host string) ([]stdnet.IP, error) {
	if host == r.h {
		return []stdnet.IP{r.ip.AsSlice()}, nil
	}
	return nil, &stdnet.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func TestHostIPByName(t *testing.T) {
	got, err := HostIP(t.Context(), "localhost")
	if err != nil || got != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("HostIP(localhost) = %v, %v", got, err)
	}
	got, err = HostIP(t.Context(), "127.0.0.9")
	if err != nil || got != netip.MustParseAddr("127.0.0.9") {
		t.Fatalf("HostIP(127.0.0.9) = %v, %v", got, err)
	}
}

// scriptedResolver fails the first fails calls with err, then answers.
type scriptedResolver struct {
	mu    sync.Mutex
	calls int
	fails int
	err   error
	ips   []stdnet.IP
}

func (r *scriptedResolver) LookupIP(context.Context, string, string) ([]stdnet.IP, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls <= r.fails {
		return nil, r.err
	}
	return r.ips, nil
}

func TestHostIPRetries(t *testing.T) {
	temporary := &stdnet.DNSError{Err: "server misbehaving", Name: "h", IsTemporary: true}
	nxdomain := &stdnet.DNSError{Err: "no such host", Name: "h", IsNotFound: true}
	tests := []struct {
		name      string
		res       *scriptedResolver
		want      string
		wantErr   error
		wantCalls int
	}{
		{"answers at once", &scriptedResolver{ips: []stdnet.IP{stdnet.ParseIP("10.1.1.1")}}, "10.1.1.1", nil, 1},
		{"skips IPv6 answers", &scriptedResolver{ips: []stdnet.IP{stdnet.ParseIP("2001:db8::1"), stdnet.ParseIP("10.1.1.2")}}, "10.1.1.2", nil, 1},
		{"temporary failures then success", &scriptedResolver{fails: 3, err: temporary, ips: []stdnet.IP{stdnet.ParseIP("10.1.1.3")}}, "10.1.1.3", nil, 4},
		{"gives up after 10 attempts", &scriptedResolver{fails: 100, err: temporary}, "", errs.ErrHostNotFound, 10},
		{"definite no such host is not retried", &scriptedResolver{fails: 100, err: nxdomain}, "", errs.ErrHostNotFound, 1},
		{"no IPv4 answer", &scriptedResolver{ips: []stdnet.IP{stdnet.ParseIP("2001:db8::1")}}, "", errs.ErrHostNotFound, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sleeps []time.Duration
			r := &HostResolver{Resolver: tt.res, Sleep: func(_ context.Context, d time.Duration) error {
				sleeps = append(sleeps, d)
				return nil
			}}
			got, err := r.HostIP(t.Context(), "h")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !errors.Is(err, errs.ErrNotFound) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			} else if err != nil || got.String() != tt.want {
				t.Fatalf("HostIP = %v, %v; want %s", got, err, tt.want)
			}
			if tt.res.calls != tt.wantCalls {
				t.Errorf("%d lookups, want %d", tt.res.calls, tt.wantCalls)
			}
			if len(sleeps) != tt.wantCalls-1 {
				t.Errorf("%d pauses for %d lookups", len(sleeps), tt.wantCalls)
			}
			for _, d := range sleeps {
				if d < 100*time.Millisecond {
					t.Errorf("pause of %v, want ≥ 100ms", d)
				}
			}
		})
	}
}

func TestHostIPContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, host := range []string{"", "localhost"} {
		if _, err := HostIP(ctx, host); !errors.Is(err, context.Canceled) {
			t.Errorf("HostIP(canceled, %q) err = %v, want context.Canceled", host, err)
		}
	}
	// Cancelled while waiting between attempts, with the real timer.
	ctx, cancel = context.WithCancel(t.Context())
	res := &scriptedResolver{fails: 100, err: &stdnet.DNSError{Err: "timeout", IsTimeout: true, IsTemporary: true}}
	r := &HostResolver{Resolver: res, RetryDelay: time.Hour}
	done := make(chan error, 1)
	go func() { _, err := r.HostIP(ctx, "h"); done <- err }()
	for {
		res.mu.Lock()
		n := res.calls
		res.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
