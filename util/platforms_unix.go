//go:build unix

package util

const isPosix = true
