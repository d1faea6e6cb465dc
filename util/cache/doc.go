// Package cache is an in-memory key/value cache with per-entry expiry and an
// optional size limit.
//
// It replaces CUP's cup.cache.KvCache (3.2.7) and KVCache (newest) and fixes
// their expiry bugs: an entry stored without expiry is readable (CUP 3.2.7
// returned None for it), a hit does not double the absolute expiry time, a
// stored zero value is a hit rather than a miss, Replace stores the new value,
// and nothing is logged or swallowed.
//
// Expiry is strict, as in CUP: an entry with expiry time E is expired once
// the clock is after E. Expired entries are invisible to Get and removed
// lazily (by Get, by CleanupExpired/PopExpired, or when room is needed).
//
// When Options.MaxSize is reached, a Set of a new key first drops expired
// entries and then evicts the entry that expires first; entries without
// expiry are evicted last, oldest insertion first. A single Set therefore
// never fails for lack of room.
//
// CUP names replaced:
//
//	KvCache / KVCache(maxsize)  -> New[K, V](Options{MaxSize})
//	set(kvdict, expire_sec)     -> Cache.Set, Cache.SetMany
//	get(key) / get(key, ex)     -> Cache.Get / Cache.GetEx
//	expire(key, ex)             -> Cache.Expire
//	replace(key, value, ex)     -> Cache.Replace (stores the value, unlike CUP)
//	mapupdate(key, dict, ex)    -> MapUpdate
//	get_expired()               -> Cache.Expired
//	cleanup_expired()           -> Cache.CleanupExpired
//	pop_n_expired(num)          -> Cache.PopExpired
//	stat()                      -> Cache.Stat
//	size()                      -> Cache.Len
//	clear()                     -> Cache.Clear
//	CacheFull                   -> errs.ErrCacheFull
package cache
