package root

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/cupgo/cup/cmd/cup/internal/cmdutil"
	"github.com/cupgo/cup/errs"
)

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		args    []string
		code    int
		wantErr string
	}{
		{[]string{"version"}, ExitOK, ""},
		{[]string{"bogus"}, ExitUsage, `unknown command "bogus"`},
		{[]string{"version", "--nope"}, ExitUsage, "unknown flag"},
		{[]string{"version", "extra"}, ExitUsage, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Run(context.Background(), cmdutil.TestIO(nil, &out, &errOut), tt.args)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, errOut.String())
			}
			if tt.wantErr != "" && !strings.Contains(errOut.String(), tt.wantErr) {
				t.Fatalf("stderr %q lacks %q", errOut.String(), tt.wantErr)
			}
		})
	}
}

func TestExitCodeMapping(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		code int
	}{
		{"nil", context.Background(), nil, ExitOK},
		{"exit error passes the code", context.Background(), &cmdutil.ExitError{Code: 7}, 7},
		{"wrapped exit error", context.Background(), fmt.Errorf("x: %w", &cmdutil.ExitError{Code: 3}), 3},
		{"flag error", context.Background(), cmdutil.FlagErrorf("bad --x"), ExitUsage},
		{"timeout", context.Background(), errs.New(errs.ErrTimeout, "slow"), ExitTimeout},
		{"interrupted", canceled, context.Canceled, ExitSignal},
		{"other", context.Background(), errors.New("boom"), ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errOut bytes.Buffer
			f := &cmdutil.Factory{IO: cmdutil.TestIO(nil, &bytes.Buffer{}, &errOut)}
			if got := exitCode(tt.ctx, f, &cobra.Command{}, tt.err); got != tt.code {
				t.Fatalf("exitCode = %d, want %d", got, tt.code)
			}
			if tt.err != nil && !strings.HasPrefix(tt.name, "exit") && !strings.HasPrefix(tt.name, "wrapped") {
				if !strings.HasPrefix(errOut.String(), "cup: ") || strings.Contains(errOut.String(), "cup: cup:") {
					t.Fatalf("stderr %q: want one cup: prefix", errOut.String())
				}
			}
		})
	}
}
