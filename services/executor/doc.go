// Package executor ports CUP's cup.services.executor: a service that runs
// tasks now (by urgency) or after a delay on a fixed set of worker
// goroutines, and a cron scheduler.
//
// # Service
//
// New(delayWorkers, queueWorkers) builds a Service with two queues, as CUP
// does: QueueExec puts a task in the execution queue, served by the queue
// workers; DelayExec arms one runtime timer (time.AfterFunc, not an OS
// thread per task as CUP's threading.Timer) that moves the task into the
// delay queue when it is due, served by the delay workers. When that queue
// is empty and a delay worker is idle, a due task runs straight on its
// timer's goroutine in the idle worker's slot, skipping the hand-off; either
// way no more tasks run at once than there are workers. If one of the two
// worker counts is zero, its queue is served by the other workers.
//
// Dispatch order is lower Urgency first, then earlier due time, then
// submission order: tasks of one urgency run first-in first-out. CUP broke
// ties by comparing the task functions (not FIFO on Python 2, a crash and a
// dead worker on Python 3); here a sequence number breaks them.
//
// A task's error is logged with the service name; a panic is recovered,
// logged with its stack and reported as an error wrapping ErrPanic. Neither
// stops the worker. WithErrorHandler receives both.
//
// Stop(ctx) rejects new tasks, cancels pending timers, discards queued tasks
// (or runs them first with WithDrainOnStop) and waits for running tasks. It
// returns a StopReport naming every accepted task that never ran, where CUP
// dropped them silently. If ctx ends first, running tasks' contexts are
// cancelled and Stop returns an error wrapping ctx.Err().
//
// # Cron
//
// CronSpec describes minutes, hours, weekdays, days of month and months in a
// time zone; all fields must match (CUP's AND semantics). Next finds the
// first matching wall-clock minute strictly after a time, correctly across
// month ends, leap days and DST changes (a minute that does not exist that
// day is skipped, an ambiguous one fires once, at its first occurrence). A
// Cron runs CronTasks on its workers; each run is rescheduled from its
// completion time whether it succeeded, failed or panicked, so runs of one
// task never overlap and a failure never stops the schedule (CUP stopped
// rescheduling a task forever after its first exception).
//
// Both Service and Cron take a Clock (WithClock), so tests can drive time.
//
// # Worker goroutines
//
// The workers are long-running loops over the service's own priority queues,
// so they are plain goroutines owned by the Service rather than jobs of a
// util/threadpool.Pool (whose FIFO queue cannot express urgency). Stop waits
// for them.
//
// # CUP names
//
//	ExecutionService(delay_exe_thdnum,    New(delayWorkers, queueWorkers,
//	    queue_exec_thdnum, name)              WithName(name))
//	URGENCY_HIGH, _NORMAL, _LOW            UrgencyHigh, UrgencyNormal, UrgencyLow
//	queue_exec(function, urgency, *args)   Service.QueueExec(u, task)
//	delay_exec(sec, function, urgency)     Service.DelayExec(d, u, task) (*Delayed)
//	run(), start()                         Service.Start()
//	running()                              Service.Running()
//	stop(wait_workerstop)                  Service.Stop(ctx) (StopReport, error)
//	CronTask(name, tz, timer_dict, ...)    CronTask{Name, Loc, Spec, Run}
//	CronTask.next_schedtime(from)          CronSpec.Next(after)
//	CronExecution(threads_num, name)       NewCron(workers, WithName(name))
//	CronExecution.schedule(task)           Cron.Schedule(task)
//	CronExecution.calcel_delay_exec(id)    Cron.Cancel(id)
//	get_tasks(), get_taskbyid(id)          Cron.Tasks(), Cron.Task(id)
//	Service.Every (periodic)               Service.Every(interval, u, task)
package executor
