package procfs

import (
	"errors"
	"testing"

	"github.com/cupgo/cup/errs"
)

// parseVMStatAllLines is ParseVMStat without the skip of unwanted lines:
// it splits every line. FuzzParseVMStatSkip checks both agree.
func parseVMStatAllLines(data []byte) (VMStat, error) {
	var v VMStat
	l := lines{data: data}
	var in, out bool
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		key, rest := field(line)
		var dst *uint64
		switch string(key) {
		case "pswpin":
			dst, in = &v.PswpIn, true
		case "pswpout":
			dst, out = &v.PswpOut, true
		case "pgfault":
			dst = &v.PgFault
		case "pgmajfault":
			dst = &v.PgMajFault
		default:
			continue
		}
		n, err := oneNumber(l.n, line, rest)
		if err != nil {
			return VMStat{}, err
		}
		*dst = n
	}
	v.HasPswp = in && out
	return v, nil
}

func FuzzParseVMStatSkip(f *testing.F) {
	seed(f, "/proc/vmstat")
	for _, s := range []string{"pswpin 1\npswpout 2\n", " pswpin 3\n\tpgfault x\n", "pswpinx 1\npgfault 1 2\n", "pgmajfault\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseVMStat(data)
		want, werr := parseVMStatAllLines(data)
		if got != want || (err == nil) != (werr == nil) {
			t.Fatalf("ParseVMStat = %+v, %v; splitting every line gives %+v, %v", got, err, want, werr)
		}
		if err != nil && (err.Error() != werr.Error() || !errors.Is(err, errs.ErrParse) != !errors.Is(werr, errs.ErrParse)) {
			t.Fatalf("errors differ: %v vs %v", err, werr)
		}
	})
}
