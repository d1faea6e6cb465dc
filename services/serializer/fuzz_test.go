package serializer

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadLog feeds arbitrary bytes as a done file and as a writing file:
// reading and recovery must never panic, and whatever the reader returns
// must re-encode to a prefix of the input.
func FuzzReadLog(f *testing.F) {
	f.Add(appendRecord(nil, 0, 7, ModeAdd, []byte("payload-0-xxxxxxxxxxxxxxxxxxxx")))
	two := appendRecord(appendRecord(nil, 0, 1, ModeSet, []byte("a")), 1, 2, ModeDel, nil)
	f.Add(two)
	f.Add(two[:len(two)-3])
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0})
	f.Add(make([]byte, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"done.0", "writing.0"} {
			dir := t.TempDir()
			os.MkdirAll(filepath.Join(dir, subDir), 0o755)
			if err := os.WriteFile(filepath.Join(dir, subDir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := OpenReader(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			recs, _ := r.Read(1 << 20)
			r.Close()
			var enc []byte
			for _, rec := range recs {
				enc = appendRecord(enc, rec.ID, rec.Type, rec.Mode, rec.Payload)
			}
			if len(enc) > len(data) || string(enc) != string(data[:len(enc)]) {
				t.Fatalf("%s: records do not re-encode to a prefix of the input", name)
			}
			if w, err := OpenWriter(dir, Options{Logger: nil}); err == nil {
				if uint64(len(recs)) != w.NextID() && name == "writing.0" {
					t.Fatalf("recovery kept %d records, reader saw %d", w.NextID(), len(recs))
				}
				w.Close()
			}
		}
	})
}
