package decorators

import (
	"sync"
	"sync/atomic"
)

// Singleton returns a getter that builds a value with newFn on its first
// successful call and returns that same value on every later call (CUP's
// Singleton class decorator).
//
// The getter is safe for concurrent use: while one caller runs newFn the
// others wait, and they all receive the value it built. If newFn returns
// an error, that caller gets the zero T and the error, nothing is kept,
// and the next call runs newFn again. If newFn panics, the panic reaches
// that caller and the next call runs newFn again. After success the
// getter costs one atomic load.
//
// Singleton panics if newFn is nil.
func Singleton[T any](newFn func() (T, error)) func() (T, error) {
	if newFn == nil {
		panic("decorators: Singleton with nil constructor")
	}
	var (
		mu   sync.Mutex
		done atomic.Bool
		val  T
	)
	return func() (T, error) {
		if done.Load() {
			return val, nil
		}
		mu.Lock()
		defer mu.Unlock()
		if done.Load() {
			return val, nil
		}
		v, err := newFn()
		if err != nil {
			var zero T
			return zero, err
		}
		val = v
		done.Store(true)
		return val, nil
	}
}

// MustSingleton returns a getter that calls newFn once, on first use, and
// returns its result from then on; it is [sync.OnceValue]. Use it for
// constructors that cannot fail. If newFn panics, every call panics with
// the same value.
func MustSingleton[T any](newFn func() T) func() T {
	if newFn == nil {
		panic("decorators: MustSingleton with nil constructor")
	}
	return sync.OnceValue(newFn)
}
