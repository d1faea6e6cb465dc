package expect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"

	"github.com/cupgo/cup/errs"
)

// Options configure Spawn. The zero value runs the program in the current
// directory with the current environment on an 80x24 terminal.
type Options struct {
	Dir  string    // working directory; "" is the caller's
	Env  []string  // environment; nil inherits the caller's
	Log  io.Writer // optional transcript of everything read and sent; secrets are masked
	Rows uint16    // terminal rows; 0 means 24
	Cols uint16    // terminal columns; 0 means 80
	// MaxBuffer caps the unconsumed output kept for matching; when more
	// arrives, the oldest bytes are dropped. 0 means 1 MiB.
	MaxBuffer int
}

// Session is one running program on a pty. Its methods are safe for
// concurrent use, but Expect calls are meant to be made from one
// goroutine: they consume the output in order.
type Session struct {
	cmd  *exec.Cmd
	pty  *os.File
	log  io.Writer
	max  int
	stop func() bool // stops the ctx watcher

	mu      sync.Mutex
	buf     []byte        // output read but not yet consumed by Expect
	eof     bool          // the reader has finished
	readErr error         // a read error other than EOF/EIO
	changed chan struct{} // closed and replaced whenever buf or eof changes

	logMu   sync.Mutex
	secrets [][]byte // sent with SendSecret; redacted from the transcript
	pending []byte   // output held back from the transcript until it cannot hide the start of a secret

	readerDone chan struct{}
	waitDone   chan struct{}
	waitErr    error

	closeOnce sync.Once
	closeErr  error
}

// Spawn starts name with args on a new pseudo-terminal, in a new session
// (so the program's process group can be killed as a whole). When ctx is
// done the program is killed as by Close.
func Spawn(ctx context.Context, name string, args []string, o Options) (*Session, error) {
	if name == "" {
		return nil, fmt.Errorf("expect: spawn: empty program name: %w", errs.ErrInvalidArgument)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("expect: spawn %s: %w", name, err)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = o.Dir
	cmd.Env = o.Env
	size := &pty.Winsize{Rows: o.Rows, Cols: o.Cols}
	if size.Rows == 0 {
		size.Rows = 24
	}
	if size.Cols == 0 {
		size.Cols = 80
	}
	f, err := pty.StartWithSize(cmd, size) // sets Setsid and Setctty
	if err != nil {
		return nil, fmt.Errorf("expect: spawn %s: %w", name, err)
	}
	s := &Session{
		cmd:        cmd,
		pty:        f,
		log:        o.Log,
		max:        o.MaxBuffer,
		changed:    make(chan struct{}),
		readerDone: make(chan struct{}),
		waitDone:   make(chan struct{}),
	}
	if s.max <= 0 {
		s.max = 1 << 20
	}
	go s.read()
	go func() {
		s.waitErr = cmd.Wait()
		close(s.waitDone)
	}()
	s.stop = context.AfterFunc(ctx, func() { s.killGroup() })
	return s, nil
}

// PID returns the program's process id.
func (s *Session) PID() int { return s.cmd.Process.Pid }

// read copies the pty's output into buf until EOF. On Linux, reading the
// master after the last holder of the slave has gone fails with EIO: that
// is the program's end of output, not an error.
func (s *Session) read() {
	defer close(s.readerDone)
	chunk := make([]byte, 32*1024)
	for {
		n, err := s.pty.Read(chunk)
		if n > 0 {
			s.logOutput(chunk[:n], false)
			s.mu.Lock()
			s.buf = append(s.buf, chunk[:n]...)
			if over := len(s.buf) - s.max; over > 0 {
				s.buf = append(s.buf[:0], s.buf[over:]...)
			}
			s.notifyLocked()
			s.mu.Unlock()
		}
		if err != nil {
			s.logOutput(nil, true)
			s.mu.Lock()
			s.eof = true
			if !errors.Is(err, io.EOF) && !errors.Is(err, syscall.EIO) && !errors.Is(err, os.ErrClosed) {
				s.readErr = err
			}
			s.notifyLocked()
			s.mu.Unlock()
			return
		}
	}
}

func (s *Session) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Session) writeLog(p []byte) {
	if s.log == nil {
		return
	}
	s.logMu.Lock()
	_, _ = s.log.Write(p)
	s.logMu.Unlock()
}

// mask is what the transcript shows in place of a secret.
var mask = []byte("********")

// logOutput copies program output to the transcript with every secret
// sent so far replaced by the mask, whether the program printed it or the
// terminal echoed it. Output is held back by up to the longest secret's
// length less one byte, so a secret split across two reads is still caught;
// final flushes what is held.
func (s *Session) logOutput(p []byte, final bool) {
	if s.log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.secrets) == 0 {
		if len(s.pending) > 0 {
			_, _ = s.log.Write(s.pending)
			s.pending = s.pending[:0]
		}
		_, _ = s.log.Write(p)
		return
	}
	s.pending = append(s.pending, p...)
	longest := 0
	for _, sec := range s.secrets {
		s.pending = bytes.ReplaceAll(s.pending, sec, mask)
		longest = max(longest, len(sec))
	}
	keep := longest - 1
	if final || len(s.pending) <= keep {
		if final {
			_, _ = s.log.Write(s.pending)
			s.pending = s.pending[:0]
		}
		return
	}
	cut := len(s.pending) - keep
	_, _ = s.log.Write(s.pending[:cut])
	s.pending = append(s.pending[:0], s.pending[cut:]...)
}

// Expect waits until the output matches one of patterns and returns the
// index of the pattern that matched, and the text before the match. The
// match that starts earliest in the output wins; at equal starts, the
// pattern listed first. Output up to the end of the match is consumed.
//
// A timeout of 0 or less checks the output already read without waiting.
// On timeout the error matches errs.ErrTimeout and nothing is consumed.
// When the program's output ends without a match the error is io.EOF and
// before holds the rest of the output, which is consumed.
func (s *Session) Expect(timeout time.Duration, patterns ...*regexp.Regexp) (index int, before string, err error) {
	if len(patterns) == 0 {
		return -1, "", fmt.Errorf("expect: no pattern given: %w", errs.ErrInvalidArgument)
	}
	for i, p := range patterns {
		if p == nil {
			return -1, "", fmt.Errorf("expect: pattern %d is nil: %w", i, errs.ErrInvalidArgument)
		}
	}
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	for {
		s.mu.Lock()
		best, bestLoc := -1, []int(nil)
		for i, p := range patterns {
			loc := p.FindIndex(s.buf)
			if loc != nil && (bestLoc == nil || loc[0] < bestLoc[0]) {
				best, bestLoc = i, loc
			}
		}
		if bestLoc != nil {
			before = string(s.buf[:bestLoc[0]])
			s.buf = s.buf[bestLoc[1]:]
			s.mu.Unlock()
			return best, before, nil
		}
		if s.eof {
			before = string(s.buf)
			s.buf = s.buf[:0]
			rerr := s.readErr
			s.mu.Unlock()
			if rerr != nil {
				return -1, before, fmt.Errorf("expect: read: %w", rerr)
			}
			return -1, before, io.EOF
		}
		changed := s.changed
		s.mu.Unlock()
		if timer == nil {
			return -1, "", fmt.Errorf("expect: no match for %s in output read so far: %w", describe(patterns), errs.ErrTimeout)
		}
		select {
		case <-changed:
		case <-timer:
			return -1, "", fmt.Errorf("expect: no match for %s within %v: %w", describe(patterns), timeout, errs.ErrTimeout)
		}
	}
}

func describe(patterns []*regexp.Regexp) string {
	if len(patterns) == 1 {
		return fmt.Sprintf("%q", patterns[0].String())
	}
	s := ""
	for i, p := range patterns {
		if i > 0 {
			s += " or "
		}
		s += fmt.Sprintf("%q", p.String())
	}
	return s
}

// ExpectEOF waits until the program's output ends and returns all output
// not yet consumed. On timeout the error matches errs.ErrTimeout and
// nothing is consumed.
func (s *Session) ExpectEOF(timeout time.Duration) (before string, err error) {
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	for {
		s.mu.Lock()
		if s.eof {
			before = string(s.buf)
			s.buf = s.buf[:0]
			rerr := s.readErr
			s.mu.Unlock()
			if rerr != nil {
				return before, fmt.Errorf("expect: read: %w", rerr)
			}
			return before, nil
		}
		changed := s.changed
		s.mu.Unlock()
		if timer == nil {
			return "", fmt.Errorf("expect: output has not ended: %w", errs.ErrTimeout)
		}
		select {
		case <-changed:
		case <-timer:
			return "", fmt.Errorf("expect: output did not end within %v: %w", timeout, errs.ErrTimeout)
		}
	}
}

// Send writes text to the program's terminal as typed.
func (s *Session) Send(text string) error {
	return s.send(text, text)
}

// SendLine writes text followed by a newline.
func (s *Session) SendLine(text string) error {
	return s.send(text+"\n", text+"\n")
}

// SendSecret writes line followed by a newline, like SendLine, but the
// transcript in Options.Log shows "********" instead of the text, and
// from then on also wherever the program prints or echoes it.
func (s *Session) SendSecret(line string) error {
	if line != "" {
		s.logMu.Lock()
		s.secrets = append(s.secrets, []byte(line))
		s.logMu.Unlock()
	}
	return s.send(line+"\n", "********\n")
}

func (s *Session) send(text, logged string) error {
	select {
	case <-s.waitDone:
		return fmt.Errorf("expect: send: program has exited: %w", errs.ErrClosed)
	default:
	}
	if _, err := io.WriteString(s.pty, text); err != nil {
		return fmt.Errorf("expect: send: %w", err)
	}
	s.writeLog([]byte(logged))
	return nil
}

// Wait waits for the program to exit and returns its exit status: the
// exit code, or -N when it was killed by signal N. err is non-nil only
// when the status could not be obtained.
func (s *Session) Wait() (exitStatus int, err error) {
	<-s.waitDone
	return status(s.cmd, s.waitErr)
}

func status(cmd *exec.Cmd, waitErr error) (int, error) {
	ps := cmd.ProcessState
	if ps == nil {
		return -1, fmt.Errorf("expect: wait: %w", waitErr)
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int(ws.Signal()), nil
	}
	return ps.ExitCode(), nil
}

// Close kills the program's process group (if it is still running),
// reaps it and closes the terminal. It is safe to call more than once and
// returns the first close's error.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		s.stop()
		select {
		case <-s.waitDone:
		default:
			s.killGroup()
		}
		<-s.waitDone
		s.closeErr = s.pty.Close()
		<-s.readerDone
	})
	return s.closeErr
}

// killGroup sends SIGKILL to the program's process group; the program is
// its session and group leader (Setsid), so the group id is its pid.
func (s *Session) killGroup() {
	pid := s.cmd.Process.Pid
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil {
		_ = s.cmd.Process.Kill()
	}
}
