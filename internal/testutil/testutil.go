// Package testutil holds small helpers shared by cup's tests.
package testutil

import (
	"bytes"
	"strings"
	"sync"
)

// SyncBuffer is a bytes.Buffer that one goroutine may read while others
// write to it, as the race detector requires of a log or output sink
// under test. The zero value is ready to use.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Lines returns everything written so far as lines without their
// terminators; a trailing newline does not make an empty last line.
func (s *SyncBuffer) Lines() []string {
	str := strings.TrimSuffix(s.String(), "\n")
	if str == "" {
		return nil
	}
	return strings.Split(str, "\n")
}
