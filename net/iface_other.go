//go:build !linux

package net

import (
	"net/netip"

	"github.com/cupgo/cup/errs"
)

// InterfaceIPv4 returns the IPv4 address of the named interface. It is
// implemented on Linux only; elsewhere the error matches
// errs.ErrNotSupported.
func InterfaceIPv4(name string) (netip.Addr, error) {
	if err := checkIfaceName(name); err != nil {
		return netip.Addr{}, err
	}
	return netip.Addr{}, errs.New(errs.ErrNotSupported, "InterfaceIPv4 %q: SIOCGIFADDR is Linux-only", name)
}
