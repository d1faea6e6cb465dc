// Package threadpool runs jobs on a bounded, growable set of worker
// goroutines fed by a FIFO queue.
//
// It ports CUP's ThreadPool (cup.services.threadpool, cup.util.ThreadPool):
// min/max workers, on-demand growth, jobs queued before Start, a Stop that
// finishes every queued job, TryStop with a deadline, and statistics. What
// CUP lacked is added the Go way:
//
//   - Submit takes a context: a cancelled submitter never queues, the job
//     runs with a context carrying the submitter's values, and that context
//     is cancelled when the submitter's is or when Stop's deadline passes.
//   - The queue is unbounded (CUP) or bounded (WithQueueSize); a full
//     bounded queue makes Submit wait, or with WithNonBlocking (or TryGo)
//     fail at once with ErrQueueFull, which matches errs.ErrFull.
//   - A job that fails or panics never kills its worker. A panic is
//     recovered, logged with its stack and reported as ErrPanic; a job
//     that calls runtime.Goexit is reported as failed and its worker
//     replaced.
//   - Submitting after Stop returns ErrStopped (CUP dropped the job
//     silently), and a never-started pool is drained by Stop rather than
//     abandoned.
//   - Wait blocks until every accepted job has finished, without stopping
//     the pool; Go, TryGo and SetLimit give the errgroup shape.
//   - Stop(ctx) drains the queue; Close abandons it (queued jobs get
//     ErrDropped). Both wait for the workers to exit.
//
// Jobs should honour their context: after a Stop deadline or Close, the
// pool cancels running jobs and waits for them to return.
//
// CUP names replaced:
//
//	ThreadPool(min, max, name)     -> New(min, max, WithName(name))
//	start()                        -> Pool.Start
//	add_1job(f, ...)               -> Pool.Submit, Pool.Go, Pool.TryGo
//	add_1job_with_callback(cb, f)  -> Pool.SubmitWithCallback, SubmitTyped
//	stop()                         -> Pool.Stop(ctx)
//	stop(force_stop=True)          -> Pool.Close
//	try_stop(check_interval)       -> Pool.TryStop(timeout)
//	adjust_poolsize(min, max)      -> Pool.Resize, Pool.SetLimit
//	get_stats(), dump_stats()      -> Pool.Stats
//	cup.util.context               -> context.Context values
package threadpool
