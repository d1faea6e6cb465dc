//go:build interop

// HadoopXML against CUP 3.2.7's HdfsXmlConf (Python 3): generated Hadoop
// XML files are read by both, then edited by both with the same changes
// (values replaced, properties dropped, new ones added); every file, edited
// by either side, must read the same on both sides. Built with -tags
// interop, run by scripts/interop-cup.sh (see interop_cup_test.go).

package conf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cupgo/cup/internal/cupinterop"
)

// cupHadoopOracle: "items" prints get_items() of each file named on stdin
// as a JSON line; "write" reads lines "FILE<TAB>JSON-kvs" and applies
// write_conf(kvs) to each file.
const cupHadoopOracle = `
import json, sys
from cup.util import conf
for line in sys.stdin:
    line = line.rstrip('\n')
    if sys.argv[3] == 'items':
        print(json.dumps(conf.HdfsXmlConf(line).get_items(), sort_keys=True))
    else:
        path, kvs = line.split('\t', 1)
        conf.HdfsXmlConf(path).write_conf(json.loads(kvs))
        print('ok')
    sys.stdout.flush()
`

type hadoopGen struct{ r *rand.Rand }

func (g hadoopGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

// text is element content as written in the file; it is never empty (an
// empty element is written as such by the caller).
func (g hadoopGen) text() string {
	return g.pick("3", "true", "/data/hadoop/dfs", "a &amp; b", "x &lt; y", "hdfs://nn:8020",
		"<![CDATA[raw <text> & more]]>", "  padded  ", "é中文", "a,b,c", "&quot;q&quot; &apos;s&apos;")
}

func (g hadoopGen) file() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n")
	if g.r.IntN(3) == 0 {
		b.WriteString(`<?xml-stylesheet type="text/xsl" href="configuration.xsl"?>` + "\n<!-- site config -->\n")
	}
	b.WriteString("<configuration>\n")
	used := map[string]bool{}
	for range 1 + g.r.IntN(8) {
		name := g.pick("dfs.replication", "dfs.name.dir", "fs.default.name", "dfs.block.size",
			"mapred.job.tracker", "hadoop.tmp.dir", "io.file.buffer.size", "dfs.permissions")
		if used[name] {
			continue // CUP keeps the last of duplicates, which the port also does; keep files simple
		}
		used[name] = true
		b.WriteString("  <property>\n    <name>" + name + "</name>\n")
		switch g.r.IntN(5) {
		case 0:
			b.WriteString("    <value/>\n")
		case 1:
			b.WriteString("    <value></value>\n")
		default:
			b.WriteString("    <value>" + g.text() + "</value>\n")
		}
		switch g.r.IntN(3) {
		case 0:
		case 1:
			b.WriteString("    <description>" + g.text() + "</description>\n")
		default:
			b.WriteString("    <description/>\n")
		}
		b.WriteString("  </property>\n")
	}
	b.WriteString("</configuration>\n")
	return []byte(b.String())
}

type cupProp struct {
	Value       *string `json:"value"`
	Description *string `json:"description"`
}

func TestInteropCUPHadoopXML(t *testing.T) {
	env := cupinterop.Setup(t, "cup/util/conf.py")
	src, stubs, dir, python := env.Src, env.Stubs, env.Dir, env.Python3
	script := env.Script(t, "oracle.py", cupHadoopOracle)
	oracle := func(mode string, lines []string) []string {
		t.Helper()
		cmd := exec.Command(python, script, src, stubs, mode)
		cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("CUP oracle %s: %v\n%s", mode, err, stderr.Bytes())
		}
		var res []string
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			res = append(res, sc.Text())
		}
		if len(res) != len(lines) {
			t.Fatalf("CUP oracle %s answered %d of %d", mode, len(res), len(lines))
		}
		return res
	}
	ours := func(path string) map[string]cupProp {
		t.Helper()
		h, err := LoadHadoopXML(path)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		out := map[string]cupProp{}
		for k, v := range h.Items() {
			out[k] = cupProp(v)
		}
		return out
	}
	theirs := func(paths []string) []map[string]cupProp {
		t.Helper()
		var res []map[string]cupProp
		for i, line := range oracle("items", paths) {
			var m map[string]cupProp
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("%s: CUP printed %q: %v", paths[i], line, err)
			}
			res = append(res, m)
		}
		return res
	}
	show := func(m map[string]cupProp) string {
		b, _ := json.Marshal(m)
		return string(b)
	}

	const n = 300
	g := hadoopGen{rand.New(rand.NewPCG(20261126, 11))}
	var orig, byCUP, byUs []string
	var edits []map[string]cupProp
	for i := range n {
		text := g.file()
		for _, set := range []*[]string{&orig, &byCUP, &byUs} {
			p := filepath.Join(dir, fmt.Sprintf("h%03d.%d.xml", i, len(*set)))
			if err := os.WriteFile(p, text, 0o644); err != nil {
				t.Fatal(err)
			}
			*set = append(*set, p)
		}
	}
	// Reading: both sides see the same items in every generated file.
	for i, m := range theirs(orig) {
		if o := ours(orig[i]); !reflect.DeepEqual(o, m) {
			text, _ := os.ReadFile(orig[i])
			t.Errorf("%s: items differ\n%s\ncup-go %s\nCUP    %s", filepath.Base(orig[i]), text, show(o), show(m))
		}
		// The same edit for both writers: keep some properties with a new
		// value, drop the others (commented out), add a new one. Values
		// are never nil here: CUP crashes on a nil value for a new name.
		edit := map[string]cupProp{}
		k := 0
		for name := range ours(orig[i]) {
			if k%3 != 2 {
				v := fmt.Sprintf("new-%d & <%s>", k, name)
				edit[name] = cupProp{Value: &v}
			}
			k++
		}
		nv, nd := "added value", "added by the test"
		edit[fmt.Sprintf("x.added.%d", i%4)] = cupProp{Value: &nv, Description: &nd}
		edits = append(edits, edit)
	}

	// Writing: CUP edits one copy, the port another.
	var lines []string
	for i, e := range edits {
		kvs, _ := json.Marshal(e)
		lines = append(lines, byCUP[i]+"\t"+string(kvs))
		items := map[string]HadoopProperty{}
		for k, v := range e {
			items[k] = HadoopProperty(v)
		}
		h, err := LoadHadoopXML(byUs[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := h.WriteItems(items); err != nil {
			t.Fatalf("%s: WriteItems: %v", filepath.Base(byUs[i]), err)
		}
	}
	oracle("write", lines)
	cupOfCUP, cupOfUs := theirs(byCUP), theirs(byUs)
	for i := range edits {
		a, b, c, d := ours(byCUP[i]), ours(byUs[i]), cupOfCUP[i], cupOfUs[i]
		if !reflect.DeepEqual(a, c) || !reflect.DeepEqual(b, d) || !reflect.DeepEqual(a, b) {
			text, _ := os.ReadFile(orig[i])
			t.Errorf("%s after the same edit:\n%s\nCUP-written, read by cup-go %s\nCUP-written, read by CUP    %s\nport-written, read by cup-go %s\nport-written, read by CUP    %s",
				filepath.Base(orig[i]), text, show(a), show(c), show(b), show(d))
		}
		if t.Failed() && i > 5 {
			break
		}
	}
	t.Logf("%d Hadoop XML files read alike, then edited alike by both writers", n)
}
