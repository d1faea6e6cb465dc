// Package expect drives interactive programs through a pseudo-terminal,
// the way CUP's cup.shell.expect drove ssh and scp through pexpect.
//
// Most remote work should use shell/remote, which speaks SSH natively.
// expect is for programs that truly need a terminal: a password prompt
// that reads /dev/tty, an installer that asks questions, or the real
// ssh/scp binaries when ~/.ssh/config must be honoured.
//
//	s, err := expect.Spawn(ctx, "ssh", []string{"user@host", "uptime"}, expect.Options{})
//	if err != nil { ... }
//	defer s.Close()
//	if _, _, err := s.Expect(10*time.Second, regexp.MustCompile(`(?i)password:`)); err != nil { ... }
//	s.SendSecret(password) // masked in the Options.Log transcript
//	out, err := s.ExpectEOF(time.Minute)
//	status, err := s.Wait()
//
// Every call that waits has a timeout; a timeout returns an error matching
// errs.ErrTimeout. The end of the program's output is io.EOF (the EIO a
// Linux pty reports once the child has exited counts as EOF). Close kills
// the program's whole process group and reaps it.
//
// CUP names: pexpect.spawn → Spawn; expect → Session.Expect; sendline →
// Session.SendLine; the password dialogues of go_ex/go_with_scp → Expect
// plus SendSecret (CUP echoed passwords into its logs; SendSecret never
// does).
package expect
