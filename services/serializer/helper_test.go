package serializer

import (
	"bufio"
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The test binary doubles as the crash-test writer: with
// CUP_SERIALIZER_WRITER=<dir> set, TestMain appends records to dir forever,
// printing "start <next id>" once and "ack <id>" after each Append returns,
// until the parent kills it with SIGKILL.
const writerEnv = "CUP_SERIALIZER_WRITER"

func TestMain(m *testing.M) {
	if dir := os.Getenv(writerEnv); dir != "" {
		os.Exit(runWriter(dir))
	}
	goleak.VerifyTestMain(m)
}

func runWriter(dir string) int {
	// Write each record in two pieces with a pause between, as a large
	// write may be split by the kernel, so that some kills land in the
	// middle of a record and the next start must drop a torn tail.
	writeRecord = func(f dataFile, rec []byte, off int64) error {
		half := len(rec) / 2
		if _, err := f.WriteAt(rec[:half], off); err != nil {
			return err
		}
		time.Sleep(300 * time.Microsecond)
		_, err := f.WriteAt(rec[half:], off+int64(half))
		return err
	}
	w, err := OpenWriter(dir, Options{MaxFileSize: crashFileSize})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		return 2
	}
	out := bufio.NewWriterSize(os.Stdout, 64)
	fmt.Fprintf(out, "start %d\n", w.NextID())
	out.Flush()
	for {
		next := w.NextID()
		id, err := w.Append(uint16(next%5), ModeSet, payloadFor(next))
		if err != nil {
			fmt.Fprintln(os.Stderr, "append:", err)
			return 3
		}
		fmt.Fprintf(out, "ack %d\n", id)
		out.Flush()
	}
}

// crashFileSize is small so that kills also land around rotations.
const crashFileSize = 2048

// payloadFor is the deterministic payload of record id (1 to 200 bytes,
// never all zero).
func payloadFor(id uint64) []byte {
	p := make([]byte, 1+int(id*37%200))
	for i := range p {
		p[i] = byte(id) + byte(i) | 1
	}
	return p
}
