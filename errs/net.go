package errs

// Sentinels of package net (routes, interface addresses, host names).
var (
	// ErrNoSuchInterface: the named network interface does not exist
	// (ENODEV/ENXIO). It matches ErrNet and ErrNotFound.
	ErrNoSuchInterface = newKind("no such network interface", ErrNet, ErrNotFound)
	// ErrNoIPv4Address: the interface exists but has no IPv4 address
	// (EADDRNOTAVAIL). It matches ErrNet and ErrNotFound.
	ErrNoIPv4Address = newKind("no IPv4 address on interface", ErrNet, ErrNotFound)
	// ErrInvalidInterfaceName: an interface name is empty or too long for
	// the kernel (16 bytes or more). It matches ErrInvalidArgument.
	ErrInvalidInterfaceName = newKind("invalid interface name", ErrInvalidArgument)
	// ErrHostNotFound: a host name did not resolve to an IPv4 address. It
	// matches ErrNet and ErrNotFound.
	ErrHostNotFound = newKind("host not found", ErrNet, ErrNotFound)
	// ErrNoRoute: no route of the routing table covers the address. It
	// matches ErrNet and ErrNotFound.
	ErrNoRoute = newKind("no route to address", ErrNet, ErrNotFound)
	// ErrInvalidIP: the text is not a dotted-quad IPv4 address. It matches
	// ErrInvalidArgument.
	ErrInvalidIP = newKind("invalid IPv4 address", ErrInvalidArgument)
	// ErrBadRouteLine: a line of /proc/net/route could not be parsed. It
	// is reported (inside a *ParseError) only in strict mode.
	ErrBadRouteLine = newKind("bad route line")
)
