package executor_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cupgo/cup/services/executor"
)

func ExampleService() {
	svc, err := executor.New(1, 1, executor.WithName("example"))
	if err != nil {
		panic(err)
	}
	done := make(chan string, 3)
	// Queued before Start: they run in urgency order once workers start.
	_ = svc.QueueExec(executor.UrgencyLow, func(context.Context) error { done <- "low"; return nil })
	_ = svc.QueueExec(executor.UrgencyHigh, func(context.Context) error { done <- "high"; return nil })
	_ = svc.Start()
	fmt.Println(<-done, <-done)

	_, _ = svc.DelayExec(10*time.Millisecond, executor.UrgencyNormal, func(context.Context) error {
		done <- "delayed"
		return nil
	})
	fmt.Println(<-done)

	later, _ := svc.DelayExec(time.Hour, executor.UrgencyNormal, func(context.Context) error { return nil })
	rep, err := svc.Stop(context.Background())
	fmt.Println(rep.CancelledDelayed, rep.Unrun[0].ID == later.ID(), err)
	// Output:
	// high low
	// delayed
	// 1 true <nil>
}

func ExampleCronSpec_Next() {
	loc := time.FixedZone("UTC+8", 8*3600)
	after := time.Date(2024, 1, 31, 10, 30, 0, 0, loc) // a Wednesday
	weekdays8pm := executor.CronSpec{Minutes: []int{0}, Hours: []int{20}, Weekdays: []int{1, 2, 3, 4, 5}}
	next, ok := weekdays8pm.Next(after)
	fmt.Println(next.Format(time.DateTime), ok)
	_, ok = executor.CronSpec{Months: []int{2}, Monthdays: []int{30}}.Next(after)
	fmt.Println(ok)
	// Output:
	// 2024-01-31 20:00:00 true
	// false
}

func ExampleCron() {
	cron, err := executor.NewCron(2)
	if err != nil {
		panic(err)
	}
	task := &executor.CronTask{
		Name: "report",
		Spec: executor.CronSpec{Minutes: []int{0}, Hours: []int{6}}, // 06:00 daily
		Loc:  time.UTC,
		Run:  func(ctx context.Context) error { return nil },
	}
	if err := cron.Schedule(task); err != nil {
		panic(err)
	}
	next, _ := cron.NextRun(task.ID)
	fmt.Println(next.Hour(), next.Minute())
	rep, _ := cron.Stop(context.Background())
	fmt.Println(rep.CancelledDelayed)
	// Output:
	// 6 0
	// 1
}
