package procfs

import (
	"errors"
	"os"
	"testing"

	"github.com/cupgo/cup/errs"
)

// checkParseErr asserts a parser error is a *errs.ParseError with a line
// (or, for whole-file problems, a message).
func checkParseErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *errs.ParseError
	if !errors.As(err, &pe) || (pe.Line <= 0 && pe.Msg == "") {
		t.Fatalf("error %v is not a *errs.ParseError with a line", err)
	}
}

func seed(f *testing.F, files ...string) {
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}

func FuzzParseSystemStat(f *testing.F) {
	seed(f, "/proc/stat", "../../res/testdata/proc/stat", "../../res/testdata/proc-8col/stat")
	f.Add([]byte("cpu 1 2 3\n"))
	f.Add([]byte("cpu  1 2 3 4 5 6 7 8 9 10 11 12\ncpu0 x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseSystemStat(data)
		checkParseErr(t, err)
		if err == nil && st.Total.Name != "cpu" {
			t.Fatalf("aggregate line named %q", st.Total.Name)
		}
		_, _, err = FindCPU(data, "cpu1")
		checkParseErr(t, err)
		_, _, err = FindBootTime(data)
		checkParseErr(t, err)
	})
}

func FuzzParseMeminfo(f *testing.F) {
	seed(f, "/proc/meminfo", "../../res/testdata/proc/meminfo")
	f.Add([]byte("MemTotal: 18446744073709551615 kB\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseMeminfo(data)
		checkParseErr(t, err)
	})
}

func FuzzParseSwaps(f *testing.F) {
	seed(f, "/proc/swaps", "../../res/testdata/proc/swaps")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseSwaps(data)
		checkParseErr(t, err)
	})
}

func FuzzParseVMStat(f *testing.F) {
	seed(f, "/proc/vmstat")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseVMStat(data)
		checkParseErr(t, err)
	})
}

func FuzzParseNetDev(f *testing.F) {
	seed(f, "/proc/net/dev", "../../res/testdata/proc/net/dev")
	f.Fuzz(func(t *testing.T, data []byte) {
		devs, err := ParseNetDev(data)
		checkParseErr(t, err)
		for _, d := range devs {
			if _, _, err := FindNetDev(data, d.Name); err != nil {
				t.Fatalf("FindNetDev(%q) failed after ParseNetDev succeeded: %v", d.Name, err)
			}
		}
	})
}

func FuzzParseLoadAvg(f *testing.F) {
	seed(f, "/proc/loadavg")
	f.Add([]byte("NaN 1 1 1/1 1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseLoadAvg(data)
		checkParseErr(t, err)
	})
}

func FuzzParseStatus(f *testing.F) {
	seed(f, "/proc/self/status", "../../res/testdata/proc/4242/status")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseStatus(data)
		checkParseErr(t, err)
	})
}

func FuzzParseIO(f *testing.F) {
	seed(f, "/proc/self/io", "../../res/testdata/proc/4242/io")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseIO(data)
		checkParseErr(t, err)
	})
}

func FuzzParseStatm(f *testing.F) {
	seed(f, "/proc/self/statm")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseStatm(data)
		checkParseErr(t, err)
	})
}

func FuzzParseSmaps(f *testing.F) {
	seed(f, "../../res/testdata/proc/4242/smaps")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseSmaps(data)
		checkParseErr(t, err)
	})
}

func FuzzParseInetSockets(f *testing.F) {
	seed(f, "/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "../../res/testdata/proc/4242/net/tcp6")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseInetSockets(data)
		checkParseErr(t, err)
	})
}

func FuzzParseUnixSockets(f *testing.F) {
	seed(f, "/proc/net/unix", "../../res/testdata/proc/4242/net/unix")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseUnixSockets(data)
		checkParseErr(t, err)
	})
}

func FuzzParseCmdline(f *testing.F) {
	f.Add([]byte("a\x00\x00b\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		args := ParseCmdline(data)
		if len(data) > 0 && len(args) == 0 {
			t.Fatalf("ParseCmdline(%q) lost everything", data)
		}
	})
}
