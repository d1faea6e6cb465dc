package cache

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cupgo/cup/errs"
)

// clock is a manually advanced clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestNeverExpiringAndZeroValue(t *testing.T) {
	c := New[string, int](Options{})
	if err := c.Set("a", 1, 0); err != nil {
		t.Fatal(err)
	}
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Errorf("Get(a) = %v, %v; want 1, true (CUP 3.2.7 returned None)", v, ok)
	}
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Errorf("second Get(a) = %v, %v", v, ok)
	}
	_ = c.Set("zero", 0, 0)
	if v, ok := c.Get("zero"); !ok || v != 0 {
		t.Errorf("Get(zero) = %v, %v; a stored zero value is a hit", v, ok)
	}
	if _, ok := c.Get("missing"); ok {
		t.Error("Get(missing) hit")
	}
}

func TestExpiryWithClock(t *testing.T) {
	clk := newClock()
	c := New[string, string](Options{Now: clk.Now})
	_ = c.Set("k", "v", 2*time.Second)
	clk.Advance(time.Second)
	if v, ok := c.Get("k"); !ok || v != "v" {
		t.Fatalf("at +1s Get = %q, %v", v, ok)
	}
	clk.Advance(time.Second) // +2s: exactly at expiry, still live (strict)
	if _, ok := c.Get("k"); !ok {
		t.Fatal("at +2s (== expiry) Get missed; expiry is strict")
	}
	clk.Advance(time.Second) // +3s
	if st := c.Stat(); st.Keys != 1 || st.Expired != 1 {
		t.Errorf("Stat before cleanup = %+v", st)
	}
	if got := c.CleanupExpired(); !slices.Equal(got, []string{"k"}) {
		t.Errorf("CleanupExpired = %v", got)
	}
	if st := c.Stat(); st.Keys != 0 {
		t.Errorf("Stat after cleanup = %+v", st)
	}
	if _, ok := c.Get("k"); ok {
		t.Error("expired Get hit")
	}
}

func TestGetDoesNotExtend(t *testing.T) {
	clk := newClock()
	c := New[string, int](Options{Now: clk.Now})
	_ = c.Set("k", 1, 2*time.Second)
	clk.Advance(time.Second)
	c.Get("k") // CUP doubled the absolute expiry here
	clk.Advance(1500 * time.Millisecond)
	if _, ok := c.Get("k"); ok {
		t.Error("Get changed the expiry")
	}
	if c.Len() != 0 {
		t.Errorf("Len = %d", c.Len())
	}
}

func TestGetExExtends(t *testing.T) {
	clk := newClock()
	c := New[string, int](Options{Now: clk.Now})
	_ = c.Set("k", 1, 2*time.Second)
	clk.Advance(time.Second)
	if _, ok := c.GetEx("k", 10*time.Second); !ok {
		t.Fatal("GetEx missed")
	}
	clk.Advance(4 * time.Second) // +5s
	if _, ok := c.Get("k"); !ok {
		t.Error("GetEx did not extend")
	}
	clk.Advance(7 * time.Second) // +12s > 1+10
	if _, ok := c.Get("k"); ok {
		t.Error("still live after extended expiry")
	}
}

func TestExpiredAndPopExpired(t *testing.T) {
	clk := newClock()
	c := New[string, int](Options{Now: clk.Now})
	_ = c.Set("a", 1, 1*time.Second)
	_ = c.Set("b", 2, 2*time.Second)
	_ = c.Set("c", 3, 3*time.Second)
	_ = c.Set("live", 4, time.Hour)
	clk.Advance(5 * time.Second)
	exp := c.Expired()
	if len(exp) != 3 || exp["a"].Value != 1 {
		t.Fatalf("Expired = %v", exp)
	}
	if st := c.Stat(); st.Keys != 4 || st.Expired != 3 {
		t.Errorf("Expired() removed entries: %+v", st)
	}
	got := c.PopExpired(1)
	if len(got) != 1 || got["a"].Value != 1 {
		t.Errorf("PopExpired(1) = %v, want the earliest (a)", got)
	}
	got = c.PopExpired(0)
	if !slices.Equal(slices.Sorted(maps.Keys(got)), []string{"b", "c"}) {
		t.Errorf("PopExpired(0) = %v", got)
	}
	if st := c.Stat(); st.Keys != 1 || st.Expired != 0 || c.Len() != 1 {
		t.Errorf("after pops: %+v len %d", st, c.Len())
	}
}

func TestMaxSize(t *testing.T) {
	clk := newClock()
	t.Run("earliest expiry evicted", func(t *testing.T) {
		c := New[string, int](Options{MaxSize: 3, Now: clk.Now})
		_ = c.Set("a", 1, 30*time.Second)
		_ = c.Set("b", 2, 10*time.Second)
		_ = c.Set("c", 3, 20*time.Second)
		if err := c.Set("d", 4, 40*time.Second); err != nil {
			t.Fatal(err)
		}
		if _, ok := c.Get("b"); ok {
			t.Error("b (earliest expiry) not evicted")
		}
		for _, k := range []string{"a", "c", "d"} {
			if _, ok := c.Get(k); !ok {
				t.Errorf("%s evicted", k)
			}
		}
	})
	t.Run("SetMany too big", func(t *testing.T) {
		c := New[string, int](Options{MaxSize: 3, Now: clk.Now})
		err := c.SetMany(map[string]int{"a": 1, "b": 2, "c": 3, "d": 4}, 0)
		if !errors.Is(err, errs.ErrCacheFull) {
			t.Fatalf("err = %v", err)
		}
		if c.Len() != 0 {
			t.Errorf("stored %d entries", c.Len())
		}
	})
	t.Run("never-expiring: oldest insertion", func(t *testing.T) {
		c := New[string, int](Options{MaxSize: 3, Now: clk.Now})
		_ = c.Set("a", 1, 0)
		_ = c.Set("b", 2, 0)
		_ = c.Set("c", 3, 0)
		_ = c.Set("d", 4, 0)
		if _, ok := c.Get("a"); ok {
			t.Error("a (oldest) not evicted")
		}
		if c.Len() != 3 {
			t.Errorf("Len = %d", c.Len())
		}
	})
	t.Run("expired before live", func(t *testing.T) {
		c := New[string, int](Options{MaxSize: 3, Now: clk.Now})
		_ = c.Set("never", 1, 0)
		_ = c.Set("short", 2, time.Second)
		_ = c.Set("long", 3, time.Hour)
		clk.Advance(2 * time.Second)
		_ = c.Set("new", 4, 0)
		if st := c.Stat(); st.Keys != 3 || st.Expired != 0 {
			t.Errorf("Stat = %+v", st)
		}
		for _, k := range []string{"never", "long", "new"} {
			if _, ok := c.Get(k); !ok {
				t.Errorf("%s evicted", k)
			}
		}
	})
	t.Run("SetMany never evicts its own keys", func(t *testing.T) {
		c := New[string, int](Options{MaxSize: 3, Now: clk.Now})
		_ = c.Set("x", 0, 0)
		_ = c.Set("y", 0, 0)
		_ = c.Set("z", 0, 0)
		if err := c.SetMany(map[string]int{"a": 1, "b": 2, "c": 3}, time.Minute); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"a", "b", "c"} {
			if _, ok := c.Get(k); !ok {
				t.Errorf("%s missing", k)
			}
		}
	})
}

func TestReplaceExpireDelete(t *testing.T) {
	clk := newClock()
	c := New[string, int](Options{Now: clk.Now})
	_ = c.Set("k", 1, time.Second)
	if !c.Replace("k", 2, time.Hour) {
		t.Fatal("Replace on present key returned false")
	}
	clk.Advance(time.Minute)
	if v, ok := c.Get("k"); !ok || v != 2 {
		t.Errorf("after Replace Get = %v, %v; want 2 and extended", v, ok)
	}
	if c.Replace("missing", 9, 0) {
		t.Error("Replace on missing key returned true")
	}
	if _, ok := c.Get("missing"); ok {
		t.Error("Replace stored a missing key")
	}
	if !c.Expire("k", -1) {
		t.Error("Expire on present key returned false")
	}
	if _, ok := c.Get("k"); ok {
		t.Error("negative Expire did not expire")
	}
	if c.Expire("k", time.Second) {
		t.Error("Expire on expired key returned true")
	}
	_ = c.Set("d", 1, 0)
	if !c.Delete("d") || c.Delete("d") {
		t.Error("Delete results wrong")
	}
	_ = c.Set("e", 1, 0)
	c.Clear()
	if c.Len() != 0 || c.Stat().Keys != 0 {
		t.Error("Clear left entries")
	}
}

func TestMapUpdate(t *testing.T) {
	c := New[string, map[string]int](Options{})
	_ = c.Set("m", map[string]int{"a": 1}, 0)
	old, _ := c.Get("m")
	if !MapUpdate(c, "m", map[string]int{"b": 2}, nil) {
		t.Fatal("MapUpdate returned false")
	}
	got, _ := c.Get("m")
	if !maps.Equal(got, map[string]int{"a": 1, "b": 2}) {
		t.Errorf("merged = %v", got)
	}
	if len(old) != 1 {
		t.Errorf("old map modified in place: %v", old)
	}
	if MapUpdate(c, "missing", map[string]int{"x": 1}, nil) {
		t.Error("MapUpdate on missing key returned true")
	}

	// Concurrent readers iterate the map they got while writers merge.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 200 {
				MapUpdate(c, "m", map[string]int{fmt.Sprint(w, "-", i): i}, nil)
			}
		})
		wg.Go(func() {
			for range 200 {
				m, _ := c.Get("m")
				n := 0
				for range m {
					n++
				}
				if n != len(m) {
					t.Error("inconsistent map")
				}
			}
		})
	}
	wg.Wait()
	if got, _ := c.Get("m"); len(got) != 2+800 {
		t.Errorf("final size %d", len(got))
	}
}

func TestConcurrentMix(t *testing.T) {
	c := New[int, int](Options{MaxSize: 100})
	deadline := time.Now().Add(time.Second)
	var wg sync.WaitGroup
	for g := range 32 {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				k := (g*7 + i) % 150
				switch i % 4 {
				case 0:
					_ = c.Set(k, i, time.Duration(i%3)*time.Millisecond)
				case 1:
					c.Get(k)
				case 2:
					c.Delete(k)
				case 3:
					c.CleanupExpired()
				}
				if n := c.Len(); n < 0 || n > 100 {
					t.Errorf("Len = %d", n)
					return
				}
			}
		})
	}
	wg.Wait()
	if st := c.Stat(); st.Keys > 100 || c.Len() > st.Keys {
		t.Errorf("inconsistent: %+v len %d", st, c.Len())
	}
}

func ExampleCache() {
	c := New[string, int](Options{MaxSize: 1000})
	_ = c.Set("answer", 42, time.Minute)
	v, ok := c.Get("answer")
	fmt.Println(v, ok)
	_, ok = c.Get("question")
	fmt.Println(ok)
	// Output:
	// 42 true
	// false
}
