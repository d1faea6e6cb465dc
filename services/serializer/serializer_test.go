package serializer

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cupgo/cup/errs"
)

func payloadN(i int) []byte { return []byte(fmt.Sprintf("payload-%d-", i) + strings.Repeat("x", 20)) }

func openW(t *testing.T, dir string, opt Options) *Writer {
	t.Helper()
	w, err := OpenWriter(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func appendN(t *testing.T, w *Writer, n int) {
	t.Helper()
	for range n {
		id := w.NextID()
		got, err := w.Append(7, ModeAdd, payloadN(int(id)))
		if err != nil || got != id {
			t.Fatalf("Append = %d, %v; want id %d", got, err, id)
		}
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, subDir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func readAll(t *testing.T, dir string, opt Options) []Record {
	t.Helper()
	r, err := OpenReader(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []Record
	for {
		recs, err := r.Read(1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			return out
		}
		out = append(out, recs...)
	}
}

func ids(recs []Record) []uint64 {
	out := make([]uint64, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

func TestGoldenBytes(t *testing.T) {
	dir := t.TempDir()
	w := openW(t, dir, Options{})
	id, err := w.Append(7, ModeAdd, []byte("payload-0-"+strings.Repeat("x", 20)))
	if err != nil || id != 0 || w.NextID() != 1 {
		t.Fatalf("Append = %d, %v (CUP returned 1, the next id)", id, err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "0", "writing.0"))
	if err != nil {
		t.Fatal(err)
	}
	want := "32000000" + strings.Repeat("00", 16) + "0700" + "0000" + hex.EncodeToString([]byte("payload-0-"+strings.Repeat("x", 20)))
	if hex.EncodeToString(got) != want {
		t.Fatalf("bytes\n got %x\nwant %s", got, want)
	}
	if len(got) != 54 {
		t.Fatalf("record is %d bytes, want 54", len(got))
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestReadCUPDirectory(t *testing.T) {
	dir := copyDir(t, "testdata/cup-py2")
	recs := readAll(t, dir, Options{})
	if len(recs) != 6 {
		t.Fatalf("read %d records, want 6", len(recs))
	}
	for i, r := range recs {
		if r.ID != uint64(i) || r.Type != 7 || r.Mode != ModeAdd || !bytes.Equal(r.Payload, payloadN(i)) {
			t.Fatalf("record %d = %+v", i, r)
		}
	}
	// Opening CUP's directory for writing drops the empty writing.6 and
	// continues at id 6 without renaming anything.
	w := openW(t, dir, Options{MaxFileSize: 100})
	if w.NextID() != 6 {
		t.Fatalf("NextID = %d, want 6", w.NextID())
	}
	if got := names(t, dir); fmt.Sprint(got) != "[done.0 done.2 done.4]" {
		t.Fatalf("files %v", got)
	}
	appendN(t, w, 1)
	if recs := readAll(t, dir, Options{}); len(recs) != 7 || recs[6].ID != 6 {
		t.Fatalf("after append: %v", ids(recs))
	}
}

func TestAppendRotation(t *testing.T) {
	dir := t.TempDir()
	w := openW(t, dir, Options{MaxFileSize: 100})
	appendN(t, w, 6)
	if got := names(t, dir); fmt.Sprint(got) != "[done.0 done.2 done.4 writing.6]" {
		t.Fatalf("files %v", got)
	}
	list, _ := os.ReadFile(filepath.Join(dir, listName))
	abs, _ := filepath.Abs(dir)
	want := ""
	for _, n := range []string{"done.0", "done.2", "done.4"} {
		want += filepath.Join(abs, "0", n) + "\n"
	}
	if string(list) != want {
		t.Fatalf("logfile.list\n%s\nwant\n%s", list, want)
	}
	if _, err := w.Append(1, ModeAdd, make([]byte, MaxPayload+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized payload: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Append(1, ModeAdd, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
}

// writeRecords makes a writing.0 holding n records and returns its path.
func writeRecords(t *testing.T, dir string, n int) string {
	t.Helper()
	w, err := OpenWriter(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, w, n)
	w.Close()
	return filepath.Join(dir, "0", "writing.0")
}

func TestRecovery(t *testing.T) {
	t.Run("clean writing file", func(t *testing.T) {
		dir := t.TempDir()
		writeRecords(t, dir, 3)
		w := openW(t, dir, Options{})
		if w.NextID() != 3 || fmt.Sprint(names(t, dir)) != "[done.0]" {
			t.Fatalf("NextID %d files %v", w.NextID(), names(t, dir))
		}
	})
	t.Run("torn tail truncated", func(t *testing.T) {
		dir := t.TempDir()
		path := writeRecords(t, dir, 3)
		if err := os.Truncate(path, 3*54-5); err != nil {
			t.Fatal(err)
		}
		w := openW(t, dir, Options{})
		if w.NextID() != 2 {
			t.Fatalf("NextID %d, want 2", w.NextID())
		}
		data, _ := os.ReadFile(filepath.Join(dir, "0", "done.0"))
		if len(data) != 108 {
			t.Fatalf("done.0 is %d bytes, want 108", len(data))
		}
		recs := readAll(t, dir, Options{})
		if len(recs) != 2 || !bytes.Equal(recs[1].Payload, payloadN(1)) {
			t.Fatalf("records %v (CUP zeroed the file)", ids(recs))
		}
		appendN(t, w, 1) // id 2 again: dense
		if recs := readAll(t, dir, Options{}); fmt.Sprint(ids(recs)) != "[0 1 2]" {
			t.Fatalf("ids %v", ids(recs))
		}
	})
	t.Run("zero tail truncated", func(t *testing.T) {
		dir := t.TempDir()
		path := writeRecords(t, dir, 2)
		f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		f.Write(make([]byte, 100))
		f.Close()
		w := openW(t, dir, Options{})
		if w.NextID() != 2 {
			t.Fatalf("NextID %d", w.NextID())
		}
	})
	t.Run("torn tail without truncation", func(t *testing.T) {
		dir := t.TempDir()
		path := writeRecords(t, dir, 3)
		os.Truncate(path, 3*54-5)
		before, _ := os.ReadFile(path)
		if _, err := OpenWriter(dir, Options{DisableTruncate: true}); !errors.Is(err, ErrCorrupt) || !errors.Is(err, errs.ErrParse) {
			t.Fatalf("OpenWriter = %v, want ErrCorrupt", err)
		}
		after, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(before, after) || fmt.Sprint(names(t, dir)) != "[writing.0]" {
			t.Fatal("files changed by a refused recovery")
		}
	})
	t.Run("garbage tail is corruption", func(t *testing.T) {
		dir := t.TempDir()
		path := writeRecords(t, dir, 2)
		f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		f.Write([]byte{1, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9})
		f.Close()
		if _, err := OpenWriter(dir, Options{}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("OpenWriter = %v", err)
		}
	})
	t.Run("empty writing file removed", func(t *testing.T) {
		dir := t.TempDir()
		w := openW(t, dir, Options{MaxFileSize: 100})
		appendN(t, w, 2) // done.0 + empty writing.2
		w.Close()
		w = openW(t, dir, Options{})
		if w.NextID() != 2 || fmt.Sprint(names(t, dir)) != "[done.0]" {
			t.Fatalf("NextID %d files %v", w.NextID(), names(t, dir))
		}
		// A clean restart after that: no rename, no id skipped (CUP
		// renamed done.N and skipped one).
		w.Close()
		w = openW(t, dir, Options{})
		if w.NextID() != 2 || fmt.Sprint(names(t, dir)) != "[done.0]" {
			t.Fatalf("NextID %d files %v", w.NextID(), names(t, dir))
		}
	})
	t.Run("two writing files", func(t *testing.T) {
		dir := t.TempDir()
		writeRecords(t, dir, 1)
		os.WriteFile(filepath.Join(dir, "0", "writing.5"), nil, 0o644)
		if _, err := OpenWriter(dir, Options{}); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "writing.0, writing.5") {
			t.Fatalf("OpenWriter = %v", err)
		}
	})
	t.Run("out of sequence id", func(t *testing.T) {
		dir := t.TempDir()
		path := writeRecords(t, dir, 2)
		data, _ := os.ReadFile(path)
		data[54+4] = 9 // record 1 claims id 9
		os.WriteFile(path, data, 0o644)
		if _, err := OpenWriter(dir, Options{}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("OpenWriter = %v", err)
		}
	})
	t.Run("other names ignored", func(t *testing.T) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "0"), 0o755)
		for _, n := range []string{"done.x", "writing.1.bak", "done.01", "notes"} {
			os.WriteFile(filepath.Join(dir, "0", n), []byte("junk"), 0o644)
		}
		if empty, err := IsEmpty(dir); err != nil || !empty {
			t.Fatalf("IsEmpty = %v, %v", empty, err)
		}
		w := openW(t, dir, Options{})
		if w.NextID() != 0 {
			t.Fatalf("NextID %d", w.NextID())
		}
		appendN(t, w, 1)
		if empty, _ := IsEmpty(dir); empty {
			t.Fatal("IsEmpty after append")
		}
	})
	if empty, err := IsEmpty(filepath.Join(t.TempDir(), "missing")); err != nil || !empty {
		t.Fatalf("IsEmpty(missing) = %v, %v", empty, err)
	}
}

// faultFile wraps a data file and fails chosen operations.
type faultFile struct {
	dataFile
	failWrite, failSync *bool
	syncs               *int
}

func (f faultFile) WriteAt(p []byte, off int64) (int, error) {
	if *f.failWrite {
		n, _ := f.dataFile.WriteAt(p[:len(p)/2], off) // a torn write
		return n, errors.New("injected write error")
	}
	return f.dataFile.WriteAt(p, off)
}

func (f faultFile) Sync() error {
	*f.syncs++
	if *f.failSync {
		return errors.New("injected fsync error")
	}
	return f.dataFile.Sync()
}

func injectFaults(t *testing.T) (failWrite, failSync *bool, syncs, dirSyncs *int) {
	failWrite, failSync, syncs, dirSyncs = new(bool), new(bool), new(int), new(int)
	origOpen, origSyncDir := openFile, syncDir
	openFile = func(name string, flag int, perm fs.FileMode) (dataFile, error) {
		f, err := origOpen(name, flag, perm)
		if err != nil {
			return nil, err
		}
		return faultFile{f, failWrite, failSync, syncs}, nil
	}
	syncDir = func(dir string) error { *dirSyncs++; return origSyncDir(dir) }
	t.Cleanup(func() { openFile, syncDir = origOpen, origSyncDir })
	return
}

func TestAppendFailureAndFsyncDiscipline(t *testing.T) {
	failWrite, failSync, syncs, dirSyncs := injectFaults(t)
	dir := t.TempDir()
	w := openW(t, dir, Options{MaxFileSize: 100})
	appendN(t, w, 1)
	if *syncs != 1 || *dirSyncs != 1 {
		t.Fatalf("first append: %d file fsyncs, %d dir fsyncs; want 1 and 1 (new file)", *syncs, *dirSyncs)
	}
	// The second record reaches the limit: rotation renames (dir fsync)
	// and creates writing.2 (dir fsync).
	appendN(t, w, 1)
	if *syncs != 2 || *dirSyncs != 3 {
		t.Fatalf("after rotation: %d file fsyncs, %d dir fsyncs; want 2 and 3", *syncs, *dirSyncs)
	}
	for _, fail := range []*bool{failWrite, failSync} {
		*fail = true
		next := w.NextID()
		if _, err := w.Append(7, ModeAdd, payloadN(99)); err == nil || !errors.Is(err, errs.ErrIO) {
			t.Fatalf("Append with an injected fault = %v", err)
		}
		*fail = false
		if w.NextID() != next {
			t.Fatalf("failed Append consumed id %d", next)
		}
		st, _ := os.Stat(filepath.Join(dir, "0", "writing.2"))
		if st.Size() != 0 {
			t.Fatalf("torn record left behind: writing.2 is %d bytes", st.Size())
		}
	}
	appendN(t, w, 1) // id 2 works after the failures
	if recs := readAll(t, dir, Options{}); fmt.Sprint(ids(recs)) != "[0 1 2]" {
		t.Fatalf("ids %v", ids(recs))
	}
	// A record whose Append failed after the write (fsync error) was
	// truncated away; reopening finds exactly the acknowledged ones.
	w.Close()
	w2 := openW(t, dir, Options{})
	if w2.NextID() != 3 {
		t.Fatalf("NextID after reopen %d", w2.NextID())
	}
}

func TestReaderTailAndRotation(t *testing.T) {
	dir := t.TempDir()
	w := openW(t, dir, Options{MaxFileSize: 100})
	appendN(t, w, 3) // done.0, writing.2 with record 2
	r, err := OpenReader(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Read(0); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("Read(0) = %v", err)
	}
	recs, err := r.Read(10)
	if err != nil || fmt.Sprint(ids(recs)) != "[0 1 2]" {
		t.Fatalf("Read = %v, %v", ids(recs), err)
	}
	// Half a record at the end of the writing file is "not yet".
	rec := appendRecord(nil, 3, 7, ModeAdd, payloadN(3))
	path := filepath.Join(dir, "0", "writing.2")
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write(rec[:30])
	if recs, err := r.Read(10); err != nil || len(recs) != 0 {
		t.Fatalf("Read with a partial tail = %v, %v", ids(recs), err)
	}
	f.Write(rec[30:])
	f.Close()
	if recs, err := r.Read(10); err != nil || fmt.Sprint(ids(recs)) != "[3]" {
		t.Fatalf("Read after completion = %v, %v", ids(recs), err)
	}
}

func TestReaderConcurrentWithRotation(t *testing.T) {
	dir := t.TempDir()
	w := openW(t, dir, Options{MaxFileSize: 300})
	const n = 400
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range n {
			if _, err := w.Append(1, ModeAdd, payloadFor(uint64(i))); err != nil {
				t.Error(err)
				return
			}
		}
	})
	r, err := OpenReader(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []Record
	for len(got) < n {
		recs, err := r.Read(7)
		if err != nil {
			t.Fatalf("after %d records: %v", len(got), err)
		}
		got = append(got, recs...)
	}
	wg.Wait()
	for i, rec := range got {
		if rec.ID != uint64(i) || !bytes.Equal(rec.Payload, payloadFor(uint64(i))) {
			t.Fatalf("record %d = id %d", i, rec.ID)
		}
	}
}

func TestReaderCorruptDone(t *testing.T) {
	mk := func(t *testing.T) string {
		dir := t.TempDir()
		w := openW(t, dir, Options{MaxFileSize: 100})
		appendN(t, w, 6)
		w.Close()
		os.Truncate(filepath.Join(dir, "0", "done.2"), 108-5) // record 3 cut
		return dir
	}
	t.Run("default", func(t *testing.T) {
		r, _ := OpenReader(mk(t), Options{})
		defer r.Close()
		recs, err := r.Read(100)
		if !errors.Is(err, ErrCorrupt) || fmt.Sprint(ids(recs)) != "[0 1 2]" || !strings.Contains(err.Error(), "done.2: offset 54") {
			t.Fatalf("Read = %v, %v", ids(recs), err)
		}
		recs, err = r.Read(100)
		if !errors.Is(err, ErrCorrupt) || len(recs) != 0 {
			t.Fatalf("second Read = %v, %v", ids(recs), err)
		}
	})
	t.Run("skip", func(t *testing.T) {
		l, _ := os.CreateTemp(t.TempDir(), "log")
		l.Close()
		r, _ := OpenReader(mk(t), Options{SkipBadRecords: true})
		defer r.Close()
		var got []Record
		for {
			recs, err := r.Read(2)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) == 0 {
				break
			}
			got = append(got, recs...)
		}
		if fmt.Sprint(ids(got)) != "[0 1 2 4 5]" || r.Skipped() != 1 {
			t.Fatalf("ids %v skipped %d", ids(got), r.Skipped())
		}
	})
	t.Run("skip bad last file waits for the next", func(t *testing.T) {
		dir := t.TempDir()
		w := openW(t, dir, Options{MaxFileSize: 100})
		appendN(t, w, 2) // done.0, writing.2
		w.Close()
		os.Truncate(filepath.Join(dir, "0", "done.0"), 60)
		os.Remove(filepath.Join(dir, "0", "writing.2"))
		r, _ := OpenReader(dir, Options{SkipBadRecords: true})
		defer r.Close()
		if recs, err := r.Read(5); err != nil || fmt.Sprint(ids(recs)) != "[0]" {
			t.Fatalf("Read = %v, %v", ids(recs), err)
		}
		if recs, err := r.Read(5); err != nil || len(recs) != 0 {
			t.Fatalf("Read = %v, %v", ids(recs), err)
		}
	})
}

func TestOpenReaderAt(t *testing.T) {
	dir := t.TempDir()
	w := openW(t, dir, Options{MaxFileSize: 100})
	appendN(t, w, 6)
	r, err := OpenReaderAt(dir, 3, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := r.Read(100); err != nil || fmt.Sprint(ids(recs)) != "[3 4 5]" {
		t.Fatalf("Read = %v, %v", ids(recs), err)
	}
	r.Close()
	if _, err := r.Read(1); !errors.Is(err, ErrClosed) {
		t.Fatalf("Read after Close = %v", err)
	}
	r, _ = OpenReaderAt(dir, 8, Options{})
	defer r.Close()
	if recs, err := r.Read(100); err != nil || len(recs) != 0 {
		t.Fatalf("Read = %v, %v", ids(recs), err)
	}
	appendN(t, w, 3) // 6, 7, 8
	if recs, err := r.Read(100); err != nil || fmt.Sprint(ids(recs)) != "[8]" || r.NextID() != 9 {
		t.Fatalf("Read = %v, %v", ids(recs), err)
	}
	w.Purge(4)
	if _, err := OpenReaderAt(dir, 1, Options{}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("below oldest: %v", err)
	}
}

func TestPurge(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs(dir)
	w := openW(t, dir, Options{MaxFileSize: 100})
	appendN(t, w, 8)
	if got := names(t, dir); fmt.Sprint(got) != "[done.0 done.2 done.4 done.6 writing.8]" {
		t.Fatalf("files %v", got)
	}
	os.WriteFile(filepath.Join(dir, listName+".switch"), nil, 0o644)
	listBefore, _ := os.ReadFile(filepath.Join(dir, listName))
	removed, err := w.Purge(5)
	if err != nil {
		t.Fatal(err)
	}
	p := func(n ...string) []string {
		var out []string
		for _, x := range n {
			out = append(out, filepath.Join(abs, "0", x))
		}
		return out
	}
	if !slices.Equal(removed, p("done.0", "done.2")) {
		t.Fatalf("removed %v", removed)
	}
	list, _ := os.ReadFile(filepath.Join(dir, listName))
	if string(list) != strings.Join(p("done.4", "done.6"), "\n")+"\n" {
		t.Fatalf("list %q", list)
	}
	if old, _ := os.ReadFile(filepath.Join(dir, listName+".old")); !bytes.Equal(old, listBefore) {
		t.Fatal("previous list not kept as .old")
	}
	if _, err := os.Stat(filepath.Join(dir, listName+".switch")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("switch marker left")
	}
	if recs := readAll(t, dir, Options{}); fmt.Sprint(ids(recs)) != "[4 5 6 7]" {
		t.Fatalf("ids after purge %v", ids(recs))
	}
	removed, err = w.Purge(8)
	if err != nil || !slices.Equal(removed, p("done.4", "done.6")) {
		t.Fatalf("Purge(8) = %v, %v", removed, err)
	}
	if got := names(t, dir); fmt.Sprint(got) != "[writing.8]" {
		t.Fatalf("files %v", got)
	}
	if list, _ := os.ReadFile(filepath.Join(dir, listName)); len(list) != 0 {
		t.Fatalf("list %q", list)
	}
	// Later appends only append to the list.
	appendN(t, w, 2)
	list, _ = os.ReadFile(filepath.Join(dir, listName))
	if string(list) != p("done.8")[0]+"\n" {
		t.Fatalf("list after rotation %q", list)
	}
	// The last done file can be purged (its end is NextID).
	w.Close()
	w = openW(t, dir, Options{})
	if removed, err := w.Purge(100); err != nil || len(removed) != 1 || w.NextID() != 10 {
		t.Fatalf("Purge(100) = %v, %v", removed, err)
	}
}

func TestSetNextID(t *testing.T) {
	dir := t.TempDir()
	w := openW(t, dir, Options{MaxFileSize: 100})
	if err := w.SetNextID(10); err != nil {
		t.Fatal(err)
	}
	appendN(t, w, 1)
	if err := w.SetNextID(20); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("SetNextID with records = %v", err)
	}
	appendN(t, w, 1) // rotation: done.10, empty writing.12
	if err := w.SetNextID(5); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Fatalf("SetNextID below next = %v", err)
	}
	if err := w.SetNextID(12); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); fmt.Sprint(got) != "[done.10]" {
		t.Fatalf("files %v", got)
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
}

func TestOneWriterPerDirectory(t *testing.T) {
	dir := t.TempDir()
	w := openW(t, dir, Options{})
	if _, err := OpenWriter(dir, Options{}); !errors.Is(err, errs.ErrWouldBlock) {
		t.Fatalf("second writer: %v", err)
	}
	w.Close()
	w2, err := OpenWriter(dir, Options{})
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	w2.Close()
}

func TestPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "log")
	w := openW(t, dir, Options{DirPerm: 0o700, FilePerm: 0o600})
	appendN(t, w, 1)
	for path, want := range map[string]fs.FileMode{
		filepath.Join(dir, "0"):              0o700,
		filepath.Join(dir, "0", "writing.0"): 0o600,
		filepath.Join(dir, listName):         0o600,
	} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm() &^ 0o022; got != want&^0o022 {
			t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), want)
		}
	}
}
