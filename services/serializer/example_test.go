package serializer_test

import (
	"fmt"
	"os"

	"github.com/cupgo/cup/services/serializer"
)

func Example() {
	dir, _ := os.MkdirTemp("", "wal")
	defer os.RemoveAll(dir)

	w, err := serializer.OpenWriter(dir, serializer.Options{MaxFileSize: 100})
	if err != nil {
		panic(err)
	}
	for _, p := range []string{"first", "second", "third"} {
		id, err := w.Append(1, serializer.ModeAdd, []byte(p)) // durable when it returns
		if err != nil {
			panic(err)
		}
		fmt.Println("appended", id)
	}
	w.Close()

	r, err := serializer.OpenReaderAt(dir, 1, serializer.Options{})
	if err != nil {
		panic(err)
	}
	defer r.Close()
	recs, _ := r.Read(10)
	for _, rec := range recs {
		fmt.Println(rec.ID, string(rec.Payload))
	}
	// Output:
	// appended 0
	// appended 1
	// appended 2
	// 1 second
	// 2 third
}
