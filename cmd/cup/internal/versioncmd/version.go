// Package versioncmd implements "cup version".
package versioncmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/version"
)

// Options are the parsed arguments of "cup version".
type Options struct {
	IO   *cmdutil.IOStreams
	JSON bool
}

// NewCmd builds "cup version". runF replaces the default run in tests.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of cup and of the CUP release it ports",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.IO = f.IO
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		},
	}
	cmdutil.AddJSONFlag(cmd, &opts.JSON)
	return cmd
}

func run(opts *Options) error {
	info := version.Get()
	if opts.JSON {
		return cmdutil.WriteJSON(opts.IO.Out, info)
	}
	fmt.Fprintf(opts.IO.Out, "cup %s (ports CUP %s) %s %s\n", info.Version, info.CUPVersion, info.GoVersion, info.Platform)
	if info.Revision != "" {
		mod := ""
		if info.Modified {
			mod = " (modified)"
		}
		fmt.Fprintf(opts.IO.Out, "revision %s%s\n", info.Revision, mod)
	}
	return nil
}
