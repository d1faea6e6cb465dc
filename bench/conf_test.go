package bench

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/cupgo/cup/util/conf"
	"gopkg.in/ini.v1"
)

// The conf benchmark parses one generated file of 10 000 lines, from
// memory, into each library's tree. The two files hold the same content
// in each format: 100 sections, each with a comment line, a header, 79
// key/value lines (some with an inline comment), 10 repeated keys (cup
// "@disk" string-array lines; ini.v1 shadowed keys with AllowShadows), a
// child section ([.sub] / [secN.sub]) with 7 keys, and a blank line. Both
// report MB/s of input.

const confSections = 100

// confInputs returns the cup text and the equivalent ini text.
func confInputs() (cupText, iniText []byte) {
	var c, i bytes.Buffer
	for s := 0; s < confSections; s++ {
		fmt.Fprintf(&c, "# section %d\n[sec%d]\n", s, s)
		fmt.Fprintf(&i, "# section %d\n[sec%d]\n", s, s)
		for k := 0; k < 79; k++ {
			comment := ""
			if k%10 == 0 {
				comment = "   # note"
			}
			fmt.Fprintf(&c, "    key_%d: value number %d for section %d%s\n", k, k, s, comment)
			fmt.Fprintf(&i, "    key_%d = value number %d for section %d%s\n", k, k, s, comment)
		}
		for d := 0; d < 10; d++ {
			fmt.Fprintf(&c, "    @disk: /home/disk%d/data\n", d)
			fmt.Fprintf(&i, "    disk = /home/disk%d/data\n", d)
		}
		fmt.Fprintf(&c, "    [.sub]\n")
		fmt.Fprintf(&i, "[sec%d.sub]\n", s)
		for k := 0; k < 7; k++ {
			fmt.Fprintf(&c, "        sub_%d: %d\n", k, k*s)
			fmt.Fprintf(&i, "        sub_%d = %d\n", k, k*s)
		}
		c.WriteString("\n")
		i.WriteString("\n")
	}
	return c.Bytes(), i.Bytes()
}

func BenchmarkConfParse(b *testing.B) {
	cupText, iniText := confInputs()
	if n := bytes.Count(cupText, []byte("\n")); n != 10000 || n != bytes.Count(iniText, []byte("\n")) {
		b.Fatalf("inputs have %d and %d lines, want 10000", n, bytes.Count(iniText, []byte("\n")))
	}
	b.Run("cup", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(cupText)))
		for b.Loop() {
			s, err := conf.Parse(bytes.NewReader(cupText))
			if err != nil {
				b.Fatal(err)
			}
			if s.Len() != confSections {
				b.Fatalf("%d sections", s.Len())
			}
		}
	})
	b.Run("ini", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(iniText)))
		for b.Loop() {
			f, err := ini.LoadSources(ini.LoadOptions{AllowShadows: true}, iniText)
			if err != nil {
				b.Fatal(err)
			}
			if n := len(f.Sections()); n != 2*confSections+1 {
				b.Fatalf("%d sections", n)
			}
		}
	})
}

// TestConfInputsEquivalent checks both parsers see the same values.
func TestConfInputsEquivalent(t *testing.T) {
	cupText, iniText := confInputs()
	s, err := conf.Parse(bytes.NewReader(cupText))
	if err != nil {
		t.Fatal(err)
	}
	f, err := ini.LoadSources(ini.LoadOptions{AllowShadows: true}, iniText)
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range []int{0, 57, confSections - 1} {
		name := fmt.Sprintf("sec%d", sec)
		for _, k := range []string{"key_0", "key_33"} {
			e, ok := s.Lookup(name, k)
			if !ok || e.Value != f.Section(name).Key(k).String() {
				t.Fatalf("%s.%s: cup %v ini %q", name, k, e, f.Section(name).Key(k).String())
			}
		}
		disks, _ := s.Lookup(name, "disk")
		if got := f.Section(name).Key("disk").ValueWithShadows(); strings.Join(got, ",") != strings.Join(disks.List, ",") {
			t.Fatalf("%s.disk: cup %q ini %q", name, disks.List, got)
		}
		sub, _ := s.Lookup(name, "sub", "sub_3")
		if sub.Value != f.Section(name+".sub").Key("sub_3").String() {
			t.Fatalf("%s.sub.sub_3 differs", name)
		}
	}
}
