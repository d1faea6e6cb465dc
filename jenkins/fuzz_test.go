package jenkins

import (
	"strings"
	"testing"
)

// FuzzQueueLocation feeds arbitrary Location headers to the queue URL
// check: it must never panic, and whatever it accepts must be a positive
// id under the client's own base URL.
func FuzzQueueLocation(f *testing.F) {
	for _, s := range []string{"http://h/jenkins/queue/item/7/", "/jenkins/queue/item/12", "http://evil/jenkins/queue/item/1/",
		"http://h/jenkins/queue/item/-1/", "http://h/jenkins/queue/item/1/../../job/x", "%zz", "http://h/jenkins/queue/item/99999999999999999999/"} {
		f.Add(s)
	}
	c, err := New("http://h/jenkins")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, loc string) {
		id, u, err := c.queueIDFromURL(loc)
		if err != nil {
			return
		}
		if id <= 0 || !strings.HasPrefix(u, "http://h/jenkins/queue/item/") {
			t.Fatalf("accepted %q as id %d url %q", loc, id, u)
		}
	})
}

// FuzzListLine checks the FTP listing parser: no panic, and every name it
// returns is non-empty.
func FuzzListLine(f *testing.F) {
	for _, s := range []string{"type=dir;size=0; sub", "type=file; a b.txt", "type=cdir; .", "drwxr-xr-x 2 u g 4096 Jan  1 00:00 dir name",
		"lrwxrwxrwx 1 u g 4 Jan  1 00:00 link -> target", "total 12", "", "-rw 1"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, line string, mlsd bool) {
		name, _, ok := parseListLine(line, mlsd)
		if ok && name == "" && !mlsd {
			t.Fatalf("empty name from %q", line)
		}
		if ok && safeName(name) && strings.ContainsAny(name, "/\\") {
			t.Fatalf("unsafe name %q passed", name)
		}
	})
}
