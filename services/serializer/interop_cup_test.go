//go:build interop

// A test against Baidu's own CUP: the log directories of CUP 3.2.7's
// LocalFileSerilizer (under Python 2.7, CUP 3.2.7's code base) and of this
// package are read by the other side, record for record. CUP's source is
// not part of this repository, so the test is built only with -tags
// interop:
//
//	CUP_SRC=/path/to/CUP-3.2.7 CUP_PYTHON=python2.7 \
//	    go test -tags interop -run TestInteropCUPSerializer ./services/serializer
//
// or scripts/interop-cup.sh. Once built with the tag, a missing CUP_SRC
// fails the test: it never skips.

package serializer

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cupgo/cup/internal/cupinterop"
)

// cupSerOracle, with "write DIR N", appends records 0..N-1 (see
// interopPayload) to DIR with CUP and prints nothing; with "read DIR" it
// prints every record CUP reads from DIR as a JSON line [id, type, mode,
// payload hex]. CUP reads finished files only: the file still being
// written is not read.
const cupSerOracle = `
import json, sys, logging
logging.disable(logging.CRITICAL)
from cup.services import serializer

def payload(i):
    n = 1500 if i % 10 == 0 else i % 50
    return ''.join(chr((i * 7 + j) % 256) for j in range(n))

mode, d = sys.argv[3], sys.argv[4]
s = serializer.LocalFileSerilizer(d, max_logfile_size=4096)
if mode == 'write':
    s.open4write()
    for i in range(int(sys.argv[5])):
        ok, _ = s.add_log(i % 5, i % 3, payload(i))
        if not ok:
            raise SystemExit('add_log %d failed' % i)
    s.close_write()
else:
    s.open4read()
    while True:
        recs = s.read(64)
        if not recs:
            break
        for r in recs:
            print(json.dumps([r.log_id, r.log_type, r.log_mode, r.log_binary.encode('hex')]))
`

func interopPayload(i int) []byte {
	n := i % 50
	if i%10 == 0 {
		n = 1500
	}
	b := make([]byte, n)
	for j := range b {
		b[j] = byte((i*7 + j) % 256)
	}
	return b
}

func TestInteropCUPSerializer(t *testing.T) {
	env := cupinterop.Setup(t, "cup/services/serializer.py")
	src, stubs, dir, python := env.Src, env.Stubs, env.Dir, env.Python2
	script := env.Script(t, "oracle.py", cupSerOracle)
	cup := func(args ...string) []byte {
		t.Helper()
		out, err := exec.Command(python, append([]string{script, src, stubs}, args...)...).Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("CUP %v: %v\n%s", args, err, stderr)
		}
		return out
	}
	cupRead := func(d string) []Record {
		t.Helper()
		var recs []Record
		sc := bufio.NewScanner(bytes.NewReader(cup("read", d)))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var row [4]any
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				t.Fatalf("CUP printed %q: %v", sc.Text(), err)
			}
			p, err := hex.DecodeString(row[3].(string))
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, Record{ID: uint64(row[0].(float64)), Type: uint16(row[1].(float64)), Mode: uint16(row[2].(float64)), Payload: p})
		}
		return recs
	}
	goRead := func(d string) []Record {
		t.Helper()
		r, err := OpenReader(d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var recs []Record
		for {
			batch, err := r.Read(64)
			if err != nil {
				t.Fatal(err)
			}
			if len(batch) == 0 {
				return recs
			}
			recs = append(recs, batch...)
		}
	}
	check := func(what string, got []Record, from, to int) {
		t.Helper()
		if len(got) != to-from {
			t.Fatalf("%s: %d records, want %d (ids %d to %d)", what, len(got), to-from, from, to-1)
		}
		for k, r := range got {
			i := from + k
			if r.ID != uint64(i) || r.Type != uint16(i%5) || r.Mode != uint16(i%3) || !bytes.Equal(r.Payload, interopPayload(i)) {
				t.Fatalf("%s: record %d = id %d type %d mode %d, %d payload bytes; want id %d type %d mode %d, %d bytes",
					what, k, r.ID, r.Type, r.Mode, len(r.Payload), i, i%5, i%3, len(interopPayload(i)))
			}
		}
	}
	write := func(d string, from, to int) {
		t.Helper()
		w, err := OpenWriter(d, Options{MaxFileSize: 4096})
		if err != nil {
			t.Fatal(err)
		}
		if w.NextID() != uint64(from) {
			t.Fatalf("writer on %s starts at id %d, want %d", d, w.NextID(), from)
		}
		for i := from; i < to; i++ {
			if _, err := w.Append(uint16(i%5), uint16(i%3), interopPayload(i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}

	const n = 200

	// CUP writes, the port reads everything, including the file CUP was
	// still writing.
	cupDir := filepath.Join(dir, "cup")
	if err := os.MkdirAll(filepath.Join(cupDir, "0"), 0o755); err != nil { // CUP does not create them
		t.Fatal(err)
	}
	cup("write", cupDir, strconv.Itoa(n))
	check("port reading CUP's log", goRead(cupDir), 0, n)

	// The port writes, CUP reads.
	goDir := filepath.Join(dir, "go")
	write(goDir, 0, n)
	got := cupRead(goDir)
	if len(got) < n-60 { // all but what is in the last, unfinished file
		t.Fatalf("CUP read %d of the port's %d records", len(got), n)
	}
	check("CUP reading the port's log", got, 0, len(got))

	// The port takes over CUP's directory (recovering the file CUP was
	// writing) and appends; both sides read the whole log.
	write(cupDir, n, n+50)
	check("port reading the continued log", goRead(cupDir), 0, n+50)
	got = cupRead(cupDir)
	if len(got) < n {
		t.Fatalf("CUP read %d records of the continued log, want at least the %d it wrote", len(got), n)
	}
	check("CUP reading the continued log", got, 0, len(got))
	t.Logf("CUP read %d of the port's %d records and %d of %d in the continued log (it skips the file being written)", len(cupRead(goDir)), n, len(got), n+50)
}
