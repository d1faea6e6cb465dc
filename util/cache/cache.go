package cache

import (
	"container/heap"
	"maps"
	"sync"
	"time"

	"github.com/cupgo/cup/errs"
)

// Options configures a Cache. The zero value is a valid configuration: an
// unnamed, unlimited cache on the wall clock.
type Options struct {
	// Name identifies the cache in error messages. Optional.
	Name string
	// MaxSize is the maximum number of entries; 0 (or negative) means
	// unlimited.
	MaxSize int
	// Now returns the current time. Nil means time.Now. Tests inject a
	// fake clock here.
	Now func() time.Time
}

// Item is a stored value with its expiry time.
type Item[V any] struct {
	Value V
	// ExpireAt is when the entry expires; the zero time means never.
	ExpireAt time.Time
}

// Stat is a snapshot of a cache's size (CUP's stat() tuple).
type Stat struct {
	// Keys counts every stored entry, expired or not.
	Keys int
	// Expired counts the stored entries that have expired but have not
	// been removed yet.
	Expired int
}

type entry[K comparable, V any] struct {
	key      K
	value    V
	expireAt time.Time // zero: never
	seq      uint64    // insertion order, for ties and never-expiring entries
	index    int       // position in the heap
}

// Cache is a key/value cache with per-entry expiry. Create one with New.
// A Cache is safe for concurrent use.
type Cache[K comparable, V any] struct {
	name string
	max  int
	now  func() time.Time

	mu      sync.Mutex
	entries map[K]*entry[K, V]
	order   expiryHeap[K, V]
	seq     uint64
}

// New returns an empty cache configured by o.
func New[K comparable, V any](o Options) *Cache[K, V] {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &Cache[K, V]{name: o.Name, max: max(o.MaxSize, 0), now: now, entries: make(map[K]*entry[K, V])}
}

func expired(expireAt, now time.Time) bool {
	return !expireAt.IsZero() && now.After(expireAt)
}

// deadline turns a ttl into an expiry time: ttl > 0 is now+ttl, 0 is never,
// and a negative ttl is already expired.
func deadline(now time.Time, ttl time.Duration) time.Time {
	switch {
	case ttl > 0:
		return now.Add(ttl)
	case ttl == 0:
		return time.Time{}
	default:
		return now.Add(-time.Nanosecond)
	}
}

// Set stores v under k. ttl <= 0 means the entry never expires. An existing
// entry is overwritten. When the cache is full, room is made as the package
// doc describes, so Set always succeeds; the error is reserved for future
// limits and is currently always nil.
func (c *Cache[K, V]) Set(k K, v V, ttl time.Duration) error {
	return c.SetMany(map[K]V{k: v}, ttl)
}

// SetMany stores every pair of m with the same ttl (<= 0: never expires).
// It is all or nothing: if m has more entries than MaxSize it returns an
// error wrapping errs.ErrCacheFull and stores nothing. Otherwise it evicts
// as needed, never evicting a key of m itself.
func (c *Cache[K, V]) SetMany(m map[K]V, ttl time.Duration) error {
	if c.max > 0 && len(m) > c.max {
		return errs.New(errs.ErrCacheFull, "cache %q: %d entries do not fit in max size %d", c.name, len(m), c.max)
	}
	if ttl < 0 {
		ttl = 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	exp := deadline(now, ttl)
	if c.max > 0 {
		added := 0
		for k := range m {
			if _, ok := c.entries[k]; !ok {
				added++
			}
		}
		if len(c.entries)+added > c.max {
			c.removeExpiredLocked(now, 0)
		}
		c.evictLocked(len(c.entries)+added-c.max, m)
	}
	for k, v := range m {
		c.seq++
		if e, ok := c.entries[k]; ok {
			e.value, e.expireAt, e.seq = v, exp, c.seq
			heap.Fix(&c.order, e.index)
			continue
		}
		e := &entry[K, V]{key: k, value: v, expireAt: exp, seq: c.seq}
		c.entries[k] = e
		heap.Push(&c.order, e)
	}
	return nil
}

// evictLocked removes n entries in eviction order, skipping keys of keep.
func (c *Cache[K, V]) evictLocked(n int, keep map[K]V) {
	var kept []*entry[K, V]
	for n > 0 && c.order.Len() > 0 {
		e := heap.Pop(&c.order).(*entry[K, V])
		if _, ok := keep[e.key]; ok {
			kept = append(kept, e)
			continue
		}
		delete(c.entries, e.key)
		n--
	}
	for _, e := range kept {
		heap.Push(&c.order, e)
	}
}

// removeExpiredLocked removes up to n expired entries (n <= 0: all), in
// expiry order, and returns them.
func (c *Cache[K, V]) removeExpiredLocked(now time.Time, n int) []*entry[K, V] {
	var out []*entry[K, V]
	for c.order.Len() > 0 && (n <= 0 || len(out) < n) {
		e := c.order[0]
		if !expired(e.expireAt, now) {
			break
		}
		heap.Pop(&c.order)
		delete(c.entries, e.key)
		out = append(out, e)
	}
	return out
}

func (c *Cache[K, V]) deleteLocked(e *entry[K, V]) {
	heap.Remove(&c.order, e.index)
	delete(c.entries, e.key)
}

// liveLocked returns k's entry if present and not expired; an expired entry
// is removed.
func (c *Cache[K, V]) liveLocked(k K, now time.Time) *entry[K, V] {
	e, ok := c.entries[k]
	if !ok {
		return nil
	}
	if expired(e.expireAt, now) {
		c.deleteLocked(e)
		return nil
	}
	return e
}

// Get returns the value stored under k and whether it was found and not
// expired. It does not change the entry's expiry.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.liveLocked(k, c.now()); e != nil {
		return e.value, true
	}
	var zero V
	return zero, false
}

// GetEx is Get that, on a hit, sets the entry's expiry to now+ttl (ttl == 0:
// never expires; ttl < 0: expires at once, after this hit).
func (c *Cache[K, V]) GetEx(k K, ttl time.Duration) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	e := c.liveLocked(k, now)
	if e == nil {
		var zero V
		return zero, false
	}
	e.expireAt = deadline(now, ttl)
	heap.Fix(&c.order, e.index)
	return e.value, true
}

// Expire sets the expiry of a live entry to now+ttl (ttl == 0: never; ttl <
// 0: at once). It reports whether k was present.
func (c *Cache[K, V]) Expire(k K, ttl time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	e := c.liveLocked(k, now)
	if e == nil {
		return false
	}
	e.expireAt = deadline(now, ttl)
	heap.Fix(&c.order, e.index)
	return true
}

// Replace stores v under k and sets its expiry to now+ttl (ttl == 0: never;
// ttl < 0: at once), but only if k is present and live. It reports whether
// it did.
func (c *Cache[K, V]) Replace(k K, v V, ttl time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	e := c.liveLocked(k, now)
	if e == nil {
		return false
	}
	e.value = v
	e.expireAt = deadline(now, ttl)
	heap.Fix(&c.order, e.index)
	return true
}

// Delete removes k and reports whether it was stored (expired or not).
func (c *Cache[K, V]) Delete(k K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if ok {
		c.deleteLocked(e)
	}
	return ok
}

// Expired returns the expired entries without removing them (CUP 3.2.7
// get_expired).
func (c *Cache[K, V]) Expired() map[K]Item[V] {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	out := make(map[K]Item[V])
	for k, e := range c.entries {
		if expired(e.expireAt, now) {
			out[k] = Item[V]{Value: e.value, ExpireAt: e.expireAt}
		}
	}
	return out
}

// CleanupExpired removes every expired entry and returns their keys, the
// earliest-expired first.
func (c *Cache[K, V]) CleanupExpired() []K {
	c.mu.Lock()
	defer c.mu.Unlock()
	gone := c.removeExpiredLocked(c.now(), 0)
	keys := make([]K, len(gone))
	for i, e := range gone {
		keys[i] = e.key
	}
	return keys
}

// PopExpired removes up to n expired entries (n <= 0: all), the
// earliest-expired first, and returns them.
func (c *Cache[K, V]) PopExpired(n int) map[K]Item[V] {
	c.mu.Lock()
	defer c.mu.Unlock()
	gone := c.removeExpiredLocked(c.now(), n)
	out := make(map[K]Item[V], len(gone))
	for _, e := range gone {
		out[e.key] = Item[V]{Value: e.value, ExpireAt: e.expireAt}
	}
	return out
}

// Stat returns the number of stored entries and how many of them have
// expired.
func (c *Cache[K, V]) Stat() Stat {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	s := Stat{Keys: len(c.entries)}
	for _, e := range c.entries {
		if expired(e.expireAt, now) {
			s.Expired++
		}
	}
	return s
}

// Len returns the number of live (not expired) entries.
func (c *Cache[K, V]) Len() int {
	s := c.Stat()
	return s.Keys - s.Expired
}

// Clear removes every entry.
func (c *Cache[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	c.order = nil
}

// MapUpdate merges upd into the map stored under k (CUP mapupdate). The
// stored map is never modified in place: a merged copy replaces it, so a
// reader holding the old map never sees a partial update. With a non-nil
// ttl the entry's expiry is set as Expire does. It reports false, changing
// nothing, when k is missing or expired.
func MapUpdate[K comparable, MK comparable, MV any](c *Cache[K, map[MK]MV], k K, upd map[MK]MV, ttl *time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	e := c.liveLocked(k, now)
	if e == nil {
		return false
	}
	merged := make(map[MK]MV, len(e.value)+len(upd))
	maps.Copy(merged, e.value)
	maps.Copy(merged, upd)
	e.value = merged
	if ttl != nil {
		e.expireAt = deadline(now, *ttl)
		heap.Fix(&c.order, e.index)
	}
	return true
}

// expiryHeap orders entries by eviction priority: earliest expiry first,
// never-expiring entries last, ties by insertion order.
type expiryHeap[K comparable, V any] []*entry[K, V]

func (h expiryHeap[K, V]) Len() int { return len(h) }

func (h expiryHeap[K, V]) Less(i, j int) bool {
	a, b := h[i], h[j]
	az, bz := a.expireAt.IsZero(), b.expireAt.IsZero()
	switch {
	case az != bz:
		return bz // the one with an expiry goes first
	case !az && !a.expireAt.Equal(b.expireAt):
		return a.expireAt.Before(b.expireAt)
	default:
		return a.seq < b.seq
	}
}

func (h expiryHeap[K, V]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *expiryHeap[K, V]) Push(x any) {
	e := x.(*entry[K, V])
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *expiryHeap[K, V]) Pop() any {
	old := *h
	n := len(old)
	e := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	e.index = -1
	return e
}
