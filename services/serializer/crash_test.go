package serializer

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestKill9Writer re-executes the test binary as a writer (see TestMain),
// kills it with SIGKILL at random points, and checks after each kill that
// every acknowledged record reads back intact, ids are dense, and the next
// writer continues at the first id not on disk.
func TestKill9Writer(t *testing.T) {
	rounds := 100
	if testing.Short() {
		rounds = 15
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var onDisk uint64 // records found after the previous kill
	torn := 0         // restarts that found a torn record to drop
	start := time.Now()
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), writerEnv+"="+dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		line := func() (string, uint64) {
			if !sc.Scan() {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("round %d: writer output ended: %v; stderr: %s", round, sc.Err(), stderr.String())
			}
			f := strings.Fields(sc.Text())
			n, err := strconv.ParseUint(f[1], 10, 64)
			if len(f) != 2 || err != nil {
				t.Fatalf("round %d: bad line %q", round, sc.Text())
			}
			return f[0], n
		}
		if kind, next := line(); kind != "start" || next != onDisk {
			t.Fatalf("round %d: writer started at id %d, want %d (dense across restarts)", round, next, onDisk)
		}
		acked, haveAck := uint64(0), false
		for range rng.IntN(40) {
			kind, id := line()
			if kind != "ack" {
				t.Fatalf("round %d: line %q", round, sc.Text())
			}
			acked, haveAck = id, true
		}
		if rng.IntN(3) == 0 {
			time.Sleep(time.Duration(rng.IntN(2000)) * time.Microsecond)
		}
		cmd.Process.Kill()
		cmd.Wait()
		if strings.Contains(stderr.String(), "torn tail") {
			torn++
		}

		recs := readAll(t, dir, Options{})
		for i, r := range recs {
			if r.ID != uint64(i) {
				t.Fatalf("round %d: record %d has id %d (ids not dense)", round, i, r.ID)
			}
			if !bytes.Equal(r.Payload, payloadFor(r.ID)) || r.Type != uint16(r.ID%5) || r.Mode != ModeSet {
				t.Fatalf("round %d: record %d damaged (zeroed?)", round, r.ID)
			}
		}
		if haveAck && uint64(len(recs)) <= acked {
			t.Fatalf("round %d: acknowledged record %d lost (%d on disk)", round, acked, len(recs))
		}
		if uint64(len(recs)) < onDisk {
			t.Fatalf("round %d: %d records on disk, fewer than the %d before", round, len(recs), onDisk)
		}
		onDisk = uint64(len(recs))
	}
	t.Logf("%d kills, %d records, %d torn tails recovered, %v", rounds, onDisk, torn, time.Since(start))
	if !testing.Short() && torn == 0 {
		t.Fatal("no kill landed inside a record: torn-tail recovery was not exercised")
	}
	// A final clean open recovers the last writing file.
	w, err := OpenWriter(dir, Options{MaxFileSize: crashFileSize})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.NextID() != onDisk {
		t.Fatalf("NextID %d, want %d", w.NextID(), onDisk)
	}
}
