package generator

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cupgo/cup/errs"
)

func TestUniqNum(t *testing.T) {
	g, err := NewGenerator("p")
	if err != nil {
		t.Fatal(err)
	}
	for want := range uint64(3) {
		if got := g.NextUniqNum(); got != want {
			t.Fatalf("NextUniqNum = %d, want %d", got, want)
		}
	}
	const G, N = 1000, 1000
	seen := make([]bool, G*N+3)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range G {
		wg.Go(func() {
			local := make([]uint64, N)
			for i := range local {
				local[i] = g.NextUniqNum()
			}
			mu.Lock()
			defer mu.Unlock()
			for _, v := range local {
				if seen[v] {
					t.Errorf("duplicate %d", v)
				}
				seen[v] = true
			}
		})
	}
	wg.Wait()
	g.ResetUniqIDStart(255)
	if got := g.NextUniqNum(); got != 255 {
		t.Errorf("after reset = %d", got)
	}
	if got := g.NextUniqHex(); got != "0x100" {
		t.Errorf("NextUniqHex = %q", got)
	}
}

func TestUniqName(t *testing.T) {
	g, err := NewGenerator("host")
	if err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(os.Getpid())
	if got := g.UniqName(); got != "host-"+pid+"-0" {
		t.Errorf("first name %q", got)
	}
	var mu sync.Mutex
	names := map[string]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 500 {
				n := g.UniqName()
				mu.Lock()
				if names[n] {
					t.Errorf("duplicate %q", n)
				}
				names[n] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if d := Default().UniqName(); !strings.Contains(d, "-"+pid+"-") {
		t.Errorf("Default name %q lacks pid", d)
	}
	if a, b := Default(), Default(); a != b {
		t.Error("Default not a single instance")
	}
}

func TestRandomStringAndUUID(t *testing.T) {
	if s := RandomString(8); !regexp.MustCompile(`^[a-z]{8}$`).MatchString(s) {
		t.Errorf("RandomString(8) = %q", s)
	}
	if RandomString(0) != "" || RandomString(-1) != "" {
		t.Error("RandomString(<=0) not empty")
	}
	u := UUID()
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(u) || u[12] != '4' {
		t.Errorf("UUID() = %q, want 32 hex digits of version 4", u)
	}
	if UUID() == u {
		t.Error("UUID repeated")
	}
}

func TestCycleID327(t *testing.T) {
	ip := netip.MustParseAddr("10.1.2.3")
	c, err := NewCycleID(ip, 8080, WithStart(1795666373))
	if err != nil {
		t.Fatal(err)
	}
	id := c.Next()
	if got := id.Hex0x(); got != "0xa01020300001f90000000006b07b1c5" {
		t.Errorf("Hex0x = %q", got)
	}
	if next := c.Next(); next.Lo != id.Lo+1 || next.Hi != id.Hi {
		t.Errorf("consecutive ids %v, %v", id, next)
	}
	if gotIP, port := id.IPPort(); gotIP != ip || port != 8080 {
		t.Errorf("IPPort = %v:%d", gotIP, port)
	}
	if !c.Reset(1 << 63) {
		t.Error("Reset(1<<63) = false")
	}
	if c.Reset(1<<63 + 1) {
		t.Error("Reset(1<<63+1) = true")
	}
	a, b := c.Next(), c.Next()
	if !strings.HasSuffix(a.Hex(), "8000000000000000") || !strings.HasSuffix(b.Hex(), "0000000000000000") || b.Lo != 0 {
		t.Errorf("wrap: %s then %s", a.Hex(), b.Hex())
	}
	p, err := ParseHexID(id.Hex0x())
	if err != nil || p != id {
		t.Errorf("ParseHexID round trip = %v, %v", p, err)
	}
}

func TestCycleIDNewest(t *testing.T) {
	ip := netip.MustParseAddr("10.1.2.3")
	c, err := NewCycleID(ip, 8080, WithStart(1795666373), WithNewestLayout())
	if err != nil {
		t.Fatal(err)
	}
	id := c.Next()
	if got := id.Hex(); got != "a0102031f900000000000006b07b1c5" {
		t.Errorf("Hex = %q", got)
	}
	gotIP, port, ctr := LayoutNewest.Decode(id)
	if gotIP != ip || port != 8080 || ctr != (ID{Lo: 1795666373}) {
		t.Errorf("Decode = %v %d %v", gotIP, port, ctr)
	}
	// The 80-bit counter carries into Hi.
	c.Reset(1<<64 - 1)
	_ = c.Next()
	if _, _, ctr := LayoutNewest.Decode(c.Next()); ctr != (ID{Hi: 1}) {
		t.Errorf("carry: counter %v", ctr)
	}
	made, err := LayoutNewest.Make(ip, 8080, ID{Lo: 1795666373})
	if err != nil || made != id {
		t.Errorf("Make = %v, %v", made, err)
	}
	if _, err := LayoutNewest.Make(ip, 1, ID{Hi: 1<<15 + 1}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("Make over max = %v", err)
	}
}

func TestCycleIDErrors(t *testing.T) {
	for _, a := range []netip.Addr{netip.MustParseAddr("::1"), {}} {
		if _, err := NewCycleID(a, 1); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("NewCycleID(%v) = %v", a, err)
		}
	}
	if _, err := NewCycleID(netip.MustParseAddr("1.2.3.4"), 1, WithStart(1<<63+1)); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("start too big = %v", err)
	}
	for _, s := range []string{"", "0x", "xyz", strings.Repeat("f", 33), "0x-1"} {
		if _, err := ParseHexID(s); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("ParseHexID(%q) = %v", s, err)
		}
	}
	if id, err := ParseHexID("0xffL"); err != nil || id != (ID{Lo: 255}) {
		t.Errorf("ParseHexID(0xffL) = %v, %v", id, err)
	}
}

// TestCycleIDNoDuplicates draws 10 M ids (1 M with -short) from 4
// goroutines and checks that no two are equal.
func TestCycleIDNoDuplicates(t *testing.T) {
	total := 10_000_000
	if testing.Short() {
		total = 1_000_000
	}
	const workers = 4
	c, err := NewCycleID(netip.MustParseAddr("127.0.0.1"), 80, WithStart(1<<63-uint64(total)/2))
	if err != nil {
		t.Fatal(err)
	}
	// Hi is constant in this layout, so Lo identifies an id. The start is
	// chosen so the counter wraps through 1<<63 to 0 in the middle.
	all := make([]uint64, total)
	per := total / workers
	var wg sync.WaitGroup
	for w := range workers {
		part := all[w*per : (w+1)*per]
		wg.Go(func() {
			for i := range part {
				part[i] = c.Next().Lo
			}
		})
	}
	wg.Wait()
	slices.Sort(all)
	for i := 1; i < len(all); i++ {
		if all[i] == all[i-1] {
			t.Fatalf("duplicate id counter %#x", all[i])
		}
	}
}

func TestUUIDCache(t *testing.T) {
	for _, mode := range []UUIDMode{UUID1, UUID4} {
		c, err := NewUUIDCache(mode, 3)
		if err != nil {
			t.Fatal(err)
		}
		got := c.Get(5)
		if len(got) != 5 || len(slices.Compact(slices.Sorted(slices.Values(got)))) != 5 {
			t.Errorf("mode %d: Get(5) = %v", mode, got)
		}
		for _, u := range got {
			if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(u) || u[12] != byte('1'+3*mode) {
				t.Errorf("mode %d: %q", mode, u)
			}
		}
		if len(c.Get(0)) != 0 {
			t.Error("Get(0) not empty")
		}
		if c.Len() > 3 {
			t.Errorf("cache over capacity: %d", c.Len())
		}
	}
	if _, err := NewUUIDCache(2, 3); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("mode 2 = %v", err)
	}
	if _, err := NewUUIDCache(UUID4, 0); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("capacity 0 = %v", err)
	}
}

func ExampleCycleID() {
	ids, err := NewCycleID(netip.MustParseAddr("10.1.2.3"), 8080, WithStart(1795666373))
	if err != nil {
		panic(err)
	}
	id := ids.Next()
	ip, port := id.IPPort()
	fmt.Println(id.Hex0x(), ip, port)
	// Output: 0xa01020300001f90000000006b07b1c5 10.1.2.3 8080
}

func ExampleGenerator() {
	g, _ := NewGenerator("worker")
	fmt.Println(g.NextUniqNum(), g.NextUniqNum(), g.NextUniqHex())
	// Output: 0 1 0x2
}
