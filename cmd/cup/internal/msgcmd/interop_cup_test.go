//go:build interop

// "cup msg" against Baidu's own CUP: a CUP 3.2.7 message center (Python
// 2.7) sends to "cup msg serve" and gets every message back, and "cup msg
// send --wait" gets its answers from a CUP echo center. CUP's source is not
// part of this repository, so the test is built only with -tags interop
// (scripts/interop-cup.sh).

package msgcmd_test

import (
	"bufio"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cupgo/cup/internal/cupinterop"
)

// cupMsgPeer, in "send" mode, posts n messages to argv[5] and prints
// "echoed K" once K of them came back unchanged (or after 20 s); in "echo"
// mode it answers every message as "cup msg serve" does, prints "ready",
// and exits after n.
const cupMsgPeer = `
import os, sys, threading, time
from cup.net.asyn import msgcenter, msg as amsg

mode, port, n = sys.argv[3], int(sys.argv[4]), int(sys.argv[6])
ip = '127.0.0.1'
got = []

class Peer(msgcenter.IMessageCenter):
    def handle(self, m):
        if mode == 'send':
            got.append((m.get_uniq_id(), m.get_msg_type(), m.get_body()))
            return
        echo(self, m, ip, port)
        got.append(1)

peer = Peer(ip, port)

def drive():
    time.sleep(0.5)
    if mode == 'echo':
        print('ready'); sys.stdout.flush()
    else:
        dst = sys.argv[5].split(':')
        for i in range(n):
            m = amsg.CNetMsg(is_postmsg=True)
            m.set_from_addr((ip, port), (0, 0))
            m.set_to_addr((dst[0], int(dst[1])), (0, 0))
            m.set_flag(amsg.MSG_FLAG2NUM['FLAG_NORMAL'])
            m.set_msg_type(3)
            m.set_uniq_id(0xabc000 + i)
            m.set_body('py %d' % i)
            peer.post_msg(m)
    deadline = time.time() + 20
    while len(got) < n and time.time() < deadline:
        time.sleep(0.05)
        kick(peer)
    if mode == 'send':
        ok = sorted(got) == [(0xabc000 + i, 3, 'py %d' % i) for i in range(n)]
        print('echoed %d %s' % (len(got), 'exact' if ok else 'differ'))
    sys.stdout.flush()
    for _ in range(10):  # let the last answers leave
        time.sleep(0.05)
        kick(peer)
    finish(peer)

serve(peer, drive)
`

func TestInteropCUPMsg(t *testing.T) {
	env := cupinterop.Setup(t, "cup/net/asyn/msgcenter.py")
	script := env.Script(t, "peer.py", cupMsgPeer)
	const n = 20

	// CUP sends to "cup msg serve".
	addr := serve(t)
	out := cupinterop.Output(t, env.Command(env.Python2, script, "send", strconv.Itoa(cupinterop.FreePort(t)), addr, strconv.Itoa(n)))
	if got := strings.TrimSpace(string(out)); got != "echoed 20 exact" {
		t.Errorf("CUP sender: %q, want every message back unchanged", got)
	}

	// "cup msg send" to a CUP echo center.
	port := cupinterop.FreePort(t)
	cmd := env.Command(env.Python2, script, "echo", strconv.Itoa(port), "-", strconv.Itoa(n))
	stdout, stderr := cupinterop.Start(t, cmd)
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		ready <- sc.Scan() && sc.Text() == "ready"
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("CUP echo center did not start: %s", stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("CUP echo center did not start")
	}
	code, got, errOut := run("msg", "send", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:"+strconv.Itoa(port),
		"--count", strconv.Itoa(n), "--type", "5", "--body", "from cup msg send", "--wait", "30s")
	if code != 0 || got != "answered 20/20\n" {
		t.Errorf("cup msg send: exit %d, %q, %q", code, got, errOut)
	}
}
