package net

import (
	"context"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/cupgo/cup/errs"
)

// DefaultPublicIPEndpoints are the services PublicIPv4 asks by default
// (those of CUP's ipaddr.realip_v4).
var DefaultPublicIPEndpoints = []string{"http://ident.me", "http://ifconfig.me", "http://ipinfo.io/ip"}

// PublicIPv4 asks each endpoint (DefaultPublicIPEndpoints if none are
// given) for the caller's public address with an HTTP GET, 1 s timeout
// each, and returns the address given most often; on a tie, the one that
// reached the highest count first wins (CUP ipaddr.realip_v4). Answers are
// trimmed and must be IPv4 addresses; anything else is ignored. If no
// endpoint gives one, the error matches errs.ErrNet.
func PublicIPv4(ctx context.Context, endpoints ...string) (netip.Addr, error) {
	if len(endpoints) == 0 {
		endpoints = DefaultPublicIPEndpoints
	}
	counts := map[netip.Addr]int{}
	var best netip.Addr
	var lastErr error
	for _, ep := range endpoints {
		a, err := askPublicIP(ctx, ep)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return netip.Addr{}, ctxErr
			}
			lastErr = err
			continue
		}
		counts[a]++
		if counts[a] > counts[best] {
			best = a
		}
	}
	if !best.IsValid() {
		return netip.Addr{}, errs.New(errs.ErrNet, "public IPv4: no usable answer from %d endpoints (last error: %v)", len(endpoints), lastErr)
	}
	return best, nil
}

func askPublicIP(ctx context.Context, url string) (netip.Addr, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return netip.Addr{}, err
	}
	req.Close = true // one question per endpoint: keep no idle connection behind
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return netip.Addr{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return netip.Addr{}, errs.New(errs.ErrNet, "public IPv4 from %s: status %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256))
	if err != nil {
		return netip.Addr{}, err
	}
	a, err := netip.ParseAddr(strings.TrimSpace(string(body)))
	if err != nil || !a.Is4() {
		return netip.Addr{}, errs.New(errs.ErrNet, "public IPv4 from %s: not an IPv4 address: %q", url, body)
	}
	return a, nil
}
