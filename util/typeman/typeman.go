package typeman

import (
	"cmp"
	"slices"
	"sync"

	"github.com/cupgo/cup/errs"
)

// Registry is a two-way mapping between names and numbers. Each name is
// bound to exactly one number and each number to exactly one name.
//
// The zero value is not ready for use; call New. A Registry is safe for
// concurrent use.
type Registry struct {
	mu       sync.RWMutex
	byName   map[string]int
	byNumber map[int]string
}

// TypeMan is CUP's TypeMan: a Registry of message types.
type TypeMan = Registry

// FlagMan is CUP's FlagMan: a Registry of message flags.
type FlagMan = Registry

// New returns an empty Registry.
func New() *Registry {
	return &Registry{byName: make(map[string]int), byNumber: make(map[int]string)}
}

// Register binds every name of kvs to its number. It is atomic: either all
// pairs are registered or, on error, none is. It refuses (with an error
// wrapping errs.ErrInvalidArgument) a name already bound to a different
// number, a number already bound to a different name, and two names of kvs
// sharing one number. Registering a pair that is already registered is a
// no-op.
func (r *Registry) Register(kvs map[string]int) error {
	// Check in a deterministic order so the error names the same pair on
	// every run.
	names := make([]string, 0, len(kvs))
	for name := range kvs {
		names = append(names, name)
	}
	slices.Sort(names)

	r.mu.Lock()
	defer r.mu.Unlock()
	seen := make(map[int]string, len(kvs))
	for _, name := range names {
		n := kvs[name]
		if other, ok := seen[n]; ok {
			return errs.New(errs.ErrInvalidArgument, "typeman: names %q and %q both given number %d", other, name, n)
		}
		seen[n] = name
		if old, ok := r.byName[name]; ok && old != n {
			return errs.New(errs.ErrInvalidArgument, "typeman: name %q is already bound to %d, cannot bind it to %d", name, old, n)
		}
		if old, ok := r.byNumber[n]; ok && old != name {
			return errs.New(errs.ErrInvalidArgument, "typeman: number %d is already bound to %q, cannot bind it to %q", n, old, name)
		}
	}
	for _, name := range names {
		r.byName[name] = kvs[name]
		r.byNumber[kvs[name]] = name
	}
	return nil
}

// KeyByNumber returns the name bound to n, or an error wrapping
// errs.ErrNotFound.
func (r *Registry) KeyByNumber(n int) (string, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	name, ok := r.byNumber[n]
	if !ok {
		return "", errs.New(errs.ErrNotFound, "typeman: no name registered for number %d", n)
	}
	return name, nil
}

// NumberByKey returns the number bound to name, or an error wrapping
// errs.ErrNotFound.
func (r *Registry) NumberByKey(name string) (int, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	n, ok := r.byName[name]
	if !ok {
		return 0, errs.New(errs.ErrNotFound, "typeman: no number registered for name %q", name)
	}
	return n, nil
}

// Keys returns the registered names sorted by number (then by name).
func (r *Registry) Keys() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	keys := make([]string, 0, len(r.byName))
	for name := range r.byName {
		keys = append(keys, name)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(r.byName[a], r.byName[b]), cmp.Compare(a, b))
	})
	return keys
}
