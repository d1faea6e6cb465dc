package generator

import (
	"sync"

	"github.com/google/uuid"

	"github.com/cupgo/cup/errs"
)

// UUIDMode selects the UUID version a UUIDCache produces.
type UUIDMode int

const (
	// UUID1 is a time- and node-based (version 1) UUID (CUP UUID1).
	UUID1 UUIDMode = 0
	// UUID4 is a random (version 4) UUID (CUP UUID4).
	UUID4 UUIDMode = 1
)

// refill is how many UUIDs a UUIDCache generates at once (CUP's 50).
const refill = 50

// UUIDCache hands out pre-generated UUIDs, each once, as 32 lowercase hex
// digits without dashes (CUP CachedUUID; unlike the newest CUP it stores
// real UUIDs, not MD5 digests of them). It is safe for concurrent use.
type UUIDCache struct {
	mode     UUIDMode
	capacity int

	mu    sync.Mutex
	cache []string
}

// NewUUIDCache returns a cache of at most capacity UUIDs of the given mode.
// A mode other than UUID1/UUID4 or a capacity below 1 is an error wrapping
// errs.ErrInvalidArgument (CUP failed with an IndexError for mode 2).
func NewUUIDCache(mode UUIDMode, capacity int) (*UUIDCache, error) {
	if mode != UUID1 && mode != UUID4 {
		return nil, errs.New(errs.ErrInvalidArgument, "generator: UUID mode %d: only UUID1 and UUID4 are supported", int(mode))
	}
	if capacity < 1 {
		return nil, errs.New(errs.ErrInvalidArgument, "generator: UUID cache capacity %d < 1", capacity)
	}
	return &UUIDCache{mode: mode, capacity: capacity}, nil
}

func (c *UUIDCache) gen() string {
	if c.mode == UUID1 {
		if u, err := uuid.NewUUID(); err == nil {
			return hexUUID(u)
		}
		// No usable clock sequence or node id: fall back to random.
	}
	return hexUUID(uuid.New())
}

// Get returns n UUIDs (none for n <= 0). n may exceed the capacity; the
// cache refills with up to 50 (and at most capacity) UUIDs whenever it runs
// empty.
func (c *UUIDCache) Get(n int) []string {
	if n <= 0 {
		return []string{}
	}
	out := make([]string, 0, n)
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(out) < n {
		if len(c.cache) == 0 {
			for range min(refill, c.capacity) {
				c.cache = append(c.cache, c.gen())
			}
		}
		take := min(n-len(out), len(c.cache))
		out = append(out, c.cache[:take]...)
		c.cache = c.cache[take:]
	}
	if len(c.cache) == 0 {
		c.cache = nil // let the backing array go
	}
	return out
}

// Len returns the number of UUIDs currently cached.
func (c *UUIDCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cache)
}
