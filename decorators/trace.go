package decorators

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cupgo/cup/log"
)

// InfoLogger is where the trace lines go. [*log.Logger] satisfies it. If
// the value also has an InfoDepth(depth int, format string, args ...any)
// method, as *log.Logger does, it is used so that the logged source
// location is the traced function's caller rather than this package.
type InfoLogger interface {
	Info(format string, args ...any)
}

type infoDepthLogger interface {
	InfoDepth(depth int, format string, args ...any)
}

// PrintTimeLayout is the time layout of the lines TraceOptions.Print
// writes, CUP's "%Y-%m-%d %H:%M:%S.%f".
const PrintTimeLayout = "2006-01-02 15:04:05.000000"

// TraceOptions configures the trace functions (CUP TraceUsedTime's
// arguments). The zero value logs to cup's default logger and prints
// nothing.
type TraceOptions struct {
	// Print also writes the enter and leave lines, with the current time,
	// to Out (CUP b_print_stdout).
	Print bool
	// Out is where Print writes. Nil means os.Stdout.
	Out io.Writer
	// EnterMsg is the msg of the enter lines (CUP enter_msg).
	EnterMsg string
	// LeaveMsg is the msg of the leave lines (CUP leave_msg).
	LeaveMsg string
	// Logger receives the INFO lines. Nil means [log.Default], which,
	// like CUP's log module before init_comlog, shows only warnings and
	// above until [log.Init] is called.
	Logger InfoLogger
}

// tracer is one traced call in progress.
type tracer struct {
	name  string
	o     *TraceOptions
	start time.Time
}

func (o *TraceOptions) logger() InfoLogger {
	if o.Logger != nil {
		return o.Logger
	}
	return log.Default()
}

// info logs at INFO. depth counts frames above info's caller: 0 means
// the function that called info.
func (o *TraceOptions) info(depth int, format string, args ...any) {
	l := o.logger()
	if d, ok := l.(infoDepthLogger); ok {
		// InfoDepth(0) names info itself, InfoDepth(1) info's caller.
		d.InfoDepth(depth+1, format, args...)
		return
	}
	l.Info(format, args...)
}

func (o *TraceOptions) out() io.Writer {
	if o.Out != nil {
		return o.Out
	}
	return os.Stdout
}

// begin writes the enter lines. depth: 0 is begin's caller.
func begin(name string, o *TraceOptions, depth int) *tracer {
	t := &tracer{name: name, o: o}
	if o.Print {
		fmt.Fprintf(o.out(), "**enter func:%s,time:%s, msg:%s\n",
			name, time.Now().Format(PrintTimeLayout), o.EnterMsg)
	}
	o.info(depth+1, "**enter func:%s, msg:%s", name, o.EnterMsg)
	t.start = time.Now()
	return t
}

// end writes the leave lines. depth: 0 is end's caller.
func (t *tracer) end(depth int) {
	used := time.Since(t.start).Seconds()
	t.o.info(depth+1, "**leave func:%s, used_time:%.6f, msg:%s", t.name, used, t.o.LeaveMsg)
	if t.o.Print {
		fmt.Fprintf(t.o.out(), "**leave func:%s, time:%s, used_time:%.6f, msg:%s\n",
			t.name, time.Now().Format(PrintTimeLayout), used, t.o.LeaveMsg)
	}
}

// TraceUsedTime logs that the function name is entered and returns a
// function that logs how long it took (CUP TraceUsedTime). Use it with
// defer at the top of the function:
//
//	func work() error {
//		defer decorators.TraceUsedTime("work", decorators.TraceOptions{EnterMsg: "in", LeaveMsg: "out"})()
//		...
//	}
//
// The lines, logged at INFO, are
//
//	**enter func:<name>, msg:<EnterMsg>
//	**leave func:<name>, used_time:<seconds, 6 decimals>, msg:<LeaveMsg>
//
// and with Print, written to Out,
//
//	**enter func:<name>,time:<PrintTimeLayout>, msg:<EnterMsg>
//	**leave func:<name>, time:<PrintTimeLayout>, used_time:<seconds>, msg:<LeaveMsg>
//
// Because the leave function runs as a deferred call, the leave lines are
// written even when the function panics. The returned function should be
// called once.
func TraceUsedTime(name string, o TraceOptions) func() {
	t := begin(name, &o, 1)
	return func() { t.end(1) }
}

// Trace runs fn between the enter and leave lines of [TraceUsedTime] and
// returns fn's results unchanged. If fn panics, the leave lines are still
// written and the panic continues.
func Trace[T any](name string, o TraceOptions, fn func() (T, error)) (T, error) {
	t := begin(name, &o, 1)
	defer t.end(1)
	return fn()
}

// TraceFunc is [Trace] for a function without results.
func TraceFunc(name string, o TraceOptions, fn func()) {
	t := begin(name, &o, 1)
	defer t.end(1)
	fn()
}
