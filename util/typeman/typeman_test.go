package typeman

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/cupgo/cup/errs"
)

func TestRegisterAndLookup(t *testing.T) {
	r := New()
	if err := r.Register(map[string]int{"A": 1, "B": 2}); err != nil {
		t.Fatal(err)
	}
	if k, err := r.KeyByNumber(1); err != nil || k != "A" {
		t.Errorf("KeyByNumber(1) = %q, %v; want A", k, err)
	}
	if n, err := r.NumberByKey("B"); err != nil || n != 2 {
		t.Errorf("NumberByKey(B) = %d, %v; want 2", n, err)
	}
	if got := r.Keys(); !slices.Equal(got, []string{"A", "B"}) {
		t.Errorf("Keys() = %v", got)
	}
	// Re-registering an identical pair is a no-op.
	if err := r.Register(map[string]int{"A": 1}); err != nil {
		t.Errorf("identical re-register: %v", err)
	}
}

func TestRegisterRefusesConflicts(t *testing.T) {
	tests := []struct {
		name string
		kvs  map[string]int
	}{
		{"name rebound", map[string]int{"A": 3}},
		{"number rebound", map[string]int{"C": 1}},
		{"two names one number", map[string]int{"X": 7, "Y": 7}},
		{"atomic: one good one bad", map[string]int{"D": 4, "E": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New()
			if err := r.Register(map[string]int{"A": 1, "B": 2}); err != nil {
				t.Fatal(err)
			}
			err := r.Register(tt.kvs)
			if !errors.Is(err, errs.ErrInvalidArgument) {
				t.Fatalf("Register(%v) = %v, want ErrInvalidArgument", tt.kvs, err)
			}
			if n, _ := r.NumberByKey("A"); n != 1 {
				t.Errorf("A changed to %d", n)
			}
			if got := r.Keys(); !slices.Equal(got, []string{"A", "B"}) {
				t.Errorf("registry changed by refused Register: %v", got)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	r := New()
	if _, err := r.KeyByNumber(9); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("KeyByNumber(9) err = %v", err)
	}
	if _, err := r.NumberByKey("Z"); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("NumberByKey(Z) err = %v", err)
	}
}

func TestKeysOrder(t *testing.T) {
	r := New()
	if err := r.Register(map[string]int{"z": 1, "a": 3, "m": 2}); err != nil {
		t.Fatal(err)
	}
	if got := r.Keys(); !slices.Equal(got, []string{"z", "m", "a"}) {
		t.Errorf("Keys() = %v, want sorted by number", got)
	}
}

func TestConcurrent(t *testing.T) {
	r := New()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				n := g*100 + i
				if err := r.Register(map[string]int{fmt.Sprint("k", n): n}); err != nil {
					t.Error(err)
					return
				}
				_, _ = r.KeyByNumber(n)
				_ = r.Keys()
			}
		})
	}
	wg.Wait()
	if got := len(r.Keys()); got != 800 {
		t.Errorf("len(Keys()) = %d, want 800", got)
	}
}

func ExampleRegistry() {
	types := New()
	if err := types.Register(map[string]int{"ACK": 1, "HEARTBEAT": 2}); err != nil {
		panic(err)
	}
	name, _ := types.KeyByNumber(2)
	num, _ := types.NumberByKey("ACK")
	fmt.Println(name, num, types.Keys())
	// Output: HEARTBEAT 1 [ACK HEARTBEAT]
}
