package log_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	cuplog "github.com/cupgo/cup/log"
)

func TestFileMode(t *testing.T) {
	dir := fresh(t)
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	f := filepath.Join(dir, "f.log")
	if err := cuplog.Init("t", cuplog.Options{File: f, WarnFile: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{f, f + ".wf"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != 0o600 {
			t.Errorf("%s mode %v, want 0600", p, st.Mode())
		}
	}
	l, err := cuplog.New("m", cuplog.Options{File: filepath.Join(dir, "m.log"), FileMode: 0o640})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if st, _ := os.Stat(filepath.Join(dir, "m.log")); st.Mode() != 0o640 {
		t.Errorf("FileMode 0640: got %v", st.Mode())
	}
}
