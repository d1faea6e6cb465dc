// Package mysqldb is a thin layer of helpers over database/sql and
// github.com/go-sql-driver/mysql for MySQL and MariaDB.
//
// CUP's cup.thirdp.mysql had no functions of its own: it made the bundled
// PyMySQL answer to the name MySQLdb, so the usable surface was PEP 249
// (connect, cursor, execute, fetchall, commit, rollback). This package gives
// the same conveniences the Go way:
//
//   - Open builds the driver configuration from a Config (never by pasting
//     strings, so passwords may contain '@', '/' or ':'), with utf8mb4, a
//     10 s connect timeout, DATETIME parsed into time.Time, an optional
//     retry of failed connection attempts, and a ping.
//   - QueryMaps returns rows as maps (PyMySQL's DictCursor) and QueryRows
//     as column names plus slices, with text as string, binary as []byte,
//     integers as int64, DECIMAL as string, times as time.Time and NULL as
//     nil.
//   - Tx runs a function in a transaction: commit on nil, rollback on an
//     error or a panic (which is re-raised).
//   - ErrorNumber extracts the server's error number (1045 access denied,
//     1062 duplicate key, 1064 syntax, 1146 unknown table, ...), the errno
//     of PyMySQL's OperationalError/IntegrityError/ProgrammingError.
//   - ConvertPyFormat turns a MySQLdb-style query with %s placeholders into
//     one with ? placeholders, refusing what would silently change meaning.
//
// CUP names replaced:
//
//	MySQLdb.connect(host, user, passwd, db, port, charset, connect_timeout)
//	                              -> Open(ctx, Config{...})
//	cursor.execute + rowcount/lastrowid -> DB.Exec -> Result
//	DictCursor fetchall          -> DB.QueryMaps
//	cursor fetchall, description -> DB.QueryRows
//	fetchone                     -> DB.QueryRow
//	commit / rollback            -> DB.Tx
//	ping                         -> DB.Ping
//	close                        -> DB.Close
//	OperationalError(errno, msg) -> *mysql.MySQLError via errors.As, ErrorNumber
package mysqldb
