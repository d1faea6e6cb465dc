package oper

import "github.com/cupgo/cup/errs"

// ProcAliveOptions configures [IsProcAlive]. The zero value counts every
// process whose command line holds the name as a whole word.
type ProcAliveOptions struct {
	// WholeWord additionally requires the name to end the command line
	// (CUP is_whole_word).
	WholeWord bool
	// ServerTag leaves out viewers and editors: processes whose program
	// (argv[0] base name) is vim, vi, less, tail, cat or more (CUP
	// is_server_tag).
	ServerTag bool
	// Filters leaves out processes whose command line contains any of
	// these strings (CUP filters). An empty string is an error.
	Filters []string
}

// viewerPrograms are the programs GetPid and ProcAliveOptions.ServerTag
// leave out: someone looking at a file whose name matches is not the
// process being searched for.
var viewerPrograms = map[string]bool{
	"vim": true, "vi": true, "less": true, "tail": true, "cat": true, "more": true,
}

func checkPort(port int) error {
	if port < 1 || port > 65535 {
		return errs.New(errs.ErrInvalidArgument, "oper: port %d outside 1-65535", port)
	}
	return nil
}
