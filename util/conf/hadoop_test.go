package conf

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cupgo/cup/errs"
)

const hdfsSite = `<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="configuration.xsl"?>
<!-- site settings -->
<configuration>
  <property>
    <name>dfs.replication</name>
    <value>3</value>
    <description>copies &amp; more</description>
  </property>
  <property>
    <name>dfs.empty</name>
    <value/>
  </property>
  <property>
    <name>dfs.old</name>
    <value>gone</value>
  </property>
</configuration>
`

func strp(s string) *string { return &s }

// TestHadoopXML is checklist item 21.
func TestHadoopXML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hdfs-site.xml")
	if err := os.WriteFile(path, []byte(hdfsSite), 0o640); err != nil {
		t.Fatal(err)
	}
	h, err := LoadHadoopXML(path)
	if err != nil {
		t.Fatal(err)
	}
	items := h.Items()
	if len(items) != 3 || *items["dfs.replication"].Value != "3" || *items["dfs.replication"].Description != "copies & more" ||
		items["dfs.empty"].Value != nil || items["dfs.empty"].Description != nil {
		t.Fatalf("items %+v", items)
	}
	err = h.WriteItems(map[string]HadoopProperty{
		"dfs.replication": {Value: strp("2"), Description: strp("ignored for existing")},
		"dfs.empty":       {Value: strp("filled")},
		"dfs.new":         {Value: strp("1"), Description: strp("added")},
		"dfs.bare":        {},
	})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	want := `<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="configuration.xsl"?>
<!-- site settings -->
<configuration>
	<property>
		<name>dfs.replication</name>
		<value>2</value>
		<description>copies &amp; more</description>
	</property>
	<property>
		<name>dfs.empty</name>
		<value>filled</value>
	</property>
	<!--<property><name>dfs.old</name><value>gone</value></property>-->
	<property>
		<name>dfs.bare</name>
		<value/>
		<description/>
	</property>
	<property>
		<name>dfs.new</name>
		<value>1</value>
		<description>added</description>
	</property>
</configuration>
`
	if string(first) != want {
		t.Fatalf("got\n%s\nwant\n%s", first, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	items = h.Items()
	if _, ok := items["dfs.old"]; ok || *items["dfs.new"].Description != "added" || items["dfs.bare"].Value != nil {
		t.Fatalf("after write: %+v", items)
	}
	// rewriting with the same items does not grow the file
	same := map[string]HadoopProperty{}
	for k, v := range items {
		same[k] = v
	}
	for i := 0; i < 3; i++ {
		if err := h.WriteItems(same); err != nil {
			t.Fatal(err)
		}
	}
	again, _ := os.ReadFile(path)
	if string(again) != string(first) {
		t.Fatalf("rewrite changed the file:\n%s", again)
	}
}

func TestHadoopXMLErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadHadoopXML(filepath.Join(dir, "none.xml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	if _, err := LoadHadoopXML(dir); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("directory: %v", err)
	}
	for name, text := range map[string]string{
		"unclosed": "<configuration>\n<property>\n",
		"mismatch": "<configuration>\n</property>\n",
		"noname":   "<configuration><property><value>1</value></property></configuration>",
		"deep":     strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300),
	} {
		p := filepath.Join(dir, name+".xml")
		os.WriteFile(p, []byte(text), 0o644)
		var pe *errs.ParseError
		if _, err := LoadHadoopXML(p); !errors.As(err, &pe) || !errors.Is(err, errs.ErrParse) || pe.File != p {
			t.Errorf("%s: %v", name, err)
		}
	}
	p := filepath.Join(dir, "noconf.xml")
	os.WriteFile(p, []byte("<other/>"), 0o644)
	h, err := LoadHadoopXML(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.WriteItems(map[string]HadoopProperty{"x": {}}); !errors.Is(err, errs.ErrInvalidArgument) {
		t.Errorf("no <configuration>: %v", err)
	}
}
