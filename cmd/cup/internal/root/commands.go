package root

import (
	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/cmd/cup/internal/confcmd"
	"github.com/cupgo/cup/cmd/cup/internal/execcmd"
	"github.com/cupgo/cup/cmd/cup/internal/heartbeatcmd"
	"github.com/cupgo/cup/cmd/cup/internal/jenkinscmd"
	"github.com/cupgo/cup/cmd/cup/internal/mailcmd"
	"github.com/cupgo/cup/cmd/cup/internal/msgcmd"
	"github.com/cupgo/cup/cmd/cup/internal/netcmd"
	"github.com/cupgo/cup/cmd/cup/internal/remotecmd"
	"github.com/cupgo/cup/cmd/cup/internal/rescmd"
	"github.com/cupgo/cup/cmd/cup/internal/waitcmd"
)

// addCommands registers the subcommands of the library's packages. Each
// area adds one line here.
func addCommands(cmd *cobra.Command, f *cmdutil.Factory) {
	cmd.AddCommand(confcmd.NewCmd(f))
	cmd.AddCommand(execcmd.NewCmd(f, nil))
	cmd.AddCommand(heartbeatcmd.NewCmd(f))
	cmd.AddCommand(jenkinscmd.NewCmd(f, nil))
	cmd.AddCommand(mailcmd.NewCmd(f, nil))
	cmd.AddCommand(msgcmd.NewCmd(f))
	cmd.AddCommand(netcmd.NewCmd(f))
	cmd.AddCommand(remotecmd.NewCmd(f, nil))
	cmd.AddCommand(rescmd.NewCmd(f, nil))
	cmd.AddCommand(waitcmd.NewCmd(f, nil))
}
