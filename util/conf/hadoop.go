package conf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cupgo/cup/errs"
)

// HadoopProperty is one <property> of a Hadoop *-site.xml file. A nil
// field means the element is missing or empty.
type HadoopProperty struct {
	Value       *string
	Description *string
}

// HadoopXML edits a Hadoop configuration file (CUP HdfsXmlConf):
//
//	<configuration>
//	  <property><name>dfs.replication</name><value>3</value></property>
//	</configuration>
//
// Every call reads the file again, as CUP did. A HadoopXML is safe for
// concurrent use, but concurrent WriteItems calls race on the file.
type HadoopXML struct {
	path string
}

// maxHadoopXML caps the size of a file LoadHadoopXML reads.
const maxHadoopXML = 64 << 20

// LoadHadoopXML checks that path is a readable, well-formed Hadoop XML
// file and returns an editor for it. A missing file gives an error
// matching fs.ErrNotExist, a directory one matching
// errs.ErrInvalidArgument, malformed XML an *errs.ParseError.
func LoadHadoopXML(path string) (*HadoopXML, error) {
	h := &HadoopXML{path: path}
	if _, err := h.load(); err != nil {
		return nil, err
	}
	return h, nil
}

// Items returns every property by name (CUP get_items). If the file can
// no longer be read or parsed, Items returns nil (LoadHadoopXML reports why).
func (h *HadoopXML) Items() map[string]HadoopProperty {
	doc, err := h.load()
	if err != nil {
		return nil
	}
	out := map[string]HadoopProperty{}
	for _, p := range doc.findAll("property") {
		name := p.find("name")
		out[name.textContent()] = HadoopProperty{Value: optText(p.find("value")), Description: optText(p.find("description"))}
	}
	return out
}

// WriteItems rewrites the file from items (CUP write_conf): an existing
// property named in items gets the new value (a nil Value leaves it
// alone; its description is never changed); an existing property not in
// items is commented out (its XML kept in an XML comment); names not in
// the file are appended to <configuration>, in sorted order, with empty
// <value/> or <description/> elements for nil fields (CUP crashed). The
// file is re-indented with TABs, so repeated rewrites do not grow it,
// and replaced atomically.
func (h *HadoopXML) WriteItems(items map[string]HadoopProperty) error {
	doc, err := h.load()
	if err != nil {
		return err
	}
	pending := make(map[string]HadoopProperty, len(items))
	for k, v := range items {
		pending[k] = v
	}
	for _, p := range doc.findAll("property") {
		name := p.find("name").textContent()
		it, ok := pending[name]
		if !ok {
			var b bytes.Buffer
			p.writeCompact(&b)
			p.parent.replace(p, &xnode{kind: xComment, text: strings.ReplaceAll(b.String(), "--", "- -")})
			continue
		}
		delete(pending, name)
		if it.Value != nil {
			v := p.find("value")
			if v == nil {
				v = p.appendElem("value")
			}
			v.setText(*it.Value)
		}
	}
	conf := doc.find("configuration")
	if conf == nil {
		if len(pending) > 0 {
			return errs.New(errs.ErrInvalidArgument, "conf: %s: no <configuration> element to add properties to", h.path)
		}
	} else {
		names := make([]string, 0, len(pending))
		for k := range pending {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, name := range names {
			it := pending[name]
			p := conf.appendElem("property")
			p.appendElem("name").setText(name)
			v := p.appendElem("value")
			if it.Value != nil {
				v.setText(*it.Value)
			}
			d := p.appendElem("description")
			if it.Description != nil {
				d.setText(*it.Description)
			}
		}
	}
	var b bytes.Buffer
	doc.writeDocument(&b)
	return writeAtomic(h.path, b.Bytes())
}

func optText(n *xnode) *string {
	if n == nil {
		return nil
	}
	t := n.textContent()
	if t == "" {
		return nil
	}
	return &t
}

func (h *HadoopXML) load() (*xnode, error) {
	f, err := os.Open(h.path)
	if err != nil {
		return nil, errs.New(errs.ErrIO, "%w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, errs.New(errs.ErrIO, "%w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, errs.New(errs.ErrInvalidArgument, "conf: %s: not a regular file", h.path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxHadoopXML+1))
	if err != nil {
		return nil, errs.New(errs.ErrIO, "%w", err)
	}
	if len(data) > maxHadoopXML {
		return nil, &errs.ParseError{File: h.path, Msg: "file larger than 64 MiB"}
	}
	doc, err := parseXML(data)
	if err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, &errs.ParseError{File: h.path, Line: se.Line, Msg: se.Msg}
		}
		return nil, &errs.ParseError{File: h.path, Err: err}
	}
	for _, p := range doc.findAll("property") {
		if p.find("name") == nil {
			return nil, &errs.ParseError{File: h.path, Msg: "a <property> without <name>"}
		}
	}
	return doc, nil
}

// writeAtomic replaces path with data through a synced temporary file,
// keeping the mode of the existing file.
func writeAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return errs.New(errs.ErrIO, "%w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return errs.New(errs.ErrIO, "conf: write %s: %w", path, err)
	}
	return nil
}

// A minimal XML tree that keeps comments, processing instructions and
// directives (encoding/xml has no DOM).

const (
	xDoc = iota
	xElem
	xText
	xComment
	xProcInst
	xDirective
)

type xnode struct {
	kind     int
	name     string // element name (with prefix) or procinst target
	attr     []xml.Attr
	text     string // text, comment, procinst instruction, directive
	children []*xnode
	parent   *xnode
}

// maxXMLDepth bounds element nesting.
const maxXMLDepth = 256

func parseXML(data []byte) (*xnode, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	doc := &xnode{kind: xDoc}
	cur := doc
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return nil, &xml.SyntaxError{Msg: "elements nested too deeply", Line: lineOf(data, d.InputOffset())}
			}
			n := &xnode{kind: xElem, name: qname(t.Name), attr: append([]xml.Attr(nil), t.Attr...)}
			cur.add(n)
			cur = n
		case xml.EndElement:
			if cur.kind != xElem || cur.name != qname(t.Name) {
				return nil, &xml.SyntaxError{Msg: "unexpected </" + qname(t.Name) + ">", Line: lineOf(data, d.InputOffset())}
			}
			depth--
			cur = cur.parent
		case xml.CharData:
			cur.add(&xnode{kind: xText, text: string(t)})
		case xml.Comment:
			cur.add(&xnode{kind: xComment, text: string(t)})
		case xml.ProcInst:
			cur.add(&xnode{kind: xProcInst, name: t.Target, text: string(t.Inst)})
		case xml.Directive:
			cur.add(&xnode{kind: xDirective, text: string(t)})
		}
	}
	if cur != doc {
		return nil, &xml.SyntaxError{Msg: "unclosed <" + cur.name + ">", Line: lineOf(data, int64(len(data)))}
	}
	return doc, nil
}

func lineOf(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

func (n *xnode) add(c *xnode) {
	c.parent = n
	n.children = append(n.children, c)
}

func (n *xnode) appendElem(name string) *xnode {
	c := &xnode{kind: xElem, name: name}
	n.add(c)
	return c
}

func (n *xnode) replace(old, with *xnode) {
	for i, c := range n.children {
		if c == old {
			with.parent = n
			n.children[i] = with
			return
		}
	}
}

func (n *xnode) setText(s string) {
	n.children = nil
	if s != "" {
		n.add(&xnode{kind: xText, text: s})
	}
}

// find returns the first descendant element called name, in document order.
func (n *xnode) find(name string) *xnode {
	for _, c := range n.children {
		if c.kind != xElem {
			continue
		}
		if c.name == name {
			return c
		}
		if f := c.find(name); f != nil {
			return f
		}
	}
	return nil
}

// findAll returns every descendant element called name, in document order.
func (n *xnode) findAll(name string) []*xnode {
	var out []*xnode
	var walk func(*xnode)
	walk = func(n *xnode) {
		for _, c := range n.children {
			if c.kind != xElem {
				continue
			}
			if c.name == name {
				out = append(out, c)
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

func (n *xnode) textContent() string {
	var b strings.Builder
	for _, c := range n.children {
		switch c.kind {
		case xText:
			b.WriteString(c.text)
		case xElem:
			b.WriteString(c.textContent())
		}
	}
	return b.String()
}

var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;", "\n", "&#xA;", "\r", "&#xD;", "\t", "&#x9;")
)

func (n *xnode) openTag(b *bytes.Buffer, selfClose bool) {
	b.WriteString("<" + n.name)
	for _, a := range n.attr {
		b.WriteString(" " + qname(a.Name) + `="` + attrEscaper.Replace(a.Value) + `"`)
	}
	if selfClose {
		b.WriteString("/>")
	} else {
		b.WriteString(">")
	}
}

// writeCompact writes n as XML without added white space.
func (n *xnode) writeCompact(b *bytes.Buffer) {
	switch n.kind {
	case xText:
		b.WriteString(textEscaper.Replace(n.text))
	case xComment:
		b.WriteString("<!--" + n.text + "-->")
	case xProcInst:
		b.WriteString("<?" + n.name + " " + n.text + "?>")
	case xDirective:
		b.WriteString("<!" + n.text + ">")
	case xElem:
		if len(n.children) == 0 {
			n.openTag(b, true)
			return
		}
		mixed := false
		for _, c := range n.children {
			mixed = mixed || c.kind != xText
		}
		n.openTag(b, false)
		for _, c := range n.children {
			if mixed && isBlankText(c) {
				continue // indentation between elements
			}
			c.writeCompact(b)
		}
		b.WriteString("</" + n.name + ">")
	}
}

func isBlankText(c *xnode) bool { return c.kind == xText && strings.TrimSpace(c.text) == "" }

// writeDocument writes the tree indented with TABs; white-space-only
// text is dropped and re-created, so the layout does not depend on the
// input's.
func (n *xnode) writeDocument(b *bytes.Buffer) {
	hasDecl := false
	for _, c := range n.children {
		if c.kind == xProcInst && c.name == "xml" {
			hasDecl = true
		}
	}
	if !hasDecl {
		b.WriteString("<?xml version=\"1.0\"?>\n")
	}
	for _, c := range n.children {
		if isBlankText(c) {
			continue
		}
		c.writePretty(b, 0)
	}
}

func (n *xnode) writePretty(b *bytes.Buffer, depth int) {
	indent := strings.Repeat("\t", depth)
	if n.kind != xElem {
		b.WriteString(indent)
		if n.kind == xText {
			b.WriteString(textEscaper.Replace(strings.TrimSpace(n.text)))
		} else {
			n.writeCompact(b)
		}
		b.WriteByte('\n')
		return
	}
	b.WriteString(indent)
	textOnly := true
	for _, c := range n.children {
		if c.kind != xText {
			textOnly = false
		}
	}
	if textOnly { // leaf: keep its text exactly
		if len(n.children) == 0 {
			n.openTag(b, true)
			b.WriteByte('\n')
			return
		}
		n.openTag(b, false)
		for _, c := range n.children {
			c.writeCompact(b)
		}
		b.WriteString("</" + n.name + ">\n")
		return
	}
	var kids []*xnode
	for _, c := range n.children {
		if !isBlankText(c) {
			kids = append(kids, c)
		}
	}
	n.openTag(b, false)
	b.WriteByte('\n')
	for _, c := range kids {
		c.writePretty(b, depth+1)
	}
	b.WriteString(indent + "</" + n.name + ">\n")
}
