// Package exfile provides advisory file locks and guarded file removal.
//
// It replaces CUP's cup.exfile. A LockFile is a flock(2) lock on a file
// that NewLockFile creates if missing. As in CUP, the lock belongs to the
// open file description: two LockFiles on the same path in one process
// conflict exactly like two processes do, and locking again through the same
// LockFile converts between shared and exclusive. Unlike CUP, lock waits
// take a context, a refused non-blocking lock is errs.ErrWouldBlock, and
// Close releases the descriptor.
//
// SafeRmTree and SafeDelete refuse to remove a protected path. CUP compared
// the argument as given, so "/proc/" (trailing slash) or a symlink slipped
// through; here both the argument and the protected entries are made
// absolute, cleaned and symlink-resolved, and removing an ancestor of a
// protected path is refused as well. The check is oper.CheckDeletable,
// which package oper's delete helpers use too.
//
// CUP names replaced:
//
//	FILELOCK_SHARED, FILELOCK_EXCLUSIVE -> LockShared, LockExclusive
//	FILELOCK_NONBLOCKING            -> LockFile.TryLock
//	LockFile(path, type)            -> NewLockFile(path, type)
//	LockFile.lock(blocking=True)    -> LockFile.Lock(ctx)
//	LockFile.lock(blocking=False)   -> LockFile.TryLock
//	LockFile.unlock / FILELOCK_UNLOCK -> LockFile.Unlock
//	LockFile.filepath               -> LockFile.Path
//	(garbage collection)            -> LockFile.Close
//	LockFileError                   -> errs.ErrLockFile, errs.ErrWouldBlock
//	mk_newnode(path, check)         -> MkNewNode(path, mustNotExist)
//	CANNOT_DEL_PATHLIST             -> ProtectedPaths
//	safe_rmtree(path, not_del_list) -> SafeRmTree(path, extra)
//	safe_delete(path, not_del_list) -> SafeDelete(path, extra)
package exfile
