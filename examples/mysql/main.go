// Command mysql connects to a MySQL or MariaDB server with cup's mysqldb
// helpers, creates a scratch table, inserts, queries into maps, shows a
// rolled-back transaction and drops the table.
//
//	go run ./examples/mysql -addr 127.0.0.1:3306 -user cup -database test
//
// The password is read from $MYSQL_PWD. Without -addr (or $CUP_MYSQL_ADDR)
// it prints its usage and exits 0.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/cupgo/cup/util/mysqldb"
)

func main() {
	addr := flag.String("addr", os.Getenv("CUP_MYSQL_ADDR"), "server host:port (default $CUP_MYSQL_ADDR)")
	user := flag.String("user", envOr("CUP_MYSQL_USER", "root"), "user name")
	database := flag.String("database", envOr("CUP_MYSQL_DATABASE", "test"), "database to use")
	flag.Parse()
	if *addr == "" {
		fmt.Fprintln(os.Stderr, "usage: mysql -addr HOST:PORT [-user U] [-database DB]  (password in $MYSQL_PWD)")
		flag.PrintDefaults()
		return
	}
	host, portStr, err := net.SplitHostPort(*addr)
	if err != nil {
		log.Fatalf("-addr: %v", err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		log.Fatalf("-addr port: %v", err)
	}
	password := os.Getenv("MYSQL_PWD")
	if password == "" {
		password = os.Getenv("CUP_MYSQL_PASSWORD")
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := mysqldb.Open(ctx, mysqldb.Config{
		Host: host, Port: port, User: *user, Password: password, Database: *database,
		Retries: 3, // a server that is still starting gets a few more seconds
	})
	if err != nil {
		if n, ok := mysqldb.ErrorNumber(err); ok {
			log.Fatalf("server refused (error %d): %v", n, err)
		}
		log.Fatal(err)
	}
	defer db.Close()

	table := fmt.Sprintf("cup_example_%d", os.Getpid())
	if _, err := db.Exec(ctx, "CREATE TABLE "+table+" (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) UNIQUE, at DATETIME NULL)"); err != nil {
		log.Fatal(err)
	}
	defer db.Exec(context.Background(), "DROP TABLE "+table)

	// A query written for MySQLdb, converted to ? placeholders.
	q, err := mysqldb.ConvertPyFormat("INSERT INTO " + table + " (name, at) VALUES (%s, %s)")
	if err != nil {
		log.Fatal(err)
	}
	res, err := db.Exec(ctx, q, "alice", time.Now())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("inserted id %d (%d row)\n", res.LastInsertID, res.RowsAffected)

	// A duplicate key is error 1062 (PyMySQL's IntegrityError).
	if _, err := db.Exec(ctx, q, "alice", nil); err != nil {
		n, _ := mysqldb.ErrorNumber(err)
		fmt.Println("duplicate insert refused, error", n)
	}

	// A transaction whose function fails is rolled back.
	errAbort := errors.New("changed my mind")
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (name) VALUES (?)", "bob"); err != nil {
			return err
		}
		return errAbort
	})
	fmt.Println("transaction rolled back:", errors.Is(err, errAbort))

	rows, err := db.QueryMaps(ctx, "SELECT id, name, at FROM "+table+" ORDER BY id")
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rows {
		fmt.Printf("row: id=%v name=%v at=%v\n", r["id"], r["name"], r["at"])
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
