package serializer

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cupgo/cup/errs"
)

// Reader reads records in id order across the done files and into the
// writing file (CUP open4read/read). It tracks files by start id, so a
// rotation or a purge of files already read while reading is harmless. A
// Reader is not safe for concurrent use.
type Reader struct {
	sub string
	opt Options

	cur       *os.File // open file, nil between files
	curFile   logFile
	off       int64
	nextID    uint64 // id of the next record to read
	skipBelow uint64 // records below this id are read but not returned
	skipped   int
	closed    bool
	// skippedFile is the start of a bad file skipped with no later file
	// present yet; the next file after it is read next.
	skippedFile *uint64
	// finished is the start of the last done file read to its end, never
	// to be opened again (an empty one would otherwise match nextID).
	finished *uint64
}

// OpenReader opens dir for reading from its first record.
func OpenReader(dir string, opt Options) (*Reader, error) {
	r, files, err := newReader(dir, opt)
	if err != nil {
		return nil, err
	}
	if len(files) > 0 {
		r.nextID = files[0].start
	}
	return r, nil
}

// OpenReaderAt opens dir for reading from the record with id fromID (the
// newest CUP's start_logid). An id not written yet positions the reader at
// the end: the record is returned once appended. An id below the oldest
// file is an error wrapping errs.ErrInvalidArgument.
func OpenReaderAt(dir string, fromID uint64, opt Options) (*Reader, error) {
	r, files, err := newReader(dir, opt)
	if err != nil {
		return nil, err
	}
	r.skipBelow = fromID
	if len(files) == 0 {
		return r, nil
	}
	if files[0].start > fromID {
		return nil, errs.New(errs.ErrInvalidArgument, "serializer: OpenReaderAt(%d): below the oldest file %s", fromID, files[0].name())
	}
	for _, f := range files {
		if f.start <= fromID {
			r.nextID = f.start
		}
	}
	return r, nil
}

func newReader(dir string, opt Options) (*Reader, []logFile, error) {
	sub := filepath.Join(dir, subDir)
	files, err := listFiles(sub)
	if err != nil {
		return nil, nil, err
	}
	return &Reader{sub: sub, opt: opt}, files, nil
}

// Skipped returns how many bad files SkipBadRecords skipped the rest of.
func (r *Reader) Skipped() int { return r.skipped }

// NextID returns the id of the next record Read will return (or skip).
func (r *Reader) NextID() uint64 { return max(r.nextID, r.skipBelow) }

// Read returns up to max records. An empty slice and a nil error mean
// nothing new yet; an incomplete record at the end of the writing file is
// "not yet written" and is returned by a later call. On corruption it
// returns the records read so far together with an error wrapping
// ErrCorrupt (file and offset), and the next call fails at the same place;
// with SkipBadRecords the rest of the bad file is skipped instead. max < 1
// is an error wrapping errs.ErrInvalidArgument.
func (r *Reader) Read(max int) ([]Record, error) {
	if max < 1 {
		return nil, errs.New(errs.ErrInvalidArgument, "serializer: Read(%d): need at least 1", max)
	}
	if r.closed {
		return nil, ErrClosed
	}
	var out []Record
	for len(out) < max {
		if r.cur == nil {
			ok, err := r.openNext()
			if err != nil {
				return out, err
			}
			if !ok {
				return out, nil
			}
		}
		rec, more, err := r.readOne()
		if err != nil {
			if !r.opt.SkipBadRecords {
				return out, err
			}
			r.opt.logger().Warn("serializer: skipping the rest of %s: %v", filepath.Join(r.sub, r.curFile.name()), err)
			r.skipped++
			if err := r.skipFile(); err != nil {
				return out, err
			}
			continue
		}
		if !more {
			return out, nil
		}
		if rec != nil && rec.ID >= r.skipBelow {
			out = append(out, *rec)
		}
	}
	return out, nil
}

// openNext opens the file starting at nextID. It reports false when there
// is none yet. A later file without the one expected means the expected
// one vanished unread.
func (r *Reader) openNext() (bool, error) {
	files, err := listFiles(r.sub)
	if err != nil {
		return false, err
	}
	if r.skippedFile != nil { // after a skipped bad file: take the next one, whatever its start
		for _, f := range files {
			if f.start > *r.skippedFile {
				r.nextID, r.skippedFile = f.start, nil
				return r.open(f)
			}
		}
		return false, nil
	}
	for _, f := range files {
		if f.start == r.nextID && (r.finished == nil || f.start > *r.finished) {
			return r.open(f)
		}
	}
	for _, f := range files {
		if f.start > r.nextID {
			return false, errs.New(ErrCorrupt, "serializer: %s: the file holding record %d is missing (next file %s)", r.sub, r.nextID, f.name())
		}
	}
	return false, nil
}

func (r *Reader) open(f logFile) (bool, error) {
	fh, err := os.Open(filepath.Join(r.sub, f.name()))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && f.writing {
			// Rotated between listing and opening: try its done name.
			f.writing = false
			if fh, err = os.Open(filepath.Join(r.sub, f.name())); err == nil {
				r.cur, r.curFile, r.off = fh, f, 0
				return true, nil
			}
		}
		return false, errs.New(errs.ErrIO, "serializer: %w", err)
	}
	r.cur, r.curFile, r.off = fh, f, 0
	return true, nil
}

// readOne reads the record at the current offset. It returns more=false
// when the writing file has nothing complete yet; rec is nil when the
// reader moved on to the next file.
func (r *Reader) readOne() (rec *Record, more bool, err error) {
	for {
		st, err := r.cur.Stat()
		if err != nil {
			return nil, false, errs.New(errs.ErrIO, "serializer: %w", err)
		}
		got, n, state, rerr := readRecord(r.cur, r.off, st.Size(), true)
		path := filepath.Join(r.sub, r.curFile.name())
		switch state {
		case readOK:
			if got.ID != r.nextID {
				return nil, false, errs.New(ErrCorrupt, "serializer: %s: offset %d: record id %d, want %d", path, r.off, got.ID, r.nextID)
			}
			r.off += n
			r.nextID++
			return &got, true, nil
		case readBad:
			return nil, false, errs.New(ErrCorrupt, "serializer: %s: offset %d: %v", path, r.off, rerr)
		}
		// EOF or a short record.
		if !r.curFile.writing {
			if state == readShort {
				return nil, false, errs.New(ErrCorrupt, "serializer: %s: offset %d: record cut short", path, r.off)
			}
			start := r.curFile.start
			r.finished = &start
			r.closeCur()
			return nil, true, nil
		}
		if _, err := os.Stat(path); err == nil {
			return nil, false, nil // still being written
		}
		done := filepath.Join(r.sub, logFile{start: r.curFile.start}.name())
		if _, err := os.Stat(done); err != nil {
			// Removed (an empty writing file dropped by recovery): a new
			// file may start at the same id later.
			if state == readShort {
				return nil, false, errs.New(ErrCorrupt, "serializer: %s: removed with a partial record at offset %d", path, r.off)
			}
			r.closeCur()
			return nil, true, nil
		}
		// Renamed to done (rotation, recovery): everything it will ever
		// hold is in it now; read on.
		r.curFile.writing = false
	}
}

// skipFile abandons the current file and moves to the next one in order.
func (r *Reader) skipFile() error {
	start := r.curFile.start
	r.closeCur()
	files, err := listFiles(r.sub)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.start > start {
			r.nextID = f.start
			return nil
		}
	}
	// No later file yet: openNext waits for one.
	r.skippedFile = &start
	return nil
}

func (r *Reader) closeCur() {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
}

// Close closes the reader (CUP close_read). A second Close returns nil.
func (r *Reader) Close() error {
	r.closed = true
	r.closeCur()
	return nil
}
