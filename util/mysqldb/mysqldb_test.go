package mysqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/cupgo/cup/internal/testenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func serverConfig(t *testing.T) Config {
	t.Helper()
	m := testenv.MySQLServer(t)
	host, port, err := net.SplitHostPort(m.Addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return Config{Host: host, Port: p, User: m.User, Password: m.Password, Database: m.Database, ConnectTimeout: 10 * time.Second}
}

func open(t *testing.T, cfg Config) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

var tableSeq atomic.Int64

// table creates a fresh table with the checklist's schema and drops it at
// the end of the test.
func table(t *testing.T, db *DB) string {
	t.Helper()
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), tableSeq.Add(1))
	ctx := context.Background()
	if _, err := db.Exec(ctx, "CREATE TABLE "+name+" (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) UNIQUE, data BLOB, at DATETIME NULL)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.Exec(context.Background(), "DROP TABLE IF EXISTS "+name) })
	return name
}

func TestCreateInsertQueryMaps(t *testing.T) {
	db := open(t, serverConfig(t))
	ctx := context.Background()
	tbl := table(t, db)
	res, err := db.Exec(ctx, "INSERT INTO "+tbl+" (name, data, at) VALUES (?, ?, ?)", "n", []byte{0, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.LastInsertID != 1 || res.RowsAffected != 1 {
		t.Errorf("Result = %+v", res)
	}
	got, err := db.QueryMaps(ctx, "SELECT * FROM "+tbl)
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"id": int64(1), "name": "n", "data": []byte{0, 1}, "at": nil}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("QueryMaps = %#v\nwant %#v", got, want)
	}
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.Local)
	if _, err := db.Exec(ctx, "INSERT INTO "+tbl+" (name, at) VALUES (?, ?)", "m", when); err != nil {
		t.Fatal(err)
	}
	cols, rows, err := db.QueryRows(ctx, "SELECT name, at, CAST(1.50 AS DECIMAL(5,2)) AS d FROM "+tbl+" WHERE name = ?", "m")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cols, []string{"name", "at", "d"}) || len(rows) != 1 {
		t.Fatalf("QueryRows = %v %v", cols, rows)
	}
	if at, ok := rows[0][1].(time.Time); !ok || !at.Equal(when) {
		t.Errorf("DATETIME = %#v, want %v", rows[0][1], when)
	}
	if rows[0][2] != "1.50" {
		t.Errorf("DECIMAL = %#v", rows[0][2])
	}
	var name string
	if err := db.QueryRow(ctx, "SELECT name FROM "+tbl+" WHERE id = 1").Scan(&name); err != nil || name != "n" {
		t.Errorf("QueryRow = %q, %v", name, err)
	}
	if _, err := db.QueryMaps(ctx, "SELECT 1 AS a, 2 AS a"); err == nil {
		t.Error("duplicate column names accepted")
	}
}

func TestServerErrors(t *testing.T) {
	db := open(t, serverConfig(t))
	ctx := context.Background()
	tbl := table(t, db)
	if _, err := db.Exec(ctx, "INSERT INTO "+tbl+" (name) VALUES (?)", "dup"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  uint16
	}{
		{"INSERT INTO " + tbl + " (name) VALUES ('dup')", 1062},
		{"SELEC 1", 1064},
		{"SELECT * FROM no_such_table_here", 1146},
	}
	for _, tt := range tests {
		_, err := db.Exec(ctx, tt.query)
		if n, ok := ErrorNumber(err); !ok || n != tt.want {
			t.Errorf("%q: ErrorNumber(%v) = %d, %v; want %d", tt.query, err, n, ok, tt.want)
		}
	}
	if _, ok := ErrorNumber(errors.New("x")); ok {
		t.Error("ErrorNumber of a plain error")
	}
}

func TestTx(t *testing.T) {
	db := open(t, serverConfig(t))
	ctx := context.Background()
	tbl := table(t, db)
	count := func(name string) int {
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM "+tbl+" WHERE name = ?", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	insert := func(name string) func(tx *sql.Tx) error {
		return func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO "+tbl+" (name) VALUES (?)", name)
			return err
		}
	}
	boom := errors.New("boom")
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insert("rolled")(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || count("rolled") != 0 {
		t.Errorf("error tx: err %v, rows %d", err, count("rolled"))
	}
	if err := db.Tx(ctx, insert("kept")); err != nil || count("kept") != 1 {
		t.Errorf("commit tx: err %v, rows %d", err, count("kept"))
	}
	func() {
		defer func() {
			if r := recover(); r != "tx panic" {
				t.Errorf("recovered %v, want the re-raised panic", r)
			}
		}()
		_ = db.Tx(ctx, func(tx *sql.Tx) error {
			_ = insert("panicked")(tx)
			panic("tx panic")
		})
	}()
	if count("panicked") != 0 {
		t.Error("panicking tx committed")
	}
}

func TestConnectErrors(t *testing.T) {
	cfg := serverConfig(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	bad := cfg
	bad.Password = cfg.Password + "-wrong"
	_, err := Open(ctx, bad)
	if n, ok := ErrorNumber(err); !ok || n != 1045 {
		t.Errorf("wrong password: ErrorNumber(%v) = %d, %v", err, n, ok)
	}
	if err != nil && !strings.Contains(err.Error(), cfg.User) {
		t.Errorf("error does not name the user: %v", err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	refused := cfg
	refused.Port = closedPort
	refused.ConnectTimeout = 2 * time.Second
	refused.Retries = 1
	refused.RetryInterval = 10 * time.Millisecond
	start := time.Now()
	_, err = Open(ctx, refused)
	if err == nil || !strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), strconv.Itoa(closedPort)) {
		t.Errorf("closed port: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("closed port took %v", d)
	}
}

func TestPasswordWithSpecialCharacters(t *testing.T) {
	cfg := serverConfig(t)
	db := open(t, cfg)
	ctx := context.Background()
	user := fmt.Sprintf("cup_pw_%d", os.Getpid())
	const pw = "p@ss/w:rd?x"
	if _, err := db.Exec(ctx, "CREATE USER '"+user+"'@'127.0.0.1' IDENTIFIED BY '"+pw+"'"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.Exec(context.Background(), "DROP USER '"+user+"'@'127.0.0.1'") })
	other := cfg
	other.User, other.Password, other.Database = user, pw, ""
	db2 := open(t, other)
	var one int
	if err := db2.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Errorf("SELECT 1 as %s = %d, %v", user, one, err)
	}
}

func TestQueryHonoursContext(t *testing.T) {
	db := open(t, serverConfig(t))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := db.QueryRows(ctx, "SELECT SLEEP(2)")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("returned after %v", d)
	}
}
