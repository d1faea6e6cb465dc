package autowait_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/services/autowait"
)

func ExampleUntilFileExists() {
	dir, _ := os.MkdirTemp("", "wait")
	defer os.RemoveAll(dir)
	go func() {
		time.Sleep(50 * time.Millisecond)
		os.WriteFile(filepath.Join(dir, "app.pid"), []byte("42\n"), 0o644)
	}()
	err := autowait.UntilFileExists(context.Background(), dir, "*.pid",
		autowait.Timeout(10*time.Second), autowait.Interval(20*time.Millisecond))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleUntilRegexInFile() {
	f, _ := os.CreateTemp("", "app-*.log")
	defer os.Remove(f.Name())
	f.WriteString("starting\nlistening on :8080\n")
	f.Close()
	err := autowait.UntilRegexInFile(context.Background(), f.Name(), regexp.MustCompile(`listening on :\d+`),
		autowait.Timeout(time.Second))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleUntil() {
	start := time.Now()
	err := autowait.Until(context.Background(), func(context.Context) (bool, error) {
		return time.Since(start) > time.Hour, nil
	}, autowait.Timeout(0)) // a single check
	fmt.Println(errors.Is(err, errs.ErrTimeout))
	// Output: true
}
