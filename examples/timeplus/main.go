// Command timeplus shows the time helpers: CUP's strftime-style current
// time string, time-zone conversion and a context-aware sleep.
//
//	go run ./examples/timeplus
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cupgo/cup/timeplus"
)

func main() {
	fmt.Println("now (CUP default format):", timeplus.NowString())
	fmt.Println("now (custom):           ", timeplus.StrNow("%a %d %b %Y %I:%M:%S %p %Z"))

	tp, err := timeplus.NewByName("Asia/Shanghai")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	utc := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Println("2024-01-01 00:00 UTC in Shanghai:", tp.UTCToLocal(utc).Format(time.RFC3339))
	fmt.Println("epoch 1700000000.25:", timeplus.TimestampToTime(1700000000.25, time.UTC).Format(time.RFC3339Nano))

	// A misspelt zone (as in CUP's own example) is an error, not a guess.
	if _, err := timeplus.NewByName("Aisa/Shanghai"); err != nil {
		fmt.Println("error:", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = timeplus.Sleep(ctx, time.Hour)
	fmt.Printf("Sleep(1h) with a 50ms deadline: %v after ~%dms\n", err, time.Since(start).Round(10*time.Millisecond).Milliseconds())
}
