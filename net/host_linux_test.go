package net

import (
	"context"
	"errors"
	stdnet "net"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// TestHostIPFallback runs the probe in a network namespace without routes
// (only a down lo), so the UDP connect fails with ENETUNREACH and HostIP
// must fall back to resolving the host name. Only one locked OS thread
// enters the namespace, and it returns to the original one afterwards.
func TestHostIPFallback(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs Linux and root to unshare a network namespace")
	}
	h, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	want, err := (&HostResolver{}).lookup(t.Context(), h, 1)
	if err != nil {
		t.Skipf("host name %q does not resolve here, the fallback has nothing to find: %v", h, err)
	}
	var got netip.Addr
	var probeErr, unshareErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// The thread may be the main one, which the runtime never ends, and
		// /proc/self/net follows the main thread's namespace: so put the
		// thread back before unlocking it, and sacrifice it if that fails.
		runtime.LockOSThread()
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			unshareErr = err
			runtime.UnlockOSThread()
			return
		}
		defer unix.Close(orig)
		if unshareErr = unix.Unshare(unix.CLONE_NEWNET); unshareErr != nil {
			runtime.UnlockOSThread()
			return
		}
		defer func() {
			if err := unix.Setns(orig, unix.CLONE_NEWNET); err == nil {
				runtime.UnlockOSThread()
			}
		}()
		// Check the namespace really has no route.
		if c, err := stdnet.Dial("udp4", DefaultHostIPProbe); err == nil {
			c.Close()
			unshareErr = errors.New("probe connected inside the empty namespace")
			return
		}
		got, probeErr = (&HostResolver{Resolver: fixedResolver{h: h, ip: want}}).HostIP(context.Background(), "")
	}()
	wg.Wait()
	if unshareErr != nil {
		t.Skipf("cannot make an unroutable namespace: %v", unshareErr)
	}
	if probeErr != nil || got != want {
		t.Fatalf("HostIP fallback = %v, %v; want %v (the host name's address)", got, probeErr, want)
	}
}

func TestLocalHostnameIsUname(t *testing.T) {
	h, err := LocalHostname()
	if err != nil {
		t.Fatal(err)
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		t.Fatal(err)
	}
	if n := unix.ByteSliceToString(u.Nodename[:]); h != n {
		t.Errorf("LocalHostname() = %q, uname -n = %q", h, n)
	}
}
