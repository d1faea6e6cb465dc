//go:build !unix

package procfs

import "sync"

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) { *b = (*b)[:0]; bufPool.Put(b) }

// readInto falls back to ReadFile where raw system calls are unavailable.
func readInto(path string, _ []byte) ([]byte, error) { return ReadFile(path) }

// readSystemFile is readInto: no file is kept open here.
func readSystemFile(path string, buf []byte) ([]byte, error) { return readInto(path, buf) }
