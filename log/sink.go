package log

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// errSinkClosed is returned by a sink that has been swapped out and
// closed; the logger then retries with its current outputs, so a record
// racing with Reinit or Close is written exactly once.
var errSinkClosed = errors.New("log: sink closed")

// sink is one destination of lines (zap's WriteSyncer): a write is one
// line, made with one Write call under the sink's own mutex.
type sink interface {
	write(p []byte) error
	sync() error
	close() error
}

// writerSink serialises writes to an io.Writer (console mirror, Output,
// slog handlers). It never closes the writer.
type writerSink struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func newWriterSink(w io.Writer) *writerSink { return &writerSink{w: w} }

func (s *writerSink) write(p []byte) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errSinkClosed
	}
	_, err := s.w.Write(p)
	s.mu.Unlock()
	return err
}

func (s *writerSink) sync() error {
	if sy, ok := s.w.(interface{ Sync() error }); ok {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.closed {
			return nil
		}
		err := sy.Sync()
		if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
			// Terminals and pipes (os.Stderr) cannot fsync; that is fine.
			return nil
		}
		return err
	}
	return nil
}

func (s *writerSink) close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

// fileSink is the built-in CUP rotation engine: it appends to path and,
// when maxSize > 0 and size+len(line) >= maxSize, rolls the file over to
// path.1 (newest) ... path.N (oldest, N = maxBackups) before writing. An
// empty file is never rolled over, so an oversized line lands alone in a
// fresh file. With maxBackups < 0 a full file is truncated instead.
//
// Rotation is safe between goroutines of one process only: two processes
// rotating the same file lose or duplicate lines (as with CUP, Python's
// RotatingFileHandler and lumberjack).
type fileSink struct {
	mu         sync.Mutex
	path       string
	perm       fs.FileMode
	maxSize    int64
	maxBackups int
	f          *os.File
	size       int64
	closed     bool

	// Daily mode (startDaily): the live file holds the day that began at
	// dayStart; the first write at or after next rolls it over.
	daily    bool
	clock    Clock
	dayStart time.Time
	next     time.Time
}

// openFileSink opens (creating with perm) path for appending.
func openFileSink(path string, perm fs.FileMode, maxSize int64, maxBackups int) (*fileSink, error) {
	s := &fileSink{path: path, perm: perm, maxSize: maxSize, maxBackups: maxBackups}
	if err := s.open(0); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *fileSink) open(extra int) error {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|extra, s.perm)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	s.f, s.size = f, st.Size()
	return nil
}

func (s *fileSink) write(p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errSinkClosed
	}
	if s.f != nil && s.maxSize > 0 && s.size > 0 && s.size+int64(len(p)) >= s.maxSize {
		s.rotate()
	}
	if s.daily {
		if now := s.now(); !now.Before(s.next) || now.Before(s.dayStart) {
			if s.f != nil && s.size > 0 {
				s.rotateDaily()
			}
			s.setDay(now)
		}
	}
	if s.f == nil {
		// A failed rotation or reopen: try again, so logging resumes as
		// soon as the problem goes away.
		if err := s.open(0); err != nil {
			return err
		}
	}
	n, err := s.f.Write(p)
	s.size += int64(n)
	return err
}

// rotate rolls the file over. It is called with s.mu held. Errors leave
// s.f nil; the next write reopens the live file.
func (s *fileSink) rotate() {
	s.f.Close()
	s.f = nil
	if s.maxBackups < 0 {
		_ = s.open(os.O_TRUNC)
		return
	}
	// Shift only the backups that exist: file.1 ... file.k, contiguous
	// (a gap made by hand ends the chain). The oldest beyond maxBackups
	// is deleted.
	k := 0
	for k < s.maxBackups {
		if _, err := os.Lstat(s.backup(k + 1)); err != nil {
			break
		}
		k++
	}
	if k == s.maxBackups {
		_ = os.Remove(s.backup(k))
		k--
	}
	for i := k; i >= 1; i-- {
		_ = os.Rename(s.backup(i), s.backup(i+1))
	}
	_ = os.Rename(s.path, s.backup(1))
	_ = s.open(0)
}

// startDaily switches s to Daily mode. The live file's day is that of its
// modification time if it has content, else today.
func (s *fileSink) startDaily(c Clock) {
	s.daily, s.clock = true, c
	day := s.now()
	if s.size > 0 {
		if st, err := s.f.Stat(); err == nil {
			day = st.ModTime().In(day.Location())
		}
	}
	s.setDay(day)
}

func (s *fileSink) now() time.Time {
	if s.clock != nil {
		return s.clock.Now()
	}
	return time.Now()
}

// setDay makes the live file hold t's local day.
func (s *fileSink) setDay(t time.Time) {
	y, m, d := t.Date()
	s.dayStart = time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	s.next = time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

// rotateDaily renames the live file to path.YYYYMMDD of its day (adding
// .1, .2, ... if taken), prunes the oldest dated backups beyond
// maxBackups and opens a fresh file. s.mu is held.
func (s *fileSink) rotateDaily() {
	s.f.Close()
	s.f = nil
	target := s.path + "." + s.dayStart.Format("20060102")
	for i, t := 1, target; ; i++ {
		if _, err := os.Lstat(t); errors.Is(err, fs.ErrNotExist) {
			target = t
			break
		}
		t = target + "." + strconv.Itoa(i)
	}
	_ = os.Rename(s.path, target)
	s.pruneDaily()
	_ = s.open(0)
}

// pruneDaily deletes the oldest path.YYYYMMDD[.N] files beyond maxBackups.
func (s *fileSink) pruneDaily() {
	dir, base := filepath.Split(s.path)
	entries, err := os.ReadDir(filepath.Clean(dir))
	if err != nil {
		return
	}
	var dated []string
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), base+".")
		if !ok || len(rest) < 8 || !digitsLayout(rest[:8], "00000000") {
			continue
		}
		if len(rest) > 8 && (rest[8] != '.' || !isDigits(rest[9:])) {
			continue
		}
		dated = append(dated, e.Name())
	}
	keep := max(s.maxBackups, 0)
	if len(dated) <= keep {
		return
	}
	slices.SortFunc(dated, func(a, b string) int {
		if c := strings.Compare(a[:len(base)+9], b[:len(base)+9]); c != 0 {
			return c
		}
		if len(a) != len(b) {
			return len(a) - len(b) // file.20260101 < file.20260101.1 < file.20260101.10
		}
		return strings.Compare(a, b)
	})
	for _, name := range dated[:len(dated)-keep] {
		_ = os.Remove(filepath.Join(dir, name))
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (s *fileSink) backup(i int) string { return s.path + "." + strconv.Itoa(i) }

func (s *fileSink) sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.f == nil {
		return nil
	}
	return s.f.Sync()
}

func (s *fileSink) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}
