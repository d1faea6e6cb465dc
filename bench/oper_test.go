package bench

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/cupgo/cup/oper"
	"github.com/cupgo/cup/timeplus"
)

// BenchmarkOperMD5File hashes a 4 MiB file: cup's oper.MD5File (stat,
// open, 128 KiB reads) against the usual stdlib idiom (open, io.Copy into
// md5.New, which reads through a 32 KiB buffer).
func BenchmarkOperMD5File(b *testing.B) {
	p := filepath.Join(b.TempDir(), "data")
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := oper.MD5File(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			f, err := os.Open(p)
			if err != nil {
				b.Fatal(err)
			}
			h := md5.New()
			if _, err := io.Copy(h, f); err != nil {
				b.Fatal(err)
			}
			f.Close()
			_ = hex.EncodeToString(h.Sum(nil))
		}
	})
}

// BenchmarkOperIsPortUsed asks whether a listening loopback TCP port is
// in use: cup's oper.IsPortUsed reads /proc/net/tcp (and stops at the
// first listener found) against the common Go idiom of trying to bind
// the port and closing the listener again.
func BenchmarkOperIsPortUsed(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	addr := "127.0.0.1:" + strconv.Itoa(port)
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			used, err := oper.IsPortUsed(port)
			if err != nil || !used {
				b.Fatal(used, err)
			}
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			l, err := net.Listen("tcp", addr)
			if err == nil {
				l.Close()
				b.Fatal("port reported free")
			}
		}
	})
}

// BenchmarkTimeplusStrftime formats one time with CUP's default layout:
// cup's strftime interpreter against time.Format with the equivalent Go
// layout.
func BenchmarkTimeplusStrftime(b *testing.B) {
	t := time.Date(2024, 3, 5, 7, 8, 9, 0, time.UTC)
	buf := make([]byte, 0, 64)
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = timeplus.AppendStrftime(buf[:0], t, "%Y-%m-%d-%H-%M-%S")
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = t.AppendFormat(buf[:0], "2006-01-02-15-04-05")
		}
	})
}
