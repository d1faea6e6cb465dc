// Package confcmd implements "cup conf": "cup conf json FILE" prints a
// CUP configuration file as JSON, "cup conf fmt FILE.json" prints the CUP
// text of a JSON tree (Configure2Dict and Dict2Configure from the shell).
package confcmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/util/conf"
)

// NewCmd builds "cup conf" with its two subcommands.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "conf <command>",
		Short: "Convert CUP configuration files to JSON and back",
		Long: "cup conf reads and writes the configuration format of CUP's cup.util.conf:\n" +
			"\"cup conf json FILE\" prints the tree Configure2Dict builds, as JSON with the keys in\n" +
			"file order; \"cup conf fmt FILE.json\" prints the text Dict2Configure writes for a tree.",
	}
	cmd.AddCommand(NewCmdJSON(f, nil), NewCmdFmt(f, nil))
	return cmd
}

// JSONOptions are the parsed arguments of "cup conf json".
type JSONOptions struct {
	IO                  *cmdutil.IOStreams
	File                string
	Separator           string
	KeepInlineComments  bool
	Strict              bool
	IgnoreIncludeErrors bool
	IncludeRelativeCWD  bool
}

// NewCmdJSON builds "cup conf json". runF replaces the default run in tests.
func NewCmdJSON(f *cmdutil.Factory, runF func(*JSONOptions) error) *cobra.Command {
	opts := &JSONOptions{}
	cmd := &cobra.Command{
		Use:   "json FILE",
		Short: "Print a CUP configuration file as JSON",
		Long: "Print FILE parsed as CUP's Configure2Dict does, as JSON: strings, arrays of strings\n" +
			"(@key lines), objects (sections) and arrays of objects ([@key] sections), keys in file\n" +
			"order, includes under \"$include\". \"-\" reads standard input. A malformed file\n" +
			"prints FILE:LINE: reason on standard error and exits 1.",
		Example: "  cup conf json /home/work/app.conf\n  cup conf json --separator = --keep-comments legacy.conf",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO = f.IO
			opts.File = args[0]
			if opts.Separator == "" {
				return cmdutil.FlagErrorf("--separator must not be empty")
			}
			if runF != nil {
				return runF(opts)
			}
			return runJSON(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Separator, "separator", ":", "key/value separator")
	fl.BoolVar(&opts.KeepInlineComments, "keep-comments", false, "keep \"# ...\" in unquoted values (CUP remove_comments=False)")
	fl.BoolVar(&opts.Strict, "strict", false, "treat a key or section defined twice as an error")
	fl.BoolVar(&opts.IgnoreIncludeErrors, "ignore-include-errors", false, "warn about a failing $include and go on (CUP ignore_error=True)")
	fl.BoolVar(&opts.IncludeRelativeCWD, "include-cwd", false, "resolve relative $include paths against the working directory, as CUP 3.2.7")
	return cmd
}

func runJSON(opts *JSONOptions) error {
	po := []conf.Option{conf.WithSeparator(opts.Separator)}
	if opts.KeepInlineComments {
		po = append(po, conf.KeepInlineComments())
	}
	if opts.Strict {
		po = append(po, conf.Strict())
	}
	if opts.IncludeRelativeCWD {
		po = append(po, conf.IncludeRelativeToCWD())
	}
	if opts.IgnoreIncludeErrors {
		po = append(po, conf.IgnoreIncludeErrors(func(in conf.Include, err error) {
			fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", locate(err))
		}))
	}
	var (
		s   *conf.Section
		err error
	)
	if opts.File == "-" {
		s, err = conf.Parse(opts.IO.In, append(po, conf.WithName("-"))...)
	} else {
		s, err = conf.ParseFile(opts.File, po...)
	}
	if err != nil {
		var pe *errs.ParseError
		if errors.As(err, &pe) {
			fmt.Fprintf(opts.IO.ErrOut, "cup: %s\n", locate(err))
			return &cmdutil.ExitError{Code: 1}
		}
		return err
	}
	raw, err := s.MarshalJSON()
	if err != nil {
		return err
	}
	var out bytes.Buffer
	// one-space indentation: the layout of CUP's own JSON dumps
	if err := json.Indent(&out, raw, "", " "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = opts.IO.Out.Write(out.Bytes())
	return err
}

// locate renders a parse error as "FILE:LINE: reason".
func locate(err error) string {
	var pe *errs.ParseError
	if !errors.As(err, &pe) {
		return strings.TrimPrefix(err.Error(), "cup: ")
	}
	loc := pe.File + ":" + strconv.Itoa(pe.Line) + ": "
	msg := err.Error()
	if i := strings.Index(msg, loc); i >= 0 {
		return msg[i:]
	}
	return loc + strings.TrimPrefix(msg, "cup: ")
}

// FmtOptions are the parsed arguments of "cup conf fmt".
type FmtOptions struct {
	IO        *cmdutil.IOStreams
	File      string
	Separator string
	Lossy     bool
}

// NewCmdFmt builds "cup conf fmt". runF replaces the default run in tests.
func NewCmdFmt(f *cmdutil.Factory, runF func(*FmtOptions) error) *cobra.Command {
	opts := &FmtOptions{}
	cmd := &cobra.Command{
		Use:   "fmt FILE.json",
		Short: "Print the CUP configuration text of a JSON tree",
		Long: "Read a JSON object (as \"cup conf json\" prints it; \"-\" reads standard input) and print\n" +
			"the text CUP's Dict2Configure writes for it: keys in JSON order, in each section its\n" +
			"strings, then its arrays, then its sections. Numbers are written as in the JSON,\n" +
			"booleans as True/False. A value that would not read back the same (a newline or \"#\"\n" +
			"in an unquoted value, an empty array, null) is an error unless --lossy.",
		Example: "  cup conf json app.conf > app.json && cup conf fmt app.json\n  cup conf json a.conf | cup conf fmt -",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO = f.IO
			opts.File = args[0]
			if opts.Separator == "" {
				return cmdutil.FlagErrorf("--separator must not be empty")
			}
			if runF != nil {
				return runF(opts)
			}
			return runFmt(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Separator, "separator", ":", "key/value separator to write")
	cmd.Flags().BoolVar(&opts.Lossy, "lossy", false, "write every value raw, as CUP did, even if it will not read back the same")
	return cmd
}

// maxJSONInput caps what "cup conf fmt" reads.
const maxJSONInput = 256 << 20

func runFmt(opts *FmtOptions) error {
	var (
		data []byte
		err  error
	)
	if opts.File == "-" {
		data, err = io.ReadAll(io.LimitReader(opts.IO.In, maxJSONInput+1))
	} else {
		data, err = os.ReadFile(opts.File)
	}
	if err != nil {
		return errs.New(errs.ErrIO, "conf fmt: %w", err)
	}
	if len(data) > maxJSONInput {
		return errs.New(errs.ErrInvalidArgument, "conf fmt: %s: larger than %d bytes", opts.File, maxJSONInput)
	}
	var s conf.Section
	if err := s.UnmarshalJSON(data); err != nil {
		return inFile(opts.File, err)
	}
	wo := []conf.WriteOption{conf.WriteSeparator(opts.Separator)}
	if opts.Lossy {
		wo = append(wo, conf.AllowLossy())
	}
	out, err := conf.Marshal(&s, wo...)
	if err != nil {
		return inFile(opts.File, err)
	}
	_, err = opts.IO.Out.Write(out)
	return err
}

// inFile prefixes err's message with the file name; the result still
// matches err.
func inFile(file string, err error) error {
	return errs.New(err, "%s: %s", file, strings.TrimPrefix(strings.TrimPrefix(err.Error(), "cup: "), "conf: "))
}
