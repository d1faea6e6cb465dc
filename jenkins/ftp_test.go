package jenkins_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cupgo/cup/internal/jenkinstest"
	"github.com/cupgo/cup/jenkins"
)

// ftpServer is a minimal passive-mode FTP server over an in-memory tree,
// enough for the artifact client: USER, PASS, TYPE, FEAT, EPSV, PASV,
// MLSD, LIST, RETR, QUIT.
type ftpServer struct {
	ln       net.Listener
	files    map[string]string // path -> content; directories are implied
	extra    map[string][]string
	user, pw string
	mlsd     bool
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    int
	open     []net.Conn
}

func startFTP(t *testing.T, files map[string]string, mlsd bool) *ftpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &ftpServer{ln: ln, files: files, user: "ci", pw: "secret", mlsd: mlsd, extra: map[string][]string{}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns++
			s.open = append(s.open, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.session(c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.open {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *ftpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *ftpServer) connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// entries lists the children of dir: name -> isDir.
func (s *ftpServer) entries(dir string) ([]string, map[string]bool) {
	kids := map[string]bool{}
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	for p := range s.files {
		if !strings.HasPrefix(p, prefix) {
			continue
		}
		rest := strings.TrimPrefix(p, prefix)
		name, _, more := strings.Cut(rest, "/")
		kids[name] = kids[name] || more
	}
	names := make([]string, 0, len(kids))
	for n := range kids {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, kids
}

func (s *ftpServer) session(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	reply := func(format string, args ...any) { fmt.Fprintf(c, format+"\r\n", args...) }
	reply("220 fake ftp")
	var user string
	authed := false
	var dataLn net.Listener
	defer func() {
		if dataLn != nil {
			dataLn.Close()
		}
	}()
	accept := func() net.Conn {
		if dataLn == nil {
			return nil
		}
		dc, err := dataLn.Accept()
		dataLn.Close()
		dataLn = nil
		if err != nil {
			return nil
		}
		return dc
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd, arg, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		switch strings.ToUpper(cmd) {
		case "USER":
			user = arg
			reply("331 password please")
		case "PASS":
			if user == s.user && arg == s.pw {
				authed = true
				reply("230 logged in")
			} else {
				reply("530 Login incorrect.")
			}
		case "QUIT":
			reply("221 bye")
			return
		default:
			if !authed {
				reply("530 Please login with USER and PASS.")
				continue
			}
			switch strings.ToUpper(cmd) {
			case "TYPE":
				reply("200 ok")
			case "FEAT":
				if s.mlsd {
					fmt.Fprintf(c, "211-Features:\r\n MLSD\r\n EPSV\r\n211 End\r\n")
				} else {
					fmt.Fprintf(c, "211-Features:\r\n PASV\r\n211 End\r\n")
				}
			case "EPSV", "PASV":
				if !s.mlsd && cmd == "EPSV" {
					reply("500 not understood")
					continue
				}
				dataLn, _ = net.Listen("tcp", "127.0.0.1:0")
				p := dataLn.Addr().(*net.TCPAddr).Port
				if cmd == "EPSV" {
					reply("229 Entering Extended Passive Mode (|||%d|)", p)
				} else {
					reply("227 Entering Passive Mode (10,0,0,99,%d,%d)", p>>8, p&255) // bogus IP on purpose
				}
			case "MLSD", "LIST":
				dc := accept()
				if dc == nil {
					reply("425 no data connection")
					continue
				}
				reply("150 listing")
				names, kids := s.entries(arg)
				if cmd == "MLSD" {
					fmt.Fprintf(dc, "type=cdir; .\r\ntype=pdir; ..\r\n")
				}
				for _, n := range names {
					if cmd == "MLSD" {
						typ := "file"
						if kids[n] {
							typ = "dir"
						}
						fmt.Fprintf(dc, "type=%s;size=1; %s\r\n", typ, n)
					} else {
						mode := "-rw-r--r--"
						if kids[n] {
							mode = "drwxr-xr-x"
						}
						fmt.Fprintf(dc, "%s 1 ci ci 10 Jan  1 00:00 %s\r\n", mode, n)
					}
				}
				for _, l := range s.extra[arg] {
					fmt.Fprintf(dc, "%s\r\n", l)
				}
				dc.Close()
				reply("226 done")
			case "RETR":
				content, ok := s.files[arg]
				if !ok {
					if dc := accept(); dc != nil {
						dc.Close()
					}
					reply("550 no such file")
					continue
				}
				dc := accept()
				if dc == nil {
					reply("425 no data connection")
					continue
				}
				reply("150 sending")
				fmt.Fprint(dc, content)
				dc.Close()
				reply("226 done")
			default:
				reply("502 not implemented")
			}
		}
	}
}

func TestFTPArtifacts(t *testing.T) {
	js := fake(t, jenkinstest.Options{BuildPolls: -1})
	js.AddJob("r", &jenkinstest.Job{Builds: []*jenkinstest.Build{{Number: 1, Result: "SUCCESS"}, {Number: 2, Building: true}}})
	files := map[string]string{
		"artifacts_path/top.txt":            "top",
		"artifacts_path/sub/inner.log":      "inner",
		"artifacts_path/sub/with space.txt": "spaced",
		"elsewhere/x":                       "x",
	}
	for _, mlsd := range []bool{true, false} {
		t.Run("mlsd="+strconv.FormatBool(mlsd), func(t *testing.T) {
			fs := startFTP(t, files, mlsd)
			fs.extra["artifacts_path/sub"] = []string{"type=file; ../../escape.txt", "-rw-r--r-- 1 ci ci 1 Jan  1 00:00 ../escape.txt"}
			c := client(t, js.URL, jenkins.WithFTP(jenkins.FTPConfig{Host: "127.0.0.1", Port: fs.port(), User: "ci", Password: "secret"}))
			j, _ := c.Job(ctx(t), "r")
			b, _ := j.Build(ctx(t), 1)
			af, err := b.FTPArtifacts(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			defer af.Close()
			node, err := af.Open(ctx(t), "artifacts_path")
			if err != nil || !node.IsDir || node.Path != "artifacts_path" {
				t.Fatalf("Open %v %v", node, err)
			}
			dir := t.TempDir()
			dest := filepath.Join(dir, "local")
			if err := node.Download(ctx(t), dest); err != nil {
				t.Fatal(err)
			}
			for p, want := range map[string]string{"artifacts_path/top.txt": "top", "artifacts_path/sub/inner.log": "inner", "artifacts_path/sub/with space.txt": "spaced"} {
				got, err := os.ReadFile(filepath.Join(dest, p))
				if err != nil || string(got) != want {
					t.Errorf("%s: %q %v", p, got, err)
				}
			}
			if _, err := os.Stat(filepath.Join(dest, "escape.txt")); err == nil {
				t.Error("../ name written")
			}
			if _, err := os.Stat(filepath.Join(dir, "escape.txt")); err == nil {
				t.Error("../../ name written")
			}
			if n := fs.connections(); n != 1 {
				t.Errorf("%d control connections, want 1", n)
			}
			if _, err := af.Open(ctx(t), "artifacts_path/nope"); !errors.Is(err, jenkins.ErrNoArtifacts) {
				t.Errorf("missing: %v", err)
			}
			leaf, err := af.Open(ctx(t), "artifacts_path/sub/inner.log")
			if err != nil || leaf.IsDir {
				t.Fatalf("leaf %v %v", leaf, err)
			}
			if err := leaf.Download(ctx(t), dir); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(filepath.Join(dir, "inner.log")); string(got) != "inner" {
				t.Errorf("leaf download %q", got)
			}
		})
	}
	t.Run("login failure", func(t *testing.T) {
		fs := startFTP(t, files, true)
		c := client(t, js.URL, jenkins.WithFTP(jenkins.FTPConfig{Host: "127.0.0.1", Port: fs.port(), User: "ci", Password: "wrong-pw"}))
		j, _ := c.Job(ctx(t), "r")
		b, _ := j.Build(ctx(t), 1)
		_, err := b.FTPArtifacts(ctx(t))
		if !errors.Is(err, jenkins.ErrFTP) || strings.Contains(err.Error(), "wrong-pw") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("cancelled ctx", func(t *testing.T) {
		fs := startFTP(t, files, true)
		c := client(t, js.URL, jenkins.WithFTP(jenkins.FTPConfig{Host: "127.0.0.1", Port: fs.port(), User: "ci", Password: "secret"}))
		j, _ := c.Job(ctx(t), "r")
		b, _ := j.Build(ctx(t), 1)
		af, err := b.FTPArtifacts(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		defer af.Close()
		cctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := af.Root().Children(cctx); err == nil {
			t.Error("listing with a cancelled ctx succeeded")
		}
	})
}
