package bench

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	cuplog "github.com/cupgo/cup/log"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"gopkg.in/natefinch/lumberjack.v2"
)

// The log benchmarks write one line per operation to a real file in a
// temporary directory, with rotation enabled on both sides at the same
// size (100 MB, so it rarely triggers). cup writes its CUP line
// (level, time with ms, pid, thread id, file:line, message); zap uses its
// console encoder with level, the same time layout, the short caller and
// the message, over a lumberjack.Logger. Both report lines/s.

const logRotateMB = 100

var logSeq atomic.Int64

// newCupLogger returns a named cup logger writing to a fresh file.
func newCupLogger(b *testing.B) *cuplog.Logger {
	b.Helper()
	name := fmt.Sprintf("bench-%d", logSeq.Add(1))
	l, err := cuplog.New(name, cuplog.Options{
		File:       filepath.Join(b.TempDir(), "cup.log"),
		MaxSize:    logRotateMB << 20,
		MaxBackups: 2,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	return l
}

// newZapLogger returns zap with a console encoder over lumberjack.
func newZapLogger(b *testing.B) *zap.Logger {
	b.Helper()
	lj := &lumberjack.Logger{
		Filename:   filepath.Join(b.TempDir(), "zap.log"),
		MaxSize:    logRotateMB,
		MaxBackups: 2,
	}
	b.Cleanup(func() { lj.Close() })
	enc := zapcore.NewConsoleEncoder(zapcore.EncoderConfig{
		TimeKey:      "T",
		LevelKey:     "L",
		CallerKey:    "C",
		MessageKey:   "M",
		LineEnding:   zapcore.DefaultLineEnding,
		EncodeLevel:  zapcore.CapitalLevelEncoder,
		EncodeTime:   zapcore.TimeEncoderOfLayout("2006-01-02 15:04:05,000"),
		EncodeCaller: zapcore.ShortCallerEncoder,
	})
	core := zapcore.NewCore(enc, zapcore.AddSync(lj), zapcore.InfoLevel)
	return zap.New(core, zap.AddCaller())
}

func reportLines(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "lines/s")
	}
}

const benchMsg = "a CUP log line without arguments, about as long as a typical one"

func BenchmarkLogFile(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		l := newCupLogger(b)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			l.Info(benchMsg)
		}
		reportLines(b)
	})
	b.Run("zap", func(b *testing.B) {
		l := newZapLogger(b)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			l.Info(benchMsg)
		}
		reportLines(b)
	})
}

func BenchmarkLogFileArgs(b *testing.B) {
	method, path := "GET", "/api/v1/items"
	ms := 42
	b.Run("cup", func(b *testing.B) {
		l := newCupLogger(b)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			l.Info("request %s %s took %d ms", method, path, ms)
		}
		reportLines(b)
	})
	b.Run("zap", func(b *testing.B) {
		l := newZapLogger(b).Sugar()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			l.Infof("request %s %s took %d ms", method, path, ms)
		}
		reportLines(b)
	})
}

func BenchmarkLogParallel(b *testing.B) {
	b.Run("cup", func(b *testing.B) {
		l := newCupLogger(b)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Info(benchMsg)
			}
		})
		reportLines(b)
	})
	b.Run("zap", func(b *testing.B) {
		l := newZapLogger(b)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Info(benchMsg)
			}
		})
		reportLines(b)
	})
}

// BenchmarkLogSlog compares the two slog handlers writing to a file, both
// with the source location (cup always prints it; TextHandler needs
// AddSource) and two attributes.
func BenchmarkLogSlog(b *testing.B) {
	open := func(b *testing.B) *os.File {
		f, err := os.Create(filepath.Join(b.TempDir(), "slog.log"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		return f
	}
	run := func(b *testing.B, h slog.Handler) {
		l := slog.New(h)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			l.Info("slog record", "user", "alice", "n", 7)
		}
		reportLines(b)
	}
	b.Run("cup", func(b *testing.B) {
		run(b, cuplog.NewHandler(open(b), nil))
	})
	b.Run("stdlib", func(b *testing.B) {
		run(b, slog.NewTextHandler(open(b), &slog.HandlerOptions{AddSource: true}))
	})
}

// TestLogLumberjackOutput is conformance item 30 of spec log.md: with
// Options.Output set to a lumberjack.Logger, records land in lumberjack's
// file and the package creates no numbered backups of its own.
func TestLogLumberjackOutput(t *testing.T) {
	dir := t.TempDir()
	lj := &lumberjack.Logger{Filename: filepath.Join(dir, "lj.log"), MaxSize: 1}
	defer lj.Close()
	l, err := cuplog.New("lumberjack-test", cuplog.Options{File: filepath.Join(dir, "cup.log"), MaxSize: 100, Output: lj})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		l.Info("line %d", i)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "lj.log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 50 {
		t.Fatalf("lumberjack file has %d lines", len(lines))
	}
	for i, line := range lines {
		e, err := cuplog.Parse(line)
		if err != nil || e.Msg != fmt.Sprintf("line %d", i) {
			t.Errorf("line %d: %q, %v", i, line, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "lj.log" {
			t.Errorf("unexpected file %s", e.Name())
		}
	}
}
