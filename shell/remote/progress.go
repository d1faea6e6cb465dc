package remote

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// CopyProgress is one report of bytes moved by Upload, Download or
// UploadTar, passed to Config.CopyProgress. Counts are of file content;
// directory entries and protocol overhead are not counted.
type CopyProgress struct {
	// Host is the "host:port" the client is connected to.
	Host string
	// Path is the file being copied: the local path for Upload and
	// UploadTar, the remote one for Download.
	Path string
	// FileBytes of Path's FileSize bytes have been copied so far.
	FileBytes, FileSize int64
	// Bytes is the content copied so far by the whole call, all files
	// together.
	Bytes int64
	// Total is the content the whole call copies, known before it starts
	// for Upload and UploadTar (the local tree is measured first) and for
	// the Download of one file; -1 for the Download of a directory.
	Total int64
}

// meter counts the bytes of one copy call and reports them.
type meter struct {
	host  string
	fn    func(CopyProgress)
	total int64
	bytes int64
}

// newMeter returns nil when fn is nil: copies then run unwrapped.
func newMeter(host string, fn func(CopyProgress), total int64) *meter {
	if fn == nil {
		return nil
	}
	return &meter{host: host, fn: fn, total: total}
}

// countingReader reports the bytes read through it. It exposes the file's
// size through Size so that sftp.File.ReadFrom still sees how much is
// coming and writes with several requests in flight.
type countingReader struct {
	r    io.Reader
	m    *meter
	ev   CopyProgress
	size int64
}

func (m *meter) reader(r io.Reader, path string, size int64) io.Reader {
	if m == nil {
		return r
	}
	return &countingReader{r: r, m: m, size: size, ev: CopyProgress{Host: m.host, Path: path, FileSize: size}}
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.m.add(&c.ev, n)
	}
	return n, err
}

// Size returns the size of the file being read (see sftp.File.ReadFrom).
func (c *countingReader) Size() int64 { return c.size }

// countingWriter reports the bytes written through it.
type countingWriter struct {
	w  io.Writer
	m  *meter
	ev CopyProgress
}

func (m *meter) writer(w io.Writer, path string, size int64) io.Writer {
	if m == nil {
		return w
	}
	return &countingWriter{w: w, m: m, ev: CopyProgress{Host: m.host, Path: path, FileSize: size}}
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if n > 0 {
		c.m.add(&c.ev, n)
	}
	return n, err
}

func (m *meter) add(ev *CopyProgress, n int) {
	ev.FileBytes += int64(n)
	m.bytes += int64(n)
	ev.Bytes, ev.Total = m.bytes, m.total
	m.fn(*ev)
}

// localSize returns the bytes of regular-file content under p, following
// symlinks as Upload does; unreadable entries and symlink loops count 0
// (the copy itself reports them).
func localSize(p string) int64 {
	info, err := os.Stat(p)
	if err != nil {
		return 0
	}
	if !info.IsDir() {
		if info.Mode().IsRegular() {
			return info.Size()
		}
		return 0
	}
	seen := map[fileID]bool{}
	var walk func(dir string, info fs.FileInfo) int64
	walk = func(dir string, info fs.FileInfo) int64 {
		if id, ok := idOf(info); ok {
			if seen[id] {
				return 0
			}
			seen[id] = true
			defer delete(seen, id)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return 0
		}
		var n int64
		for _, e := range entries {
			lp := filepath.Join(dir, e.Name())
			ei, err := os.Stat(lp)
			switch {
			case err != nil:
			case ei.IsDir():
				n += walk(lp, ei)
			case ei.Mode().IsRegular():
				n += ei.Size()
			}
		}
		return n
	}
	return walk(p, info)
}
