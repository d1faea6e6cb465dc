// Command cup is the command-line tool over the cup library, for ops work:
// machine facts, commands with timeouts, remote runs, configuration files,
// messages, mail and Jenkins. Run "cup help" for the list of subcommands.
package main

import (
	"os"

	"github.com/cupgo/cup/cmd/cup/internal/root"
)

func main() {
	os.Exit(root.Main(os.Args[1:]))
}
