//go:build interop

// A test against Baidu's own CUP: CUP 3.2.7's CycleIDGenerator (under
// Python 3) and CycleID issue the same ids for the same address, port and
// start, through the counter's wrap-around. CUP's source is not part of
// this repository, so the test is built only with -tags interop:
//
//	CUP_SRC=/path/to/CUP-3.2.7 go test -tags interop -run TestInteropCUPCycleID ./util/generator
//
// or scripts/interop-cup.sh. Once built with the tag, a missing CUP_SRC
// fails the test: it never skips.

package generator

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"github.com/cupgo/cup/internal/cupinterop"
)

// cupIDOracle reads "ip port start count" lines and prints, for each, the
// count ids CUP's CycleIDGenerator issues after reset_nextid(start), as
// id2_hexstring gives them, space-separated; "reject" if CUP refuses the
// start.
const cupIDOracle = `
import sys
from cup.services import generator
for line in sys.stdin:
    ip, port, start, count = line.split()
    g = generator.CycleIDGenerator(ip, int(port))
    if not g.reset_nextid(int(start)):
        print('reject')
        continue
    print(' '.join(generator.CycleIDGenerator.id2_hexstring(g.next_id()) for _ in range(int(count))))
`

func TestInteropCUPCycleID(t *testing.T) {
	env := cupinterop.Setup(t, "cup/services/generator.py")
	src, stubs, python := env.Src, env.Stubs, env.Python3
	script := env.Script(t, "oracle.py", cupIDOracle)

	type tc struct {
		ip    string
		port  uint16
		start uint64
		count int
	}
	const max = uint64(1) << 63
	cases := []tc{
		{"127.0.0.1", 8080, 0, 5},
		{"10.0.0.1", 1, 1_795_000_000, 5},
		{"255.255.255.255", 65535, 42, 3},
		{"0.0.0.0", 0, 7, 3},
		{"192.168.1.200", 61000, max - 2, 5}, // wraps to 0 after max
		{"1.2.3.4", 5, max, 3},
		{"1.2.3.4", 5, max + 1, 1}, // CUP refuses a start above max
	}
	var in bytes.Buffer
	for _, c := range cases {
		fmt.Fprintf(&in, "%s %d %d %d\n", c.ip, c.port, c.start, c.count)
	}
	cmd := exec.Command(python, script, src, stubs)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("CUP oracle: %v\n%s", err, stderr.Bytes())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for _, c := range cases {
		if !sc.Scan() {
			t.Fatalf("oracle output ends early:\n%s", out)
		}
		want := sc.Text()
		g, err := NewCycleID(netip.MustParseAddr(c.ip), c.port)
		if err != nil {
			t.Fatal(err)
		}
		if !g.Reset(c.start) {
			if want != "reject" {
				t.Errorf("%+v: Reset refused the start, CUP accepted it: %s", c, want)
			}
			continue
		}
		var got []string
		for range c.count {
			got = append(got, g.Next().Hex0x())
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%+v:\ncup-go %s\nCUP    %s", c, strings.Join(got, " "), want)
		}
	}
}
