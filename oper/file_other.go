//go:build !unix

package oper

const openNoFollow = 0
