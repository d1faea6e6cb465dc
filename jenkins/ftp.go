package jenkins

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FTPConfig locates the FTP server that holds build artifacts (CUP
// enable_ftp). Port 0 means 21. The password is never put into URLs or
// errors.
type FTPConfig struct {
	Host, User, Password string
	Port                 int
	// Timeout bounds connecting and each FTP command; 0 means 30 s.
	Timeout time.Duration
}

// WithFTP records where FTP artifacts live.
func WithFTP(cfg FTPConfig) Option {
	return func(c *Client) error {
		if cfg.Host == "" || cfg.Port < 0 || cfg.Port > 65535 {
			return wrapf(ErrBadParam, nil, "FTP host %q port %d", cfg.Host, cfg.Port)
		}
		c.ftp = &cfg
		return nil
	}
}

// SetFTP changes the FTP configuration (CUP enable_ftp). It must not be
// called while FTP artifacts are being read.
func (c *Client) SetFTP(cfg FTPConfig) error { return WithFTP(cfg)(c) }

// FTPArtifacts is an FTP connection to the artifact tree (CUP
// FTPArtifacts). Unlike CUP, which opened one connection per tree node,
// it reuses a single connection for the whole tree. The root is the FTP
// login directory: nothing is derived from the job or build, callers
// navigate with Open. Methods are safe for concurrent use (they take
// turns on the connection). Close it when done.
type FTPArtifacts struct {
	mu      sync.Mutex
	conn    net.Conn
	text    *textproto.Conn
	host    string
	timeout time.Duration
	mlsd    bool // server supports MLSD
}

// FTPNode is a file or directory of the artifact tree.
type FTPNode struct {
	a     *FTPArtifacts
	Name  string // last path element ("" for the root)
	Path  string // path from the login directory, "" for the root
	IsDir bool
}

// FTPArtifacts connects to the FTP server configured with WithFTP and
// logs in. Without WithFTP it is ErrFTP; a running build ErrNotStopped;
// a login failure ErrFTP.
func (b *Build) FTPArtifacts(ctx context.Context) (*FTPArtifacts, error) {
	if b.c.ftp == nil {
		return nil, wrapf(ErrFTP, nil, "cannot connect to ftp server before WithFTP")
	}
	running, err := b.IsRunning(ctx)
	if err != nil {
		return nil, err
	}
	if running {
		return nil, wrapf(ErrNotStopped, nil, "%s", b.URL)
	}
	return dialFTP(ctx, *b.c.ftp)
}

func dialFTP(ctx context.Context, cfg FTPConfig) (*FTPArtifacts, error) {
	port := cfg.Port
	if port == 0 {
		port = 21
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(port))
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, wrapf(ErrFTP, err, "connect %s", addr)
	}
	a := &FTPArtifacts{conn: conn, text: textproto.NewConn(conn), host: cfg.Host, timeout: timeout}
	fail := func(err error, what string) (*FTPArtifacts, error) {
		_ = a.text.Close()
		return nil, wrapf(ErrFTP, err, "%s on %s", what, addr)
	}
	stop := a.watch(ctx)
	defer stop()
	if _, _, err := a.text.ReadResponse(220); err != nil {
		return fail(err, "greeting")
	}
	user := cfg.User
	if user == "" {
		user = "anonymous"
	}
	code, _, err := a.cmd(0, "USER %s", user)
	if err != nil {
		return fail(err, "USER")
	}
	if code == 331 {
		if _, _, err := a.cmd(230, "PASS %s", cfg.Password); err != nil {
			return fail(err, fmt.Sprintf("login as %q", user))
		}
	} else if code != 230 {
		return fail(&textproto.Error{Code: code, Msg: "unexpected reply to USER"}, "USER")
	}
	if _, _, err := a.cmd(200, "TYPE I"); err != nil {
		return fail(err, "TYPE I")
	}
	if _, msg, err := a.cmd(211, "FEAT"); err == nil {
		a.mlsd = strings.Contains(strings.ToUpper(msg), "MLSD")
	}
	return a, nil
}

// watch applies ctx and the command timeout to the control connection
// until the returned stop is called.
func (a *FTPArtifacts) watch(ctx context.Context) func() {
	d := time.Now().Add(a.timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(d) {
		d = dl
	}
	_ = a.conn.SetDeadline(d)
	stop := context.AfterFunc(ctx, func() { _ = a.conn.SetDeadline(time.Unix(1, 0)) })
	return func() { stop(); _ = a.conn.SetDeadline(time.Time{}) }
}

// cmd sends a command and reads the reply; expect 0 accepts any code.
func (a *FTPArtifacts) cmd(expect int, format string, args ...any) (int, string, error) {
	id, err := a.text.Cmd(format, args...)
	if err != nil {
		return 0, "", err
	}
	a.text.StartResponse(id)
	defer a.text.EndResponse(id)
	return a.text.ReadResponse(expect)
}

// Close quits and closes the connection.
func (a *FTPArtifacts) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	_ = a.conn.SetDeadline(time.Now().Add(a.timeout))
	_, _, _ = a.cmd(221, "QUIT")
	return a.text.Close()
}

// Root returns the login directory.
func (a *FTPArtifacts) Root() *FTPNode { return &FTPNode{a: a, IsDir: true} }

// Open finds the node at path ("a/b/c", relative to the login directory)
// by listing each directory on the way; a missing element is
// ErrNoArtifacts.
func (a *FTPArtifacts) Open(ctx context.Context, path string) (*FTPNode, error) {
	n := a.Root()
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if seg == "" {
			continue
		}
		if !n.IsDir {
			return nil, wrapf(ErrNoArtifacts, nil, "%s is a file", n.Path)
		}
		kids, err := n.Children(ctx)
		if err != nil {
			return nil, err
		}
		var next *FTPNode
		for _, k := range kids {
			if k.Name == seg {
				next = k
			}
		}
		if next == nil {
			return nil, wrapf(ErrNoArtifacts, nil, "no %q in %q", seg, n.Path)
		}
		n = next
	}
	return n, nil
}

// String returns the node's path (CUP str()).
func (n *FTPNode) String() string { return n.Path }

// Children lists a directory (MLSD when the server has it, else LIST).
// Entries whose names could escape a local directory ("..", names with
// "/" or "\") are dropped.
func (n *FTPNode) Children(ctx context.Context) ([]*FTPNode, error) {
	if !n.IsDir {
		return nil, wrapf(ErrNoArtifacts, nil, "%s is not a directory", n.Path)
	}
	a := n.a
	a.mu.Lock()
	defer a.mu.Unlock()
	var lines []string
	err := a.transfer(ctx, func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
		}
		return sc.Err()
	}, a.listCmd(), n.Path)
	if err != nil {
		return nil, wrapf(ErrFTP, err, "list %q", n.Path)
	}
	var out []*FTPNode
	for _, l := range lines {
		name, dir, ok := parseListLine(l, a.mlsd)
		if !ok || !safeName(name) {
			continue
		}
		p := name
		if n.Path != "" {
			p = n.Path + "/" + name
		}
		out = append(out, &FTPNode{a: a, Name: name, Path: p, IsDir: dir})
	}
	return out, nil
}

func (a *FTPArtifacts) listCmd() string {
	if a.mlsd {
		return "MLSD"
	}
	return "LIST"
}

func safeName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\\\x00")
}

// parseListLine parses one MLSD fact line or one Unix LIST line.
func parseListLine(l string, mlsd bool) (name string, dir, ok bool) {
	if mlsd {
		facts, name, found := strings.Cut(l, " ")
		if !found {
			return "", false, false
		}
		for _, f := range strings.Split(facts, ";") {
			k, v, _ := strings.Cut(f, "=")
			if strings.EqualFold(k, "type") {
				switch strings.ToLower(v) {
				case "dir":
					return name, true, true
				case "file":
					return name, false, true
				default: // cdir, pdir, OS.unix=symlink...
					return "", false, false
				}
			}
		}
		return name, false, true
	}
	// drwxr-xr-x 2 user group 4096 Jan  1 00:00 name with spaces
	fields := strings.Fields(l)
	if len(fields) < 9 || strings.HasPrefix(l, "total ") {
		return "", false, false
	}
	// Re-find the name after the eighth field, keeping inner spaces.
	rest := l
	for i := 0; i < 8; i++ {
		rest = strings.TrimLeft(rest, " ")
		j := strings.IndexByte(rest, ' ')
		if j < 0 {
			return "", false, false
		}
		rest = rest[j:]
	}
	name = strings.TrimLeft(rest, " ")
	if l[0] == 'l' {
		name, _, _ = strings.Cut(name, " -> ")
	}
	return name, l[0] == 'd', true
}

// transfer opens a passive data connection, sends cmd, hands the data to
// consume and reads the final reply.
func (a *FTPArtifacts) transfer(ctx context.Context, consume func(io.Reader) error, cmd, arg string) error {
	stop := a.watch(ctx)
	defer stop()
	port, err := a.passive()
	if err != nil {
		return err
	}
	d := net.Dialer{Timeout: a.timeout}
	data, err := d.DialContext(ctx, "tcp", net.JoinHostPort(a.host, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	defer data.Close()
	dstop := context.AfterFunc(ctx, func() { _ = data.SetDeadline(time.Unix(1, 0)) })
	defer dstop()
	line := cmd
	if arg != "" {
		line += " " + arg
	}
	id, err := a.text.Cmd("%s", line)
	if err != nil {
		return err
	}
	a.text.StartResponse(id)
	defer a.text.EndResponse(id)
	if _, _, err := a.text.ReadResponse(1); err != nil {
		return err
	}
	cerr := consume(data)
	_ = data.Close()
	if _, _, err := a.text.ReadResponse(2); err != nil {
		return err
	}
	if cerr != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return cerr
}

// passive asks for a data port: EPSV, else PASV. The data connection goes
// to the control connection's host whatever PASV says (a server cannot
// point us elsewhere).
func (a *FTPArtifacts) passive() (int, error) {
	if _, msg, err := a.cmd(229, "EPSV"); err == nil {
		// 229 Entering Extended Passive Mode (|||6446|)
		i, j := strings.Index(msg, "(|||"), strings.LastIndex(msg, "|)")
		if i >= 0 && j > i+4 {
			if p, err := strconv.Atoi(msg[i+4 : j]); err == nil {
				return p, nil
			}
		}
	}
	_, msg, err := a.cmd(227, "PASV")
	if err != nil {
		return 0, err
	}
	i, j := strings.IndexByte(msg, '('), strings.IndexByte(msg, ')')
	if i < 0 || j < i {
		return 0, fmt.Errorf("bad PASV reply %q", msg)
	}
	nums := strings.Split(msg[i+1:j], ",")
	if len(nums) != 6 {
		return 0, fmt.Errorf("bad PASV reply %q", msg)
	}
	hi, err1 := strconv.Atoi(strings.TrimSpace(nums[4]))
	lo, err2 := strconv.Atoi(strings.TrimSpace(nums[5]))
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad PASV reply %q", msg)
	}
	return hi<<8 | lo, nil
}

// Download copies the node into dir: a file becomes dir/NAME, a directory
// dir/NAME/... recursively (the root's files go into dir itself). All
// transfers share the one connection.
func (n *FTPNode) Download(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return wrapf(ErrFTP, err, "create %s", dir)
	}
	if !n.IsDir {
		return n.download(ctx, filepath.Join(dir, n.Name))
	}
	target := dir
	if n.Name != "" {
		target = filepath.Join(dir, n.Name)
		if err := os.MkdirAll(target, 0o755); err != nil {
			return wrapf(ErrFTP, err, "create %s", target)
		}
	}
	kids, err := n.Children(ctx)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if err := k.Download(ctx, target); err != nil {
			return err
		}
	}
	return nil
}

func (n *FTPNode) download(ctx context.Context, dest string) error {
	if !safeName(n.Name) {
		return wrapf(ErrFTP, nil, "refusing to write artifact named %q", n.Name)
	}
	f, err := os.Create(dest)
	if err != nil {
		return wrapf(ErrFTP, err, "create %s", dest)
	}
	n.a.mu.Lock()
	err = n.a.transfer(ctx, func(r io.Reader) error { _, err := io.Copy(f, r); return err }, "RETR", n.Path)
	n.a.mu.Unlock()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(dest)
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return wrapf(ErrFTP, err, "download %q", n.Path)
	}
	return nil
}
