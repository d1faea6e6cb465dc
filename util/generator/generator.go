package generator

import (
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/cupgo/cup/errs"
)

// Generator issues names and numbers that never repeat within the process
// (until a uint64 counter wraps). It is safe for concurrent use.
type Generator struct {
	prefix string // "<prefix>-<pid>-"
	names  atomic.Uint64
	nums   atomic.Uint64
}

// NewGenerator returns a Generator whose names start with prefix; an empty
// prefix means the host name. It fails only when the host name is needed
// and cannot be read.
func NewGenerator(prefix string) (*Generator, error) {
	if prefix == "" {
		h, err := os.Hostname()
		if err != nil {
			return nil, errs.New(errs.ErrResource, "generator: host name: %w", err)
		}
		prefix = h
	}
	return &Generator{prefix: prefix + "-" + strconv.Itoa(os.Getpid()) + "-"}, nil
}

var defaultGen = sync.OnceValue(func() *Generator {
	g, err := NewGenerator("")
	if err != nil {
		g, _ = NewGenerator("localhost")
	}
	return g
})

// Default returns the process-wide Generator, created on first use with the
// host name as prefix ("localhost" if the host name cannot be read).
func Default() *Generator { return defaultGen() }

// UniqName returns "<prefix>-<pid>-<n>" with n = 0, 1, 2, ... per
// Generator. The separators make names unambiguous (CUP's
// "<host><pid><n>_thd_<tid>" was not).
func (g *Generator) UniqName() string {
	n := g.names.Add(1) - 1
	b := make([]byte, 0, len(g.prefix)+20)
	b = append(b, g.prefix...)
	return string(strconv.AppendUint(b, n, 10))
}

// NextUniqNum returns 0, 1, 2, ... atomically.
func (g *Generator) NextUniqNum() uint64 { return g.nums.Add(1) - 1 }

// NextUniqHex returns the next number as "0x" plus lowercase hex, e.g.
// "0x100" (Python's hex()).
func (g *Generator) NextUniqHex() string {
	return "0x" + strconv.FormatUint(g.NextUniqNum(), 16)
}

// ResetUniqIDStart makes the next NextUniqNum return n. It is atomic with
// respect to NextUniqNum.
func (g *Generator) ResetUniqIDStart(n uint64) { g.nums.Store(n) }

const letters = "abcdefghijklmnopqrstuvwxyz"

// RandomString returns n random lowercase ASCII letters (a-z); n <= 0 gives
// "". It uses math/rand/v2's ChaCha8-seeded generator: unpredictable enough
// for names, not a secret.
func RandomString(n int) string {
	if n <= 0 {
		return ""
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return string(b)
}

// UUID returns a random (version 4) UUID as 32 lowercase hex digits without
// dashes.
func UUID() string {
	u := uuid.New()
	return hexUUID(u)
}

func hexUUID(u uuid.UUID) string {
	const digits = "0123456789abcdef"
	var b [32]byte
	for i, c := range u {
		b[2*i] = digits[c>>4]
		b[2*i+1] = digits[c&0xf]
	}
	return string(b[:])
}
