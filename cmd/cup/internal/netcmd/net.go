// Package netcmd implements "cup net": "cup net routes" prints the IPv4
// routing table and "cup net ip [IFACE]" the interfaces and their
// addresses (package net of the library).
package netcmd

import (
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	cupnet "github.com/cupgo/cup/net"
)

// NewCmd builds "cup net" with its subcommands.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "net <command>",
		Short: "Show routes and interface addresses",
		Long: "cup net shows what CUP's cup.net reads: \"cup net routes\" the IPv4 main routing\n" +
			"table of /proc/net/route, \"cup net ip [IFACE]\" the interfaces and their addresses.",
	}
	cmd.AddCommand(NewCmdRoutes(f, nil), NewCmdIP(f, nil))
	return cmd
}

// RoutesOptions are the parsed arguments of "cup net routes".
type RoutesOptions struct {
	IO   *cmdutil.IOStreams
	JSON bool
	// Lookup, if set, also prints the route chosen for this address.
	Lookup string
	// FS is where /proc is read; the zero value is the live system.
	FS cupnet.FS
}

// NewCmdRoutes builds "cup net routes". runF replaces the default run in
// tests.
func NewCmdRoutes(f *cmdutil.Factory, runF func(*RoutesOptions) error) *cobra.Command {
	opts := &RoutesOptions{}
	cmd := &cobra.Command{
		Use:   "routes",
		Short: "Print the IPv4 routing table",
		Long: "Print the IPv4 main routing table from /proc/net/route, one route per line:\n" +
			"destination, gateway, interface, metric and flags (U up, G gateway, H host, ! reject).\n" +
			"With --get ADDR, print only the route the kernel uses for ADDR (longest prefix,\n" +
			"then lowest metric).",
		Example: "  cup net routes\n  cup net routes --get 10.0.5.6\n  cup net routes --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.IO = f.IO
			if opts.Lookup != "" {
				if _, err := cupnet.ParseIPv4(opts.Lookup); err != nil {
					return cmdutil.FlagErrorf("--get %q: want a dotted-quad IPv4 address", opts.Lookup)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return runRoutes(opts)
		},
	}
	cmdutil.AddJSONFlag(cmd, &opts.JSON)
	cmd.Flags().StringVar(&opts.Lookup, "get", "", "print only the route used for this IPv4 `address`")
	return cmd
}

// routeJSON is a route as "cup net routes --json" prints it.
type routeJSON struct {
	cupnet.Route
	Prefix netip.Prefix `json:"prefix"`
	Up     bool         `json:"up"`
}

func runRoutes(opts *RoutesOptions) error {
	rt, err := opts.FS.RouteTable()
	if err != nil {
		return err
	}
	routes := rt.Routes
	if opts.Lookup != "" {
		ip, err := cupnet.ParseIPv4(opts.Lookup)
		if err != nil {
			return err
		}
		r, err := rt.Lookup(ip)
		if err != nil {
			return err
		}
		routes = []cupnet.Route{r}
	}
	if opts.JSON {
		out := make([]routeJSON, 0, len(routes))
		for _, r := range routes {
			out = append(out, routeJSON{Route: r, Prefix: r.Prefix(), Up: r.Up()})
		}
		return cmdutil.WriteJSON(opts.IO.Out, out)
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DESTINATION\tGATEWAY\tIFACE\tMETRIC\tFLAGS")
	for _, r := range routes {
		dst := r.Prefix().String()
		if r.IsDefault() {
			dst = "default"
		}
		gw := "-"
		if r.IsGateway() {
			gw = r.Gateway.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", dst, gw, r.Iface, r.Metric, flagString(r.Flags))
	}
	return tw.Flush()
}

// flagString renders flags as route(8) does.
func flagString(f uint32) string {
	var b strings.Builder
	for _, x := range []struct {
		bit uint32
		c   byte
	}{{cupnet.RTFUp, 'U'}, {cupnet.RTFGateway, 'G'}, {cupnet.RTFHost, 'H'}, {cupnet.RTFReject, '!'}} {
		if f&x.bit != 0 {
			b.WriteByte(x.c)
		}
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}

// IPOptions are the parsed arguments of "cup net ip".
type IPOptions struct {
	IO    *cmdutil.IOStreams
	JSON  bool
	Iface string // "" for every interface
}

// NewCmdIP builds "cup net ip". runF replaces the default run in tests.
func NewCmdIP(f *cmdutil.Factory, runF func(*IPOptions) error) *cobra.Command {
	opts := &IPOptions{}
	cmd := &cobra.Command{
		Use:   "ip [IFACE]",
		Short: "Print network interfaces and their addresses",
		Long: "Print each network interface (or only IFACE) with its state, MTU, MAC address,\n" +
			"the primary IPv4 address the kernel reports for it (SIOCGIFADDR, as CUP's\n" +
			"getip_byinterface) and all its IPv4 and IPv6 addresses. An unknown IFACE exits 1.",
		Example: "  cup net ip\n  cup net ip eth0 --json",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO = f.IO
			if len(args) == 1 {
				opts.Iface = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return runIP(opts)
		},
	}
	cmdutil.AddJSONFlag(cmd, &opts.JSON)
	return cmd
}

// ifaceJSON is an interface as "cup net ip --json" prints it.
type ifaceJSON struct {
	cupnet.Interface
	PrimaryIPv4 string `json:"primary_ipv4,omitempty"`
}

func runIP(opts *IPOptions) error {
	var all []cupnet.Interface
	if opts.Iface != "" {
		i, err := cupnet.InterfaceByName(opts.Iface)
		if err != nil {
			return err
		}
		all = []cupnet.Interface{i}
	} else {
		var err error
		if all, err = cupnet.AllInterfaces(); err != nil {
			return err
		}
	}
	rows := make([]ifaceJSON, 0, len(all))
	for _, i := range all {
		row := ifaceJSON{Interface: i}
		if a, err := cupnet.InterfaceIPv4(i.Name); err == nil {
			row.PrimaryIPv4 = a.String()
		}
		rows = append(rows, row)
	}
	if opts.JSON {
		return cmdutil.WriteJSON(opts.IO.Out, rows)
	}
	return writeIPTable(opts.IO.Out, rows)
}

func writeIPTable(w io.Writer, rows []ifaceJSON) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "IFACE\tSTATE\tMTU\tMAC\tIPV4\tADDRESSES")
	for _, r := range rows {
		state := "DOWN"
		if r.Up {
			state = "UP"
		}
		addrs := make([]string, 0, len(r.Addrs))
		for _, a := range r.Addrs {
			addrs = append(addrs, a.String())
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, state, strconv.Itoa(r.MTU),
			dash(r.MAC), dash(r.PrimaryIPv4), dash(strings.Join(addrs, ", ")))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
