package mysqldb

import (
	"errors"
	"testing"

	"github.com/cupgo/cup/errs"
)

func TestConvertPyFormat(t *testing.T) {
	good := []struct{ in, want string }{
		{"SELECT * FROM t WHERE a=%s AND c LIKE '10%%'", "SELECT * FROM t WHERE a=? AND c LIKE '10%'"},
		{"INSERT INTO t VALUES (%s, %s)", "INSERT INTO t VALUES (?, ?)"},
		{"SELECT 'it''s', \"a\\\"b\", `c%%` FROM t WHERE x=%s", "SELECT 'it''s', \"a\\\"b\", `c%` FROM t WHERE x=?"},
		{"SELECT 100 %% 7", "SELECT 100 % 7"},
		{"", ""},
	}
	for _, tt := range good {
		got, err := ConvertPyFormat(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ConvertPyFormat(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []string{
		"SELECT * FROM t WHERE b='%s'",
		"SELECT * FROM t WHERE a=%(x)s",
		"SELECT %d",
		"SELECT 10 % 3",
		"SELECT 1 %",
		`SELECT "x %s y"`,
	}
	for _, in := range bad {
		if _, err := ConvertPyFormat(in); !errors.Is(err, errs.ErrInvalidArgument) {
			t.Errorf("ConvertPyFormat(%q) err = %v, want ErrInvalidArgument", in, err)
		}
	}
}

func FuzzConvertPyFormat(f *testing.F) {
	for _, s := range []string{"SELECT %s", "'%%'", "`%s`", "a\\'%s", "%(x)s", "%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out, err := ConvertPyFormat(q)
		if err != nil {
			return
		}
		if len(out) > len(q) {
			t.Fatalf("output longer than input: %q -> %q", q, out)
		}
	})
}

func TestDSN(t *testing.T) {
	dsn, err := Config{User: "u", Password: "p@ss/w:rd?", Database: "db", Port: 3307}.DSN()
	if err != nil {
		t.Fatal(err)
	}
	want := "u:p@ss/w:rd?@tcp(127.0.0.1:3307)/db?"
	if len(dsn) < len(want) || dsn[:len(want)] != want {
		t.Errorf("DSN = %q", dsn)
	}
	mc, err := Config{UnixSocket: "/run/m.sock"}.DriverConfig()
	if err != nil || mc.Net != "unix" || mc.Addr != "/run/m.sock" || !mc.ParseTime || mc.Timeout.Seconds() != 10 {
		t.Errorf("DriverConfig = %+v, %v", mc, err)
	}
	if _, err := (Config{Port: 70000}).DSN(); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("bad port: %v", err)
	}
}
