//go:build unix

package oper

import (
	"errors"
	"syscall"
	"testing"

	"github.com/cupgo/cup/errs"
)

func TestParseSignal(t *testing.T) {
	tests := []struct {
		in   string
		want syscall.Signal
	}{
		{"", syscall.SIGTERM},
		{"9", syscall.SIGKILL},
		{"-9", syscall.SIGKILL},
		{"SIGKILL", syscall.SIGKILL},
		{"KILL", syscall.SIGKILL},
		{"sigkill", syscall.SIGKILL},
		{"SIGSTOP", syscall.SIGSTOP},
		{"SIGCONT", syscall.SIGCONT},
		{"HUP", syscall.SIGHUP},
		{"SIGHUP", syscall.SIGHUP},
		{"15", syscall.SIGTERM},
		{"64", syscall.Signal(64)},
	}
	if syscall.SIGSTOP == 19 { // Linux numbering, as in CUP
		tests = append(tests,
			struct {
				in   string
				want syscall.Signal
			}{"19", syscall.SIGSTOP},
			struct {
				in   string
				want syscall.Signal
			}{"-19", syscall.SIGSTOP},
			struct {
				in   string
				want syscall.Signal
			}{"18", syscall.SIGCONT},
			struct {
				in   string
				want syscall.Signal
			}{"-18", syscall.SIGCONT},
		)
	}
	for _, tc := range tests {
		got, err := ParseSignal(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSignal(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"bogus", "0", "-0", "65", "--9", "+9", "-+9", "SIG", "9x", " 9"} {
		if got, err := ParseSignal(bad); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("ParseSignal(%q) = %v, %v; want ErrInvalidArgument", bad, got, err)
		}
	}
}

func FuzzParseSignal(f *testing.F) {
	for _, s := range []string{"", "9", "-9", "SIGSTOP", "hup", "bogus", "-", "64", "65"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sig, err := ParseSignal(s)
		if err != nil {
			if !errors.Is(err, errs.ErrInvalidArgument) {
				t.Fatalf("ParseSignal(%q) error %v does not wrap ErrInvalidArgument", s, err)
			}
			return
		}
		if sig <= 0 || sig > maxSignal {
			t.Fatalf("ParseSignal(%q) = %d, out of range", s, sig)
		}
	})
}
