package serializer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/cupgo/cup/errs"
)

const (
	subDir      = "0"
	listName    = "logfile.list"
	prefixDone  = "done."
	prefixWrite = "writing."
)

// logFile is one data file of a log directory.
type logFile struct {
	start   uint64
	writing bool
}

func (f logFile) name() string {
	if f.writing {
		return prefixWrite + strconv.FormatUint(f.start, 10)
	}
	return prefixDone + strconv.FormatUint(f.start, 10)
}

// listFiles returns the valid data files of sub, done files first, each by
// start id (CUP's order). Other names are skipped.
func listFiles(sub string) ([]logFile, error) {
	ents, err := os.ReadDir(sub)
	if err != nil {
		return nil, errs.New(errs.ErrIO, "serializer: list %s: %w", sub, err)
	}
	var out []logFile
	for _, e := range ents {
		name := e.Name()
		var f logFile
		var num string
		switch {
		case strings.HasPrefix(name, prefixDone):
			num = name[len(prefixDone):]
		case strings.HasPrefix(name, prefixWrite):
			num, f.writing = name[len(prefixWrite):], true
		default:
			continue
		}
		n, err := strconv.ParseUint(num, 10, 64)
		if err != nil || strconv.FormatUint(n, 10) != num {
			continue // not done.<int>/writing.<int>
		}
		f.start = n
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b logFile) int {
		if a.writing != b.writing {
			if a.writing {
				return 1
			}
			return -1
		}
		switch {
		case a.start < b.start:
			return -1
		case a.start > b.start:
			return 1
		}
		return 0
	})
	return out, nil
}

// IsEmpty reports whether dir holds no log file (CUP is_empty). A missing
// directory is empty.
func IsEmpty(dir string) (bool, error) {
	files, err := listFiles(filepath.Join(dir, subDir))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		return false, err
	}
	return len(files) == 0, nil
}

// syncDir fsyncs a directory so that entries created, renamed or removed
// in it are durable. Tests replace it to observe the discipline.
var syncDir = func(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync directory %s: %w", dir, err)
	}
	return nil
}
