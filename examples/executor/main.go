// Command executor shows cup's execution service: tasks queued by urgency
// (first-in first-out within one urgency), delayed tasks with cancellation,
// a periodic task that keeps running after failures, a cron task, and a
// Stop that reports the tasks that never ran.
//
//	go run ./examples/executor
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"sync"
	"time"

	"github.com/cupgo/cup/services/executor"
)

func main() {
	// One queue worker makes the dispatch order visible.
	svc, err := executor.New(2, 1, executor.WithName("example"),
		executor.WithErrorHandler(func(ref executor.TaskRef, err error) {
			first, _, _ := strings.Cut(err.Error(), "\n") // a panic carries its stack
			fmt.Printf("  task %d reported: %s\n", ref.ID, first)
		}))
	if err != nil {
		log.Fatal(err)
	}

	var mu sync.Mutex
	var order []string
	note := func(s string) executor.Task {
		return func(context.Context) error {
			mu.Lock()
			order = append(order, s)
			mu.Unlock()
			return nil
		}
	}
	// Queued before Start: they run once the workers start, most urgent
	// first, in submission order within an urgency.
	_ = svc.QueueExec(executor.UrgencyLow, note("low"))
	_ = svc.QueueExec(executor.UrgencyNormal, note("normal-1"))
	_ = svc.QueueExec(executor.UrgencyNormal, note("normal-2"))
	_ = svc.QueueExec(executor.UrgencyHigh, note("high"))
	// A panic is recovered and reported; the worker carries on.
	_ = svc.QueueExec(executor.UrgencyNormal, func(context.Context) error { panic("a bug") })

	// Delayed tasks: one runs, one is cancelled before it is due.
	_, _ = svc.DelayExec(50*time.Millisecond, executor.UrgencyNormal, note("delayed"))
	cancelled, _ := svc.DelayExec(80*time.Millisecond, executor.UrgencyNormal, note("never"))
	fmt.Println("cancel before due:", cancelled.Cancel())

	// A periodic task: every run fails, the schedule goes on.
	runs := 0
	every, _ := svc.Every(30*time.Millisecond, executor.UrgencyNormal, func(context.Context) error {
		mu.Lock()
		runs++
		mu.Unlock()
		return errors.New("periodic run failed")
	})

	if err := svc.Start(); err != nil {
		log.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	every.Cancel()
	mu.Lock()
	fmt.Println("order:", order)
	fmt.Println("periodic runs despite failures:", runs >= 3)
	mu.Unlock()

	// Tasks still pending at Stop are reported, not silently dropped.
	_, _ = svc.DelayExec(time.Hour, executor.UrgencyLow, note("tomorrow"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rep, err := svc.Stop(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stop: %d queued dropped, %d delayed cancelled: %+v\n", rep.DroppedQueued, rep.CancelledDelayed, rep.Unrun)

	// Cron: the next times of a weekday-evening schedule across a DST
	// change (New York, 2024-03-10), computed without waiting.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		fmt.Println("no tz database:", err)
		return
	}
	spec := executor.CronSpec{Minutes: []int{30}, Hours: []int{2}}
	t := time.Date(2024, 3, 8, 12, 0, 0, 0, ny)
	for range 3 {
		t, _ = spec.Next(t)
		fmt.Println("cron 02:30 daily:", t.Format("Mon 2006-01-02 15:04 MST"))
	}

	cron, err := executor.NewCron(1)
	if err != nil {
		log.Fatal(err)
	}
	task := &executor.CronTask{Name: "hourly", Spec: executor.CronSpec{Minutes: []int{0}}, Loc: time.UTC,
		Run: func(context.Context) error { return nil }}
	if err := cron.Schedule(task); err != nil {
		log.Fatal(err)
	}
	next, _ := cron.NextRun(task.ID)
	fmt.Println("cron task scheduled, next run at minute", next.Minute())
	if _, err := cron.Stop(ctx); err != nil {
		log.Fatal(err)
	}
}
