package bench

import (
	"net/netip"
	"testing"

	"github.com/oklog/ulid/v2"
	"github.com/rs/xid"

	"github.com/cupgo/cup/util/generator"
)

// The id benchmarks compare generating one id: cup's CycleID.Next (CUP's
// 128-bit uniq_id: address, port and a counter) against xid.New (12 bytes:
// time, machine, pid, counter) and ulid.Make (128 bits: ms time and
// monotonic entropy). Each also renders the id as text, since that is how
// ids are usually shipped: cup Hex, xid String, ulid String.

var idSink string

func newCycle(b *testing.B) *generator.CycleID {
	c, err := generator.NewCycleID(netip.MustParseAddr("10.1.2.3"), 8080)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkIDXid(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		c := newCycle(b)
		for range b.N {
			idSink = c.Next().Hex()
		}
	})
	b.Run("xid", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			idSink = xid.New().String()
		}
	})
}

func BenchmarkIDUlid(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		c := newCycle(b)
		for range b.N {
			idSink = c.Next().Hex()
		}
	})
	b.Run("ulid", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			idSink = ulid.Make().String()
		}
	})
}
