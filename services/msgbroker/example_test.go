package msgbroker_test

import (
	"fmt"

	"github.com/cupgo/cup/services/msgbroker"
)

func ExampleSystem() {
	sys, err := msgbroker.NewSystem("storage", msgbroker.Options{})
	if err != nil {
		panic(err)
	}
	_ = sys.OnCount("/home/disk1", msgbroker.TypeWarn, 2, func(ms []msgbroker.Msg) {
		fmt.Println("two warnings, last:", ms[1].Text)
	})
	sys.Warn("/home/disk1", "slow fsync")
	sys.Warn("/home/disk1", "slow fsync again")
	sys.Fatal("/home/disk1", "I/O error", true)
	fmt.Println("stop disk1:", sys.NeedStop("/home/disk1"))
	sys.Clean("/home/disk1")
	fmt.Println("after clean:", sys.NeedStop("/home/disk1"))
	// Output:
	// two warnings, last: slow fsync again
	// stop disk1: true
	// after clean: false
}

func ExampleCenter() {
	c, err := msgbroker.NewCenter("errors", msgbroker.Options{})
	if err != nil {
		panic(err)
	}
	_ = c.Produce(msgbroker.TypeFatal, "disk /dev/sdb", fmt.Errorf("code %d", msgbroker.ErrorDiskError))
	m, ok := c.Consume(msgbroker.TypeFatal)
	fmt.Println(ok, m.Type, m.Text, m.Err)
	// Output:
	// true FATAL disk /dev/sdb code 1
}
