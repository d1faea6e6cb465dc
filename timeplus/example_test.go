package timeplus_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cupgo/cup/timeplus"
)

func ExampleStrftime() {
	t := time.Date(2024, 3, 5, 7, 8, 9, 0, time.UTC)
	fmt.Println(timeplus.Strftime(t, timeplus.DefaultFormat))
	fmt.Println(timeplus.Strftime(t, "%a %d %b %Y %I:%M %p %Z"))
	// Output:
	// 2024-03-05-07-08-09
	// Tue 05 Mar 2024 07:08 AM UTC
}

func ExampleNewByName() {
	tp, err := timeplus.NewByName("Asia/Shanghai")
	if err != nil {
		fmt.Println(err)
		return
	}
	utc := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Println(tp.UTCToLocal(utc).Format(time.RFC3339))
	fmt.Println(tp.LocalToUTC(tp.UTCToLocal(utc)).Format(time.RFC3339))
	// Output:
	// 2024-01-01T08:00:00+08:00
	// 2024-01-01T00:00:00Z
}

func ExampleTimestampToTime() {
	fmt.Println(timeplus.TimestampToTime(1700000000.25, time.UTC).Format(time.RFC3339Nano))
	// Output: 2023-11-14T22:13:20.25Z
}

func ExampleSleep() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := timeplus.Sleep(ctx, time.Hour)
	fmt.Println(err)
	// Output: context deadline exceeded
}
