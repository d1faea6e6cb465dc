package mysqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/cupgo/cup/errs"
)

// Config describes a connection. The zero value connects to 127.0.0.1:3306
// as the empty user with the documented defaults.
type Config struct {
	// Host and Port of the server; defaults 127.0.0.1 and 3306.
	Host string
	Port int
	// UnixSocket, if set, is used instead of Host and Port.
	UnixSocket string

	User     string
	Password string
	// Database is the default database; empty means none.
	Database string

	// Charset of the connection; default "utf8mb4" (old PyMySQL defaulted
	// to latin1).
	Charset string

	// ConnectTimeout bounds one connection attempt; default 10 s.
	ConnectTimeout time.Duration
	// ReadTimeout and WriteTimeout bound socket I/O; 0 means none. Prefer
	// a context deadline per query.
	ReadTimeout, WriteTimeout time.Duration

	// Loc is the time zone DATETIME values are read in; default time.Local.
	Loc *time.Location
	// TLS is the name of a TLS configuration registered with the driver
	// ("true", "skip-verify", "preferred" or a mysql.RegisterTLSConfig
	// name); empty means no TLS.
	TLS string
	// Params are extra server session variables set on each connection.
	Params map[string]string

	// MaxOpenConns, MaxIdleConns and ConnMaxLifetime configure the pool of
	// database/sql; 0 keeps database/sql's defaults.
	MaxOpenConns, MaxIdleConns int
	ConnMaxLifetime            time.Duration

	// Retries is how many times Open retries a connection attempt that
	// failed for a reason other than the server's refusal (a server that
	// is still starting, a dropped connection); default 0. Authentication
	// and other server errors are not retried.
	Retries int
	// RetryInterval is the pause between attempts; default 1 s.
	RetryInterval time.Duration
}

// addr returns the network and address to dial.
func (c Config) addr() (network, addr string) {
	if c.UnixSocket != "" {
		return "unix", c.UnixSocket
	}
	host, port := c.Host, c.Port
	if host == "" {
		host = "127.0.0.1"
	}
	if port == 0 {
		port = 3306
	}
	return "tcp", net.JoinHostPort(host, strconv.Itoa(port))
}

// DriverConfig returns the go-sql-driver configuration for c, with the
// defaults applied. It fails, with errs.ErrInvalidArgument, on a port out
// of range or negative durations.
func (c Config) DriverConfig() (*mysql.Config, error) {
	if c.Port < 0 || c.Port > 65535 {
		return nil, errs.New(errs.ErrInvalidArgument, "mysqldb: port %d out of range", c.Port)
	}
	if c.ConnectTimeout < 0 || c.ReadTimeout < 0 || c.WriteTimeout < 0 || c.RetryInterval < 0 || c.Retries < 0 {
		return nil, errs.New(errs.ErrInvalidArgument, "mysqldb: negative timeout, interval or retry count")
	}
	mc := mysql.NewConfig()
	mc.Net, mc.Addr = c.addr()
	mc.User, mc.Passwd, mc.DBName = c.User, c.Password, c.Database
	charset := c.Charset
	if charset == "" {
		charset = "utf8mb4"
	}
	if err := mc.Apply(mysql.Charset(charset, "")); err != nil {
		return nil, errs.New(errs.ErrInvalidArgument, "mysqldb: charset %q: %w", charset, err)
	}
	if charset != "utf8mb4" {
		mc.Collation = "" // let the server pick the charset's default
	}
	mc.Timeout = c.ConnectTimeout
	if mc.Timeout == 0 {
		mc.Timeout = 10 * time.Second
	}
	mc.ReadTimeout, mc.WriteTimeout = c.ReadTimeout, c.WriteTimeout
	mc.Loc = c.Loc
	if mc.Loc == nil {
		mc.Loc = time.Local
	}
	mc.ParseTime = true
	mc.TLSConfig = c.TLS
	if len(c.Params) > 0 {
		mc.Params = make(map[string]string, len(c.Params))
		for k, v := range c.Params {
			mc.Params[k] = v
		}
	}
	return mc, nil
}

// DSN returns the data source name for c, built with the driver's
// FormatDSN (never by string concatenation).
func (c Config) DSN() (string, error) {
	mc, err := c.DriverConfig()
	if err != nil {
		return "", err
	}
	return mc.FormatDSN(), nil
}

// DB is a connection pool with helpers. It is safe for concurrent use.
type DB struct {
	db *sql.DB
}

// Result is what Exec reports (PyMySQL's rowcount and lastrowid).
type Result struct {
	RowsAffected int64
	LastInsertID int64
}

// Open connects to the server described by cfg and pings it, retrying a
// failed attempt cfg.Retries times as Config describes. The error says
// where and as whom it tried to connect; the server's *mysql.MySQLError
// stays reachable with errors.As and ErrorNumber.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	mc, err := cfg.DriverConfig()
	if err != nil {
		return nil, err
	}
	conn, err := mysql.NewConnector(mc)
	if err != nil {
		return nil, errs.New(errs.ErrInvalidArgument, "mysqldb: %w", err)
	}
	db := sql.OpenDB(conn)
	if cfg.MaxOpenConns > 0 {
		db.SetMaxOpenConns(cfg.MaxOpenConns)
	}
	if cfg.MaxIdleConns > 0 {
		db.SetMaxIdleConns(cfg.MaxIdleConns)
	}
	if cfg.ConnMaxLifetime > 0 {
		db.SetConnMaxLifetime(cfg.ConnMaxLifetime)
	}
	interval := cfg.RetryInterval
	if interval == 0 {
		interval = time.Second
	}
	network, addr := cfg.addr()
	for attempt := 0; ; attempt++ {
		err = db.PingContext(ctx)
		if err == nil {
			return &DB{db: db}, nil
		}
		var me *mysql.MySQLError
		if attempt >= cfg.Retries || errors.As(err, &me) || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	_ = db.Close()
	return nil, fmt.Errorf("mysqldb: connect to %s %s as %q: %w", network, addr, cfg.User, err)
}

// SQL returns the underlying *sql.DB.
func (db *DB) SQL() *sql.DB { return db.db }

// Ping checks the connection.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

// Close closes the pool.
func (db *DB) Close() error { return db.db.Close() }

// Exec runs a statement with ? placeholders.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (Result, error) {
	res, err := db.db.ExecContext(ctx, query, args...)
	if err != nil {
		return Result{}, fmt.Errorf("mysqldb: exec: %w", err)
	}
	var r Result
	r.RowsAffected, _ = res.RowsAffected()
	r.LastInsertID, _ = res.LastInsertId()
	return r, nil
}

// QueryRow runs a query expected to return at most one row.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.db.QueryRowContext(ctx, query, args...)
}

// QueryRows runs a query and returns the column names and every row, with
// values converted as the package doc says.
func (db *DB) QueryRows(ctx context.Context, query string, args ...any) (cols []string, rows [][]any, err error) {
	r, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("mysqldb: query: %w", err)
	}
	defer r.Close()
	cols, rows, err = scanAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("mysqldb: query: %w", err)
	}
	return cols, rows, nil
}

// QueryMaps runs a query and returns every row as a map from column name
// to value (PyMySQL's DictCursor). Two result columns with the same name
// are an error wrapping errs.ErrInvalidArgument; alias them with AS.
func (db *DB) QueryMaps(ctx context.Context, query string, args ...any) ([]map[string]any, error) {
	cols, rows, err := db.QueryRows(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		if seen[c] {
			return nil, errs.New(errs.ErrInvalidArgument, "mysqldb: query maps: column %q appears twice in the result; alias it", c)
		}
		seen[c] = true
	}
	out := make([]map[string]any, len(rows))
	for i, row := range rows {
		m := make(map[string]any, len(cols))
		for j, c := range cols {
			m[c] = row[j]
		}
		out[i] = m
	}
	return out, nil
}

var binaryTypes = map[string]bool{
	"BLOB": true, "TINYBLOB": true, "MEDIUMBLOB": true, "LONGBLOB": true,
	"BINARY": true, "VARBINARY": true, "GEOMETRY": true, "BIT": true,
}

func scanAll(r *sql.Rows) ([]string, [][]any, error) {
	cols, err := r.Columns()
	if err != nil {
		return nil, nil, err
	}
	types, err := r.ColumnTypes()
	if err != nil {
		return nil, nil, err
	}
	binary := make([]bool, len(types))
	for i, t := range types {
		binary[i] = binaryTypes[t.DatabaseTypeName()]
	}
	var rows [][]any
	for r.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				if binary[i] {
					vals[i] = append([]byte{}, b...)
				} else {
					vals[i] = string(b)
				}
			}
		}
		rows = append(rows, vals)
	}
	return cols, rows, r.Err()
}

// Tx runs fn in a transaction: it commits when fn returns nil and rolls
// back when fn returns an error (returned, joined with any rollback error)
// or panics (the panic is re-raised after the rollback).
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("mysqldb: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		done = true
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("mysqldb: rollback: %w", rbErr))
		}
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("mysqldb: commit: %w", err)
	}
	return nil
}

// ErrorNumber returns the MySQL server error number carried by err (e.g.
// 1045 access denied, 1062 duplicate entry, 1064 syntax error, 1146 unknown
// table) and whether there was one.
func ErrorNumber(err error) (uint16, bool) {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number, true
	}
	return 0, false
}
