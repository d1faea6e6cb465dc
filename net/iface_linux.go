package net

import (
	"errors"
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/cupgo/cup/errs"
)

// InterfaceIPv4 returns the IPv4 address the kernel reports for the named
// interface with SIOCGIFADDR (CUP getip_byinterface). Alias labels such as
// "eth0:1" work, and with several addresses the primary one is returned,
// which net.InterfaceByName cannot do.
//
// Errors: errs.ErrInvalidInterfaceName for "" or a name of 16 bytes or
// more (never truncated to another interface's name),
// errs.ErrNoSuchInterface if it does not exist, errs.ErrNoIPv4Address if
// it has no IPv4 address; the errno is wrapped as well.
func InterfaceIPv4(name string) (netip.Addr, error) {
	if err := checkIfaceName(name); err != nil {
		return netip.Addr{}, err
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return netip.Addr{}, errs.New(errs.ErrInvalidInterfaceName, "invalid interface name %q: %w", name, err)
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return netip.Addr{}, errs.New(errs.ErrNet, "socket for SIOCGIFADDR: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFADDR, ifr); err != nil {
		switch {
		case errors.Is(err, unix.ENODEV), errors.Is(err, unix.ENXIO):
			return netip.Addr{}, errs.New(errs.ErrNoSuchInterface, "no such network interface %q: %w", name, err)
		case errors.Is(err, unix.EADDRNOTAVAIL):
			return netip.Addr{}, errs.New(errs.ErrNoIPv4Address, "interface %q has no IPv4 address: %w", name, err)
		}
		return netip.Addr{}, errs.New(errs.ErrNet, "SIOCGIFADDR %q: %w", name, err)
	}
	b, err := ifr.Inet4Addr()
	if err != nil {
		return netip.Addr{}, errs.New(errs.ErrNoIPv4Address, "interface %q: %w", name, err)
	}
	a, _ := netip.AddrFromSlice(b)
	return a, nil
}
