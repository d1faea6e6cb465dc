package conf_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cupgo/cup/errs"
	"github.com/cupgo/cup/util/conf"
)

func ExampleParse() {
	text := `host: abc.com   # inline comment
@disk: /home/disk1
@disk: /home/disk2
[server]
    port: 8080
    [.@listener]
        proto: tcp
    [.@listener]
        proto: udp
`
	s, err := conf.Parse(strings.NewReader(text))
	if err != nil {
		fmt.Println(err)
		return
	}
	host, _ := s.Get("host")
	disks, _ := s.GetList("disk")
	port, _ := s.Lookup("server", "port")
	server, _ := s.GetSection("server")
	listeners, _ := server.GetSections("listener")
	fmt.Println(host, disks, port.Value, len(listeners))
	// Output: abc.com [/home/disk1 /home/disk2] 8080 2
}

func ExampleParse_error() {
	_, err := conf.Parse(strings.NewReader("k: v\n[sec]\nmy key: 1\n"), conf.WithName("app.conf"))
	var pe *errs.ParseError
	if errors.As(err, &pe) && errors.Is(err, conf.ErrKeyFormat) {
		fmt.Println(pe.File, pe.Line, pe.Text)
	}
	// Output: app.conf 3 my key: 1
}

func ExampleMarshal() {
	s, _ := conf.Parse(strings.NewReader("[b]\nk: v\n[GLOBAL]\n@a: 1\nname: \"x # y\"\n"))
	if err := s.Set("added", "yes"); err != nil {
		fmt.Println(err)
	}
	out, _ := conf.Marshal(s)
	fmt.Print(string(out))
	// Output:
	// name:"x # y"
	// added:yes
	// @a:1
	// [b]
	//     k:v
}

func ExampleSection_MarshalJSON() {
	s, _ := conf.Parse(strings.NewReader("z: 1\n@a: x\n[m]\nk: v\n"))
	b, _ := s.MarshalJSON()
	fmt.Println(string(b))
	// Output: {"z":"1","a":["x"],"m":{"k":"v"}}
}

func ExampleUnmarshal() {
	var cfg struct {
		Host    string        `conf:"host"`
		Disks   []string      `conf:"disk"`
		Timeout time.Duration `conf:"timeout"`
		Server  struct {
			Port int `conf:"port"`
		} `conf:"server"`
	}
	text := "host: \"abc.com\"\ntimeout: 1m30s\n@disk: /d1\n@disk: /d2\n[server]\nport: 8080\n"
	if err := conf.Unmarshal([]byte(text), &cfg); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Host, cfg.Disks, cfg.Timeout, cfg.Server.Port)

	err := conf.Unmarshal([]byte("[server]\nport: http\n"), &cfg, conf.WithName("svc.conf"))
	fmt.Println(errors.Is(err, conf.ErrDecode))
	// Output:
	// abc.com [/d1 /d2] 1m30s 8080
	// true
}

func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "conf")
	defer os.RemoveAll(dir)
	path := dir + "/app.conf"
	s := &conf.Section{}
	s.Set("name", "demo")
	limits, _ := s.AppendSection("limit")
	limits.Set("max", "10")
	if err := conf.WriteFile(path, s); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output:
	// name:demo
	// [@limit]
	//     max:10
}

func ExampleLoadHadoopXML() {
	dir, _ := os.MkdirTemp("", "hadoop")
	defer os.RemoveAll(dir)
	path := dir + "/hdfs-site.xml"
	os.WriteFile(path, []byte(`<configuration>
  <property><name>dfs.replication</name><value>3</value></property>
  <property><name>dfs.old</name><value>x</value></property>
</configuration>`), 0o644)

	h, err := conf.LoadHadoopXML(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	items := h.Items()
	fmt.Println(*items["dfs.replication"].Value)

	two, desc := "2", "journal nodes"
	delete(items, "dfs.old") // commented out in the file
	items["dfs.replication"] = conf.HadoopProperty{Value: &two}
	items["dfs.journalnode.hosts"] = conf.HadoopProperty{Value: &two, Description: &desc}
	if err := h.WriteItems(items); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output:
	// 3
	// <?xml version="1.0"?>
	// <configuration>
	// 	<property>
	// 		<name>dfs.replication</name>
	// 		<value>2</value>
	// 	</property>
	// 	<!--<property><name>dfs.old</name><value>x</value></property>-->
	// 	<property>
	// 		<name>dfs.journalnode.hosts</name>
	// 		<value>2</value>
	// 		<description>journal nodes</description>
	// 	</property>
	// </configuration>
}
