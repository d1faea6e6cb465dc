package serializer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/log"
	"github.com/cupgo/cup/util/exfile"
)

// lockName is the file a Writer holds an exclusive flock on, so that two
// writers never share a directory (CUP did not guard against it). CUP
// ignores the extra file.
const lockName = "writer.lock"

// DefaultMaxFileSize is the rotation threshold when Options.MaxFileSize is
// zero (CUP's 1 MiB).
const DefaultMaxFileSize = 1 << 20

// Options configures writers and readers. The zero value means the
// defaults, except TruncateTornTail: see DisableTruncate.
type Options struct {
	// MaxFileSize rotates the writing file once its size reaches this
	// many bytes after an append (files exceed it by up to one record, as
	// in CUP). Zero means DefaultMaxFileSize.
	MaxFileSize int64
	// DisableTruncate makes recovery fail with ErrCorrupt, changing
	// nothing, when the writing file ends in a torn record, instead of
	// truncating the tail (CUP truncate_last_failure=False).
	DisableTruncate bool
	// SkipBadRecords makes a reader skip the rest of a file holding a bad
	// record, log a warning and count it in Reader.Skipped (CUP
	// skip_badlog), instead of returning ErrCorrupt.
	SkipBadRecords bool
	// DirPerm and FilePerm are the permissions of created directories and
	// files; zero means 0755 and 0644.
	DirPerm, FilePerm fs.FileMode
	// Logger receives recovery and skip notices; nil means log.Default().
	Logger *log.Logger
}

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize <= 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

func (o Options) dirPerm() fs.FileMode {
	if o.DirPerm == 0 {
		return 0o755
	}
	return o.DirPerm
}

func (o Options) filePerm() fs.FileMode {
	if o.FilePerm == 0 {
		return 0o644
	}
	return o.FilePerm
}

func (o Options) logger() *log.Logger {
	if o.Logger == nil {
		return log.Default()
	}
	return o.Logger
}

// dataFile is what the writer needs of a file; tests inject faults through
// openFile.
type dataFile interface {
	io.WriterAt
	io.ReaderAt
	Sync() error
	Truncate(size int64) error
	Close() error
}

// writeRecord writes one encoded record at off. The crash test replaces it
// to split records over two writes, so that kills leave torn records.
var writeRecord = func(f dataFile, rec []byte, off int64) error {
	_, err := f.WriteAt(rec, off)
	return err
}

var openFile = func(name string, flag int, perm fs.FileMode) (dataFile, error) {
	return os.OpenFile(name, flag, perm)
}

// Writer appends records to a log directory. It is safe for concurrent use;
// only one Writer may use a directory at a time.
type Writer struct {
	dir  string // absolute
	sub  string
	opt  Options
	list *os.File
	lock *exfile.LockFile // nil where flock is not supported

	mu        sync.Mutex
	f         dataFile // current writing file, nil until the next Append
	fileStart uint64
	size      int64
	next      uint64
	buf       []byte
	closed    bool
}

// OpenWriter opens dir for appending (CUP open4write), creating dir, dir/0
// and logfile.list as needed, and recovers the last writing file (see the
// package documentation).
func OpenWriter(dir string, opt Options) (*Writer, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, errs.New(errs.ErrInvalidArgument, "serializer: directory %q: %w", dir, err)
	}
	w := &Writer{dir: abs, sub: filepath.Join(abs, subDir), opt: opt}
	if err := os.MkdirAll(w.sub, opt.dirPerm()); err != nil {
		return nil, errs.New(errs.ErrIO, "serializer: create %s: %w", w.sub, err)
	}
	lock, err := exfile.NewLockFile(filepath.Join(abs, lockName), exfile.LockExclusive)
	switch {
	case errors.Is(err, errs.ErrNotSupported):
	case err != nil:
		return nil, errs.New(errs.ErrIO, "serializer: %w", err)
	default:
		if err := lock.TryLock(); err != nil {
			lock.Close()
			return nil, fmt.Errorf("cup: serializer: %s is open by another writer: %w", abs, err)
		}
		w.lock = lock
	}
	w.list, err = os.OpenFile(filepath.Join(abs, listName), os.O_WRONLY|os.O_APPEND|os.O_CREATE, opt.filePerm())
	if err != nil {
		w.unlock()
		return nil, errs.New(errs.ErrIO, "serializer: cannot create loglist: %w", err)
	}
	if err := w.recover(); err != nil {
		w.list.Close()
		w.unlock()
		return nil, err
	}
	return w, nil
}

func (w *Writer) unlock() {
	if w.lock != nil {
		w.lock.Close()
		w.lock = nil
	}
}

// recover implements the recovery rules; it changes nothing when it fails
// with ErrCorrupt.
func (w *Writer) recover() error {
	files, err := listFiles(w.sub)
	if err != nil {
		return err
	}
	var writing []logFile
	for _, f := range files {
		if f.writing {
			writing = append(writing, f)
		}
	}
	switch {
	case len(writing) > 1:
		names := make([]string, len(writing))
		for i, f := range writing {
			names[i] = f.name()
		}
		return errs.New(ErrCorrupt, "serializer: %s: more than one writing file: %s", w.sub, strings.Join(names, ", "))
	case len(writing) == 1:
		last := writing[0]
		for _, f := range files {
			if !f.writing && f.start >= last.start {
				return errs.New(ErrCorrupt, "serializer: %s: %s is older than %s", w.sub, last.name(), f.name())
			}
		}
		return w.recoverWriting(last)
	case len(files) > 0:
		last := files[len(files)-1]
		sc, err := scan(filepath.Join(w.sub, last.name()), last.start)
		if err != nil {
			return err
		}
		if sc.tail != tailClean {
			return errs.New(ErrCorrupt, "serializer: %s: finished file ends in a bad record at offset %d", filepath.Join(w.sub, last.name()), sc.end)
		}
		w.next = last.start + uint64(sc.records)
	}
	return nil
}

func (w *Writer) recoverWriting(f logFile) error {
	path := filepath.Join(w.sub, f.name())
	sc, err := scan(path, f.start)
	if err != nil {
		return err
	}
	if sc.tail != tailClean {
		if w.opt.DisableTruncate {
			return errs.New(ErrCorrupt, "serializer: %s: torn record at offset %d (truncation disabled)", path, sc.end)
		}
		if sc.tail == tailBad {
			return errs.New(ErrCorrupt, "serializer: %s: bad record at offset %d: %v", path, sc.end, sc.why)
		}
		if err := truncateFile(path, sc.end); err != nil {
			return err
		}
		w.opt.logger().Warn("serializer: %s: dropped a torn tail of %d bytes after %d intact records", path, sc.size-sc.end, sc.records)
	}
	if sc.records == 0 {
		if err := os.Remove(path); err != nil {
			return errs.New(errs.ErrIO, "serializer: remove empty %s: %w", path, err)
		}
		if err := syncDir(w.sub); err != nil {
			return errs.New(errs.ErrIO, "serializer: %w", err)
		}
		w.next = f.start
		return nil
	}
	if err := w.finish(f.start); err != nil {
		return err
	}
	w.next = f.start + uint64(sc.records)
	return nil
}

func truncateFile(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return errs.New(errs.ErrIO, "serializer: truncate %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return errs.New(errs.ErrIO, "serializer: truncate %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return errs.New(errs.ErrIO, "serializer: fsync %s: %w", path, err)
	}
	return nil
}

// finish renames writing.start to done.start, fsyncs the directory and
// records the done path in the list.
func (w *Writer) finish(start uint64) error {
	from := filepath.Join(w.sub, logFile{start: start, writing: true}.name())
	to := filepath.Join(w.sub, logFile{start: start}.name())
	if err := os.Rename(from, to); err != nil {
		return errs.New(errs.ErrIO, "serializer: rotate %s: %w", from, err)
	}
	if err := syncDir(w.sub); err != nil {
		return errs.New(errs.ErrIO, "serializer: %w", err)
	}
	if _, err := w.list.WriteString(to + "\n"); err != nil {
		return errs.New(errs.ErrIO, "serializer: append to %s: %w", listName, err)
	}
	if err := w.list.Sync(); err != nil {
		return errs.New(errs.ErrIO, "serializer: fsync %s: %w", listName, err)
	}
	return nil
}

// tail kinds found by scan.
type tailKind int

const (
	tailClean tailKind = iota // ends at a record boundary
	tailTorn                  // a record cut short, or only zero bytes after the last record
	tailBad                   // a record that is not torn but wrong
)

type scanResult struct {
	records int
	end     int64 // offset after the last intact record
	size    int64
	tail    tailKind
	why     error
}

// scan reads the records of path, checking that their ids are start, start+1, ...
func scan(path string, start uint64) (scanResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return scanResult{}, errs.New(errs.ErrIO, "serializer: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return scanResult{}, errs.New(errs.ErrIO, "serializer: %w", err)
	}
	res := scanResult{size: st.Size()}
	for {
		rec, n, state, err := readRecord(f, res.end, res.size, false)
		switch state {
		case readEOF:
			return res, nil
		case readShort:
			res.tail = tailTorn
			return res, nil
		case readBad:
			if allZero(f, res.end, res.size) {
				res.tail = tailTorn
			} else {
				res.tail, res.why = tailBad, err
			}
			return res, nil
		}
		if want := start + uint64(res.records); rec.ID != want {
			return res, errs.New(ErrCorrupt, "serializer: %s: record at offset %d has id %d, want %d", path, res.end, rec.ID, want)
		}
		res.records++
		res.end += n
	}
}

// allZero reports whether [off, size) of f holds only zero bytes.
func allZero(f io.ReaderAt, off, size int64) bool {
	buf := make([]byte, 32<<10)
	for off < size {
		n := min(int64(len(buf)), size-off)
		if _, err := f.ReadAt(buf[:n], off); err != nil {
			return false
		}
		if bytes.IndexFunc(buf[:n], func(r rune) bool { return r != 0 }) >= 0 {
			return false
		}
		off += n
	}
	return true
}

// NextID returns the id the next Append will use.
func (w *Writer) NextID() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.next
}

// Dir returns the log directory (absolute).
func (w *Writer) Dir() string { return w.dir }

// Append writes one record, fsyncs it and returns its id (CUP add_log,
// which returned the next id instead). A payload over MaxPayload is
// ErrTooLarge. On a write or fsync error the file is truncated back, the id
// is not consumed, and later appends work.
func (w *Writer) Append(typ, mode uint16, payload []byte) (uint64, error) {
	if len(payload) > MaxPayload {
		return 0, errs.New(ErrTooLarge, "serializer: payload of %d bytes (max %d)", len(payload), MaxPayload)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, ErrClosed
	}
	if w.f == nil {
		if err := w.create(); err != nil {
			return 0, err
		}
	}
	id := w.next
	w.buf = appendRecord(w.buf[:0], id, typ, mode, payload)
	if err := writeRecord(w.f, w.buf, w.size); err != nil {
		return 0, w.undo(fmt.Errorf("write: %w", err))
	}
	if err := w.f.Sync(); err != nil {
		return 0, w.undo(fmt.Errorf("fsync: %w", err))
	}
	if cap(w.buf) > 64<<10 {
		w.buf = nil // do not keep a huge record's buffer
	}
	w.next++
	w.size += int64(headerSize + len(payload))
	if w.size >= w.opt.maxFileSize() {
		if err := w.rotate(); err != nil {
			// The record is durable; report the rotation failure with
			// its id so the caller knows it was written.
			return id, err
		}
	}
	return id, nil
}

// undo truncates the writing file back after a failed append. The fsync
// of the truncation is attempted; if it fails too, the truncation still
// holds for this process and the next successful Append's fsync makes it
// durable.
func (w *Writer) undo(cause error) error {
	path := filepath.Join(w.sub, logFile{start: w.fileStart, writing: true}.name())
	if err := w.f.Truncate(w.size); err != nil {
		// The file cannot be repaired; stop using it. Recovery in the
		// next OpenWriter truncates the torn tail.
		w.f.Close()
		w.f = nil
		w.closed = true
		w.list.Close()
		w.unlock()
		return errs.New(errs.ErrIO, "serializer: append to %s: %w (truncating back failed: %v; writer closed)", path, cause, err)
	}
	_ = w.f.Sync()
	return errs.New(errs.ErrIO, "serializer: append to %s: %w", path, cause)
}

// create opens writing.<next> exclusively; an existing file is never
// truncated.
func (w *Writer) create() error {
	path := filepath.Join(w.sub, logFile{start: w.next, writing: true}.name())
	f, err := openFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, w.opt.filePerm())
	if err != nil {
		return errs.New(errs.ErrIO, "serializer: create %s: %w", path, err)
	}
	if err := syncDir(w.sub); err != nil {
		f.Close()
		os.Remove(path)
		return errs.New(errs.ErrIO, "serializer: %w", err)
	}
	w.f, w.fileStart, w.size = f, w.next, 0
	return nil
}

// rotate finishes the writing file and, as CUP does, creates the next one
// at once.
func (w *Writer) rotate() error {
	if err := w.f.Close(); err != nil {
		return errs.New(errs.ErrIO, "serializer: close writing file: %w", err)
	}
	w.f = nil
	if err := w.finish(w.fileStart); err != nil {
		return err
	}
	return w.create()
}

// SetNextID sets the id of the next record (CUP set_current_logid). It is
// allowed only when the current writing file is empty or absent, and the
// id must not be below NextID (ids only grow); otherwise the error wraps
// errs.ErrInvalidArgument.
func (w *Writer) SetNextID(id uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.f != nil && w.size > 0 {
		return errs.New(errs.ErrInvalidArgument, "serializer: SetNextID(%d): writing file %d already holds records", id, w.fileStart)
	}
	if id < w.next {
		return errs.New(errs.ErrInvalidArgument, "serializer: SetNextID(%d): below the next id %d", id, w.next)
	}
	if w.f != nil { // empty writing file: remove it
		w.f.Close()
		w.f = nil
		path := filepath.Join(w.sub, logFile{start: w.fileStart, writing: true}.name())
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return errs.New(errs.ErrIO, "serializer: %w", err)
		}
	}
	w.next = id
	return nil
}

// Sync fsyncs the writing file (Append already does after each record).
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.f == nil {
		return nil
	}
	return w.f.Sync()
}

// Close closes the writer (CUP close_write). The writing file stays as it
// is; the next OpenWriter finishes it. A second Close returns nil.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	var err error
	if w.f != nil {
		err = w.f.Close()
		w.f = nil
	}
	err = errors.Join(err, w.list.Close())
	w.unlock()
	return err
}
