package procfs

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/cupgo/cup/errs"
)

// lines iterates over the lines of a pseudo-file without bufio.Scanner's
// 64 KiB token cap (a /proc/stat line of a machine with thousands of CPUs,
// or an environ, can be longer). Line numbers are 1-based.
type lines struct {
	data []byte
	n    int
}

// next returns the next line without its newline; ok is false at the end.
func (l *lines) next() (line []byte, ok bool) {
	if len(l.data) == 0 {
		return nil, false
	}
	l.n++
	if i := bytes.IndexByte(l.data, '\n'); i >= 0 {
		line, l.data = l.data[:i], l.data[i+1:]
	} else {
		line, l.data = l.data, nil
	}
	return line, true
}

// field returns the first space- or tab-separated field of b and the rest.
func field(b []byte) (f, rest []byte) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	j := i
	for j < len(b) && b[j] != ' ' && b[j] != '\t' {
		j++
	}
	return b[i:j], b[j:]
}

// atou parses a decimal unsigned number without allocating.
func atou(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// atoi parses a decimal signed number without allocating.
func atoi(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	u, ok := atou(b)
	if !ok || (!neg && u > 1<<63-1) || (neg && u > 1<<63) {
		return 0, false
	}
	if neg {
		return -int64(u), true
	}
	return int64(u), true
}

// parseErr builds a *errs.ParseError for line n of a pseudo-file; the
// reader fills in File.
func parseErr(n int, text []byte, format string, args ...any) *errs.ParseError {
	return &errs.ParseError{Line: n, Text: string(text), Msg: fmt.Sprintf(format, args...)}
}

// fileErr sets the file name on a parse error returned by a parser.
func fileErr(err error, path string) error {
	if pe, ok := err.(*errs.ParseError); ok && pe.File == "" {
		pe.File = path
	}
	return err
}

// path joins root, the decimal pid and name with single slashes, with one
// allocation.
func (f FS) pidFile(pid int, name string) string {
	var a [128]byte
	b := append(a[:0], f.Root()...)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(pid), 10)
	if name != "" {
		b = append(b, '/')
		b = append(b, name...)
	}
	return string(b)
}

// withFile reads path into a pooled buffer and calls parse with its
// content, which is only valid during the call. A parse error gets path
// as its file name.
func withFile(path string, parse func([]byte) error) error {
	bp := getBuf()
	defer putBuf(bp)
	b, err := readSystemFile(path, *bp)
	*bp = b[:0]
	if err != nil {
		return err
	}
	return fileErr(parse(b), path)
}

// withPidFile is withFile for a file of pid, with pidError's mapping of
// vanished processes and refused reads.
func (f FS) withPidFile(pid int, name string, parse func([]byte) error) error {
	p := f.pidFile(pid, name)
	bp := getBuf()
	defer putBuf(bp)
	b, err := readInto(p, *bp)
	*bp = b[:0]
	if err != nil {
		return pidError(pid, p, err)
	}
	return fileErr(parse(b), p)
}

// defaultFiles holds the paths of the system-wide files under /proc, so
// the zero FS builds no path string per read.
var defaultFiles = func() map[string]string {
	m := make(map[string]string)
	for _, n := range []string{"stat", "meminfo", "swaps", "vmstat", "net/dev", "loadavg", "uptime", "cpuinfo"} {
		m[n] = DefaultMountPoint + "/" + n
	}
	return m
}()

// file returns the path of a system-wide file ("stat", "net/dev") under
// the mount point.
func (f FS) file(name string) string {
	if f.root == "" || f.root == DefaultMountPoint {
		if p, ok := defaultFiles[name]; ok {
			return p
		}
	}
	return f.Root() + "/" + name
}
