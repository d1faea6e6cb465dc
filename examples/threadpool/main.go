// Command threadpool shows cup's thread pool: jobs queued before Start,
// callbacks with results, a recovered panic, Wait, and a Stop that drains
// the queue.
//
//	go run ./examples/threadpool
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync/atomic"
	"time"

	"github.com/cupgo/cup/util/threadpool"
)

func main() {
	pool, err := threadpool.New(2, 8, threadpool.WithName("example"))
	if err != nil {
		log.Fatal(err)
	}

	// Jobs submitted before Start wait in the queue (as in CUP).
	var squares atomic.Int64
	for i := 1; i <= 10; i++ {
		err := threadpool.SubmitTyped(context.Background(), pool,
			func(ctx context.Context) (int, error) {
				time.Sleep(10 * time.Millisecond)
				return i * i, nil
			},
			func(v int, err error) { squares.Add(int64(v)) })
		if err != nil {
			log.Fatal(err)
		}
	}
	if err := pool.Start(); err != nil {
		log.Fatal(err)
	}

	// A panicking job is reported through its callback; the pool lives on.
	_ = pool.SubmitWithCallback(context.Background(),
		func(ctx context.Context) (any, error) { panic("something broke") },
		func(r threadpool.Result) {
			fmt.Println("panic reported:", errors.Is(r.Err, threadpool.ErrPanic))
		})

	if err := pool.Wait(context.Background()); err != nil {
		log.Fatal(err)
	}
	fmt.Println("sum of squares 1..10:", squares.Load())

	// Stop finishes every queued job, then the workers exit.
	for range 100 {
		_ = pool.Submit(context.Background(), func(ctx context.Context) error { return nil })
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := pool.Stop(ctx); err != nil {
		log.Fatal(err)
	}
	s := pool.Stats()
	fmt.Printf("submitted %d, completed %d, panicked %d, workers left %d\n",
		s.Submitted, s.Completed, s.Panicked, s.Workers)
}
