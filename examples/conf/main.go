// Command conf shows util/conf, the Go port of CUP's cup.util.conf: it
// writes a sample configuration file to a temporary directory, parses
// it, reads values, decodes it into a struct, changes it and writes it
// back.
//
//	go run ./examples/conf
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/util/conf"
)

const sample = `# service configuration
name: demo            # inline comments are cut from unquoted values
path: "/opt/demo # kept, because the value is quoted"
@peer: 10.0.0.1
@peer: 10.0.0.2

[server]
    port: 8080
    read_timeout: 5s
    [.@listener]
        proto: tcp
    [.@listener]
        proto: udp
[client]
    retries: 3
$include "common.conf"
`

const common = `[log]
    level: info
`

// Config is what the program wants from the file.
type Config struct {
	Name   string   `conf:"name"`
	Path   string   `conf:"path"` // the decoder drops the quotes CUP keeps
	Peers  []string `conf:"peer"`
	Server struct {
		Port        int           `conf:"port"`
		ReadTimeout time.Duration `conf:"read_timeout"`
		Listeners   []struct {
			Proto string `conf:"proto"`
		} `conf:"listener"`
	} `conf:"server"`
	Client struct {
		Retries int `conf:"retries,required"`
	} `conf:"client"`
}

func main() {
	dir, err := os.MkdirTemp("", "conf-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "service.conf")
	if err := os.WriteFile(path, []byte(sample), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "common.conf"), []byte(common), 0o644); err != nil {
		log.Fatal(err)
	}

	// 1. Parse (CUP: Configure2Dict(path).get_dict()). $include is relative
	// to the including file.
	s, err := conf.ParseFile(path)
	if err != nil {
		log.Fatal(err)
	}
	name, _ := s.Get("name")
	quoted, _ := s.Get("path")
	peers, _ := s.GetList("peer")
	port, _ := s.Lookup("server", "port")
	fmt.Println("name:", name)
	fmt.Println("path (raw, quotes kept as CUP does):", quoted)
	fmt.Println("peers:", peers)
	fmt.Println("server.port:", port.Value, "defined on line", port.Line)
	for _, inc := range s.Includes() {
		level, _ := inc.Conf.Lookup("log", "level")
		fmt.Printf("include %s: log.level=%s\n", inc.Path, level.Value)
	}
	js, _ := s.MarshalJSON()
	fmt.Println("as JSON:", string(js))

	// 2. Decode into a struct.
	var cfg Config
	if err := s.Decode(&cfg); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("decoded: %s %s %v port=%d timeout=%v listeners=%d retries=%d\n",
		cfg.Name, cfg.Path, cfg.Peers, cfg.Server.Port, cfg.Server.ReadTimeout,
		len(cfg.Server.Listeners), cfg.Client.Retries)

	// 3. Change it and write it back (CUP: Dict2Configure(d).write_conf(path)).
	server, _ := s.GetSection("server")
	if err := server.Set("port", "9090"); err != nil {
		log.Fatal(err)
	}
	l, err := server.AppendSection("listener")
	if err != nil {
		log.Fatal(err)
	}
	if err := l.Set("proto", "unix"); err != nil {
		log.Fatal(err)
	}
	if err := conf.WriteFile(path, s, conf.WriteComments()); err != nil {
		log.Fatal(err)
	}
	out, _ := os.ReadFile(path)
	fmt.Printf("written back:\n%s", out)

	// 4. Errors carry the file and line.
	bad := filepath.Join(dir, "bad.conf")
	os.WriteFile(bad, []byte("ok: 1\n[server]\nmy port: 80\n"), 0o644)
	_, err = conf.ParseFile(bad)
	var pe *errs.ParseError
	if errors.As(err, &pe) && errors.Is(err, conf.ErrKeyFormat) {
		fmt.Printf("error at %s line %d: %q\n", filepath.Base(pe.File), pe.Line, pe.Text)
	}
}
