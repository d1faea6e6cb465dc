package mysqldb

import (
	"strings"

	"github.com/cupgo/cup/errs"
)

// ConvertPyFormat converts a query written for MySQLdb/PyMySQL, whose
// placeholders are %s, into one for database/sql with ? placeholders. As
// MySQLdb's %-formatting does, every %s outside a quoted literal becomes ?
// and every %% (anywhere) becomes %. Inputs whose meaning would silently
// change are refused with an error wrapping errs.ErrInvalidArgument that
// names the byte offset: a %s inside a quoted literal (it would stop being
// a parameter), %(name)s, any other % directive, and a lone %.
//
// Quoted literals are '...', "..." and `...`, with backslash escapes and
// doubled quotes.
func ConvertPyFormat(query string) (string, error) {
	var b strings.Builder
	b.Grow(len(query))
	var quote byte // 0 outside a literal
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '%':
			if i+1 >= len(query) {
				return "", errs.New(errs.ErrInvalidArgument, "mysqldb: lone %% at offset %d of query", i)
			}
			switch next := query[i+1]; {
			case next == '%':
				b.WriteByte('%')
			case next == 's' && quote == 0:
				b.WriteByte('?')
			case next == 's':
				return "", errs.New(errs.ErrInvalidArgument, "mysqldb: %%s inside a quoted literal at offset %d of query", i)
			case next == '(':
				return "", errs.New(errs.ErrInvalidArgument, "mysqldb: named placeholder %%(...)s at offset %d is not supported; use %%s", i)
			default:
				return "", errs.New(errs.ErrInvalidArgument, "mysqldb: unsupported directive %%%c at offset %d of query", next, i)
			}
			i++
		case quote != 0 && c == '\\' && quote != '`':
			b.WriteByte(c)
			if i+1 < len(query) && query[i+1] != '%' {
				i++
				b.WriteByte(query[i])
			}
		case quote != 0 && c == quote:
			b.WriteByte(c)
			if i+1 < len(query) && query[i+1] == quote { // doubled quote
				i++
				b.WriteByte(c)
			} else {
				quote = 0
			}
		case quote == 0 && (c == '\'' || c == '"' || c == '`'):
			quote = c
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
