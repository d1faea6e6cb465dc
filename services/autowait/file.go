package autowait

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/oper"
)

// UntilFileExists waits until dir holds name (CUP wait_until_file_exist).
// name is trimmed of surrounding white space. Without Recursive,
// dir/name must exist (a file or a directory, as in CUP); with Recursive,
// some non-directory entry anywhere below dir must have the base name
// name. A name holding *, ? or [ is a glob pattern matched against base
// names (filepath.Match); a malformed pattern is an error wrapping
// errs.ErrInvalidArgument. The default interval is 2 s.
func UntilFileExists(ctx context.Context, dir, name string, opts ...Option) error {
	c, err := newConfig(DefaultFileInterval, opts)
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return errs.New(errs.ErrInvalidArgument, "autowait: empty file name")
	}
	glob := strings.ContainsAny(name, "*?[")
	if glob {
		if _, err := filepath.Match(name, ""); err != nil {
			return errs.New(errs.ErrInvalidArgument, "autowait: file pattern %q: %w", name, err)
		}
	}
	what := "file " + filepath.Join(dir, name)
	return poll(ctx, what, c, func(context.Context, bool) (bool, error) {
		switch {
		case !glob:
			return oper.ContainsFile(dir, name, c.recursive, c.follow)
		case !c.recursive:
			ents, err := os.ReadDir(dir)
			if err != nil {
				return false, nil // a missing dir is "not yet"
			}
			for _, e := range ents {
				if ok, _ := filepath.Match(name, e.Name()); ok {
					return true, nil
				}
			}
			return false, nil
		}
		return globTree(dir, name, c.follow), nil
	})
}

// globTree reports whether a non-directory entry below dir has a base name
// matching pattern. Unreadable directories are skipped; with follow, links
// to directories are walked once each.
func globTree(dir, pattern string, follow bool) bool {
	var seen []os.FileInfo
	var walk func(string) bool
	walk = func(d string) bool {
		if st, err := os.Stat(d); err == nil {
			for _, s := range seen {
				if os.SameFile(s, st) {
					return false
				}
			}
			seen = append(seen, st)
		}
		ents, err := os.ReadDir(d)
		if err != nil {
			return false
		}
		for _, e := range ents {
			p := filepath.Join(d, e.Name())
			isDir := e.IsDir()
			if e.Type()&fs.ModeSymlink != 0 && follow {
				if st, err := os.Stat(p); err == nil && st.IsDir() {
					isDir = true
				}
			}
			if isDir {
				if walk(p) {
					return true
				}
				continue
			}
			if ok, _ := filepath.Match(pattern, e.Name()); ok {
				return true
			}
		}
		return false
	}
	return walk(dir)
}

// maxLine bounds the partial line kept between checks; a longer line is
// matched as it is and dropped.
const maxLine = 1 << 20

// lineReader reads a growing file incrementally, line by line (CUP
// FileReader).
type lineReader struct {
	path    string
	info    os.FileInfo
	off     int64
	partial []byte
}

// scan reads what was appended since the last call and reports whether a
// complete line matches re; with final, an unterminated last line is
// checked too. A missing file is "not yet"; a file that shrank or was
// replaced is read again from the start.
func (lr *lineReader) scan(re *regexp.Regexp, final bool) (bool, error) {
	f, err := os.Open(lr.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			lr.info, lr.off, lr.partial = nil, 0, nil
			return false, nil
		}
		return false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	if lr.info == nil || !os.SameFile(lr.info, st) || st.Size() < lr.off {
		lr.off, lr.partial = 0, nil
	}
	lr.info = st
	if _, err := f.Seek(lr.off, io.SeekStart); err != nil {
		return false, err
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		lr.off += int64(n)
		data := buf[:n]
		for len(data) > 0 {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				lr.partial = append(lr.partial, data...)
				if len(lr.partial) > maxLine {
					if re.Match(lr.partial) {
						return true, nil
					}
					lr.partial = lr.partial[:0]
				}
				break
			}
			line := data[:i]
			if len(lr.partial) > 0 {
				line = append(lr.partial, line...)
			}
			if re.Match(bytes.TrimSuffix(line, []byte("\r"))) {
				return true, nil
			}
			lr.partial = lr.partial[:0]
			data = data[i+1:]
		}
		if err == io.EOF || n == 0 {
			break
		}
		if err != nil {
			return false, err
		}
	}
	if final && len(lr.partial) > 0 && re.Match(lr.partial) {
		return true, nil
	}
	return false, nil
}

// UntilRegexInFile waits until a line of the file at path matches re (CUP
// wait_until_reg_str_exist, with Go's RE2 syntax). The file is read
// incrementally; a line is checked once its newline arrives (or, for the
// last line, at the deadline), so text appended in pieces is matched as a
// whole, unlike CUP. A missing file counts as empty; a file that shrinks or
// is replaced (rotation) is read again from its start.
func UntilRegexInFile(ctx context.Context, path string, re *regexp.Regexp, opts ...Option) error {
	if re == nil {
		return errs.New(errs.ErrInvalidArgument, "autowait: nil regexp")
	}
	c, err := newConfig(DefaultInterval, opts)
	if err != nil {
		return err
	}
	lr := &lineReader{path: path}
	return poll(ctx, "regexp "+re.String()+" in "+path, c, func(_ context.Context, final bool) (bool, error) {
		return lr.scan(re, final)
	})
}
