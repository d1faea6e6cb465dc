//go:build unix

package oper_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/oper"
)

func ExampleRmRF() {
	// Safe mode refuses "/" however it is spelled, and the system
	// directories, also through symlinks; nothing is deleted.
	for _, p := range []string{"/", "//", "/usr/", "/tmp/.."} {
		err := oper.RmRF(p, true)
		fmt.Println(p, errors.Is(err, errs.ErrProtectedPath))
	}

	dir, _ := os.MkdirTemp("", "example")
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	fmt.Println(oper.RmRF(dir, true))
	// Output:
	// / true
	// // true
	// /usr/ true
	// /tmp/.. true
	// <nil>
}

func ExampleCheckDeletable() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	keep := filepath.Join(dir, "keep")
	os.Mkdir(keep, 0o755)

	// Deleting the parent of a protected directory is refused too.
	err := oper.CheckDeletable(dir+"/", []string{keep})
	fmt.Println(errors.Is(err, errs.ErrProtectedPath))
	fmt.Println(oper.CheckDeletable(filepath.Join(dir, "other"), []string{keep}))
	// Output:
	// true
	// <nil>
}

func ExampleMD5File() {
	f, _ := os.CreateTemp("", "example")
	defer os.Remove(f.Name())
	f.WriteString("The quick brown fox jumps over the lazy dog")
	f.Close()
	sum, err := oper.MD5File(f.Name())
	fmt.Println(sum, err)
	// Output: 9e107d9d372bb6826bd81d3542a419d6 <nil>
}

func ExampleIsPortUsed() {
	used, err := oper.IsPortUsed(22)
	if err != nil {
		fmt.Println("cannot tell:", err)
		return
	}
	fmt.Println("sshd port in use:", used)
}

func ExampleKillByName() {
	// An empty name never means "every process".
	_, err := oper.Kill9ByName("")
	fmt.Println(errors.Is(err, errs.ErrInvalidArgument))
	// Output: true
}
