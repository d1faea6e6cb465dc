// Package procfs reads Linux /proc pseudo-files for cup's res, oper and
// shell packages.
//
// Every reader works through an [FS] rooted at a mount point (default
// "/proc"), so tests run the same code against fixture trees under
// testdata. Files are read with [ReadFile], which skips os.ReadFile's stat
// (procfs reports sizes of 0 or 4096) and caps what it reads. Parse
// failures are *errs.ParseError values naming the file and line; a pid
// that vanished (or never existed) gives an error matching
// errs.ErrNoSuchProcess; a permission problem one matching
// errs.ErrAccessDenied.
package procfs
