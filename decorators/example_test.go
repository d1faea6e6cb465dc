package decorators_test

import (
	"fmt"
	"strings"

	"github.com/cupgo/cup/decorators"
)

type config struct{ name string }

func ExampleSingleton() {
	loads := 0
	getConfig := decorators.Singleton(func() (*config, error) {
		loads++
		return &config{name: "prod"}, nil
	})
	a, _ := getConfig()
	b, _ := getConfig()
	fmt.Println(a.name, a == b, loads)
	// Output: prod true 1
}

// lineLogger collects trace lines; a *log.Logger from cup's log package is
// the usual choice.
type lineLogger struct{ lines []string }

func (l *lineLogger) Info(format string, args ...any) {
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func ExampleTrace() {
	logs := &lineLogger{}
	n, err := decorators.Trace("count", decorators.TraceOptions{EnterMsg: "in", LeaveMsg: "out", Logger: logs},
		func() (int, error) { return strings.Count("banana", "a"), nil })
	fmt.Println(n, err)
	fmt.Println(logs.lines[0])
	fmt.Println(strings.HasPrefix(logs.lines[1], "**leave func:count, used_time:"))
	// Output:
	// 3 <nil>
	// **enter func:count, msg:in
	// true
}

func ExampleTraceUsedTime() {
	logs := &lineLogger{}
	work := func() {
		defer decorators.TraceUsedTime("work", decorators.TraceOptions{Logger: logs})()
		// ... the traced work ...
	}
	work()
	fmt.Println(len(logs.lines))
	// Output: 2
}

func ExampleNeedMac() {
	if err := decorators.NeedMac(); err != nil {
		fmt.Println("skipping macOS-only step")
	}
}
