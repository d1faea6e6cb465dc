// Package thread provides cancellable goroutines and a read/write lock whose
// acquisition can time out.
//
// It replaces CUP's cup.thread (re-exported as cup.util.thread). CUP stopped
// a thread by raising an exception in it asynchronously, which never reached
// a thread blocked in a system call and which the thread pool swallowed. Go
// cannot interrupt a goroutine from outside, so a Thread cancels the context
// its function runs with, and the function returns when it sees ctx.Done():
// cancellation is cooperative and works while blocked on anything that
// honours a context.
//
// CUP's RWLock granted the lock anyway when its timeout expired (two writers
// could hold it at once). RWLock here returns an error wrapping
// errs.ErrTimeout and holds nothing.
//
// CUP names replaced:
//
//	CupThread(target=fn).start()  -> Go(ctx, fn)
//	CupThread.get_my_tid()        -> Thread.ID (a sequential id, not an OS id)
//	thread_alive(t) (newest)      -> Thread.Alive
//	CupThread.raise_exc, async_raise -> Thread.Interrupt
//	CupThread.terminate(times)    -> Thread.Terminate(timeout)
//	ThreadTermException           -> errs.ErrThreadTerminated
//	RWLock.acquire_writelock(t)   -> RWLock.Lock(ctx) (ctx deadline = t)
//	RWLock.acquire_readlock(t)    -> RWLock.RLock(ctx)
//	RWLock.release_writelock      -> RWLock.Unlock
//	RWLock.release_readlock       -> RWLock.RUnlock
package thread
