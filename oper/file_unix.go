//go:build unix

package oper

import "syscall"

// openNoFollow makes CreateEmpty's truncating open fail on a symbolic
// link that appeared after its Lstat, and not block on a FIFO.
const openNoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
