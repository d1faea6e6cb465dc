package autowait

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"testing"

	"go.uber.org/goleak"
)

// The test binary doubles as helper processes, chosen by
// CUP_AUTOWAIT_HELPER: "listen" listens on 127.0.0.1 and [::1] on one TCP
// port, prints it and waits for stdin to close; "block" just waits.
func TestMain(m *testing.M) {
	switch os.Getenv("CUP_AUTOWAIT_HELPER") {
	case "":
		goleak.VerifyTestMain(m)
	case "listen":
		l4, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		port := l4.Addr().(*net.TCPAddr).Port
		l6, err := net.Listen("tcp6", "[::1]:"+strconv.Itoa(port))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(port)
		io.Copy(io.Discard, os.Stdin)
		l4.Close()
		l6.Close()
		os.Exit(0)
	case "block":
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
}
