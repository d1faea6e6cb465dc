package net

import (
	"errors"
	stdnet "net"
	"net/netip"
	"os"
	"slices"

	"github.com/cupgo/cup/errs"
)

// Interfaces returns the names of the network interfaces listed in
// /sys/class/net, except "lo", sorted (CUP get_interfaces of 3.2.7, which
// also left out exactly "lo" but kept directory order; the newest CUP
// includes lo).
func Interfaces() ([]string, error) { return FS{}.Interfaces() }

// Interfaces returns the entries of SysRoot/class/net except "lo", sorted.
// A missing directory is an error matching errs.ErrNotSupported and
// fs.ErrNotExist.
func (fs FS) Interfaces() ([]string, error) {
	dir := fs.sys("class", "net")
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errs.New(errs.ErrNotSupported, "list interfaces: %w", err)
		}
		return nil, errs.New(errs.ErrIO, "list interfaces: %w", err)
	}
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		if e.Name() != "lo" {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// Interface describes one network interface and its addresses.
type Interface struct {
	Name     string         `json:"name"`
	Index    int            `json:"index"`
	MTU      int            `json:"mtu"`
	MAC      string         `json:"mac,omitempty"`
	Up       bool           `json:"up"`
	Loopback bool           `json:"loopback"`
	Addrs    []netip.Prefix `json:"addrs"`
}

// IPv4 returns the interface's IPv4 addresses (without prefix lengths).
func (i Interface) IPv4() []netip.Addr {
	var out []netip.Addr
	for _, p := range i.Addrs {
		if p.Addr().Is4() {
			out = append(out, p.Addr())
		}
	}
	return out
}

func fromStd(si stdnet.Interface) (Interface, error) {
	out := Interface{
		Name:     si.Name,
		Index:    si.Index,
		MTU:      si.MTU,
		MAC:      si.HardwareAddr.String(),
		Up:       si.Flags&stdnet.FlagUp != 0,
		Loopback: si.Flags&stdnet.FlagLoopback != 0,
		Addrs:    []netip.Prefix{},
	}
	addrs, err := si.Addrs()
	if err != nil {
		return out, errs.New(errs.ErrNet, "addresses of %q: %w", si.Name, err)
	}
	for _, a := range addrs {
		ipn, ok := a.(*stdnet.IPNet)
		if !ok {
			continue
		}
		ip, ok := netip.AddrFromSlice(ipn.IP)
		if !ok {
			continue
		}
		if ip.Is4In6() {
			ip = ip.Unmap()
		}
		ones, _ := ipn.Mask.Size()
		out.Addrs = append(out.Addrs, netip.PrefixFrom(ip, ones))
	}
	return out, nil
}

// AllInterfaces returns every interface (loopback included) with its
// addresses, in index order.
func AllInterfaces() ([]Interface, error) {
	sis, err := stdnet.Interfaces()
	if err != nil {
		return nil, errs.New(errs.ErrNet, "list interfaces: %w", err)
	}
	out := make([]Interface, 0, len(sis))
	for _, si := range sis {
		i, err := fromStd(si)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, nil
}

// InterfaceByName returns the named interface with all its addresses. An
// unknown name gives an error matching errs.ErrNoSuchInterface; an empty
// or over-long one errs.ErrInvalidInterfaceName.
func InterfaceByName(name string) (Interface, error) {
	if err := checkIfaceName(name); err != nil {
		return Interface{}, err
	}
	sis, err := stdnet.Interfaces()
	if err != nil {
		return Interface{}, errs.New(errs.ErrNet, "list interfaces: %w", err)
	}
	for _, si := range sis {
		if si.Name == name {
			return fromStd(si)
		}
	}
	return Interface{}, errs.New(errs.ErrNoSuchInterface, "no such network interface %q", name)
}

// FirstInterfaceIPv4 returns the first IPv4 address of the first interface,
// in index order, that is up and not a loopback (CUP
// getip_byallinterfaces, which skipped every interface whose name merely
// contained "lo", such as wlo1). The error matches errs.ErrNoIPv4Address
// if there is none.
func FirstInterfaceIPv4() (netip.Addr, error) {
	all, err := AllInterfaces()
	if err != nil {
		return netip.Addr{}, err
	}
	return firstIPv4(all)
}

func firstIPv4(all []Interface) (netip.Addr, error) {
	for _, i := range all {
		if i.Loopback || !i.Up {
			continue
		}
		if v4 := i.IPv4(); len(v4) > 0 {
			return v4[0], nil
		}
	}
	return netip.Addr{}, errs.New(errs.ErrNoIPv4Address, "no interface that is up and not loopback has an IPv4 address")
}

// ifNameSize is the kernel's IFNAMSIZ: names are at most 15 bytes.
const ifNameSize = 16

func checkIfaceName(name string) error {
	if name == "" || len(name) >= ifNameSize {
		return errs.New(errs.ErrInvalidInterfaceName, "invalid interface name %q: want 1 to %d bytes", name, ifNameSize-1)
	}
	return nil
}
