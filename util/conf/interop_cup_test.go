//go:build interop

// A differential test against Baidu's own CUP: thousands of generated
// configuration files are parsed by CUP 3.2.7's Configure2Dict (under
// Python 3, as the fixtures in testdata/expected were made) and by Parse,
// and the results must agree. CUP's source is not part of this repository,
// so the test is built only with -tags interop and needs a checkout:
//
//	CUP_SRC=/path/to/CUP-3.2.7 CUP_PYTHON3=python3 \
//	    go test -tags interop -run TestInteropCUPConf -count=1 -v ./util/conf
//
// or scripts/interop-cup.sh, which runs every interop test;
// CUP_INTEROP_SEED picks another set of files. Once built with the tag, a
// missing CUP_SRC fails the test: it never skips.

package conf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cupgo/cup/internal/cupinterop"
)

// cupOracle parses every file named on its standard input, one per line,
// with CUP's Configure2Dict, with comments removed and kept, and prints one
// JSON line per file: [result, result], each {"ok": tree} with keys in
// CUP's dict order, or {"err": "Class: message"}.
const cupOracle = `
import json, sys, collections
from cup.util import conf

def tojson(v):
    if isinstance(v, dict):
        return collections.OrderedDict((k, tojson(v[k])) for k in v)
    if isinstance(v, list):
        return [tojson(x) for x in v]
    return v

def parse(path, remove):
    try:
        return {'ok': tojson(conf.Configure2Dict(path, remove_comments=remove).get_dict())}
    except Exception as e:
        return {'err': '%s: %s' % (type(e).__name__, e)}

for line in sys.stdin:
    path = line.rstrip('\n')
    print(json.dumps([parse(path, True), parse(path, False)]))
    sys.stdout.flush()
`

// confGen writes random configuration files from pieces of CUP's grammar,
// with small name pools so that duplicates, clashes and array mixes are
// frequent. Half the files are clean: only pieces CUP accepts, and section
// levels that follow their parents, so that most of them parse and their
// trees are compared; the others mix in every malformed piece.
type confGen struct {
	r     *rand.Rand
	clean bool
	level int      // nesting depth of the last section header
	incs  []string // absolute paths for $include lines, some missing
}

func (g *confGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *confGen) ws() string { return g.pick("", "", "", " ", "  ", "\t", " \t") }

func (g *confGen) key() string {
	if !g.clean && g.r.IntN(25) == 0 {
		return g.pick("", "my key", "k/ey", "a[b", "a]b", "@")
	}
	if g.r.IntN(30) == 0 {
		return g.pick("a.b", "$x", "-_9", "键", "K", "Z_9")
	}
	return g.pick("a", "b", "c", "k", "k1", "k2", "x", "y")
}

func (g *confGen) value() string {
	bad := []string{`"v" # c`, `"abc`}
	good := []string{"", "value # trailing", "a#b", `"quoted value"`, `"has # hash"`, `'abc # d'`,
		`"a\tb\nc\\d\"e\'f\0g"`, `"\d+\x41\q"`, "http://a.b:80/x", `^/home/disk\d+\t`,
		"value with  spaces", `"`, "#all", "1", "2", "v", "w", "abc", "é"}
	if !g.clean && g.r.IntN(8) == 0 {
		return g.pick(bad...)
	}
	return g.pick(good...)
}

func (g *confGen) header() string {
	d := g.r.IntN(4)
	if g.clean {
		d = g.r.IntN(g.level + 1)
	}
	at := ""
	if g.r.IntN(3) == 0 {
		at = "@"
	}
	h := "[" + strings.Repeat(".", d) + at + g.pick("s", "t", "u", "x", "k") + "]"
	g.level = d + 1
	switch g.r.IntN(20) {
	case 0:
		if !g.clean {
			h = g.pick("[]", "[.]", "[ s ]", "[s", "[se#c]", "[@]", "[s.t]", "[a.@b]", "[s] trailing")
		}
	case 1:
		h += " # comment"
	case 2:
		h = "[GLOBAL]"
		g.level = 0
	}
	return h
}

func (g *confGen) line() string {
	switch n := g.r.IntN(20); {
	case n < 7:
		return g.ws() + g.key() + g.ws() + ":" + g.ws() + g.value() + g.ws()
	case n < 10:
		return g.ws() + "@" + g.key() + g.ws() + ":" + g.ws() + g.value()
	case n < 15:
		return g.ws() + g.header() + g.ws()
	case n < 17:
		if len(g.incs) > 0 && g.r.IntN(6) == 0 {
			inc := g.incs[g.r.IntN(len(g.incs))]
			return g.ws() + "$include " + g.pick(inc, `"`+inc+`"`)
		}
		return g.ws() + g.pick("# comment", "#", "# k: v", "#[s]")
	case n < 19 || g.clean:
		return ""
	default:
		return g.pick("justtext", ": v", "k", "@:1", "[", "]")
	}
}

func (g *confGen) file() []byte {
	g.clean, g.level = g.r.IntN(2) == 0, 0
	var b strings.Builder
	if g.r.IntN(20) == 0 {
		b.WriteString("\ufeff")
	}
	eol := "\n"
	if g.r.IntN(10) == 0 {
		eol = "\r\n"
	}
	for range 1 + g.r.IntN(14) {
		b.WriteString(g.line())
		b.WriteString(eol)
	}
	return []byte(b.String())
}

// tokens renders JSON as its token sequence, so that two encodings of the
// same ordered tree compare equal whatever their escaping.
func tokens(t *testing.T, data []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return b.String()
			}
			t.Fatalf("bad JSON %s: %v", data, err)
		}
		fmt.Fprintf(&b, "%T:%v ", tok, tok)
	}
}

// cupArrayBug reports whether text re-opens an array of sections in one
// of two ways that CUP 3.2.7 gets wrong without failing, so that its tree
// is not compared (the port appends to the array, spec §5.2; both found by
// this test):
//
//   - after a [GLOBAL] header, a root array of sections defined before it:
//     CUP replaces the array with one holding only the new element
//     ("[@s] k: 1 [GLOBAL] [@s] k: 2" gives s = [{k: 2}]);
//   - [@x] back at a depth whose last header was another array [@y] with
//     deeper headers since: CUP appends the new element to y ("[@s] k: 1
//     [@t] [.x] [@s] k: 2" gives s = [{k: 1}], t = [{x: {}}, {k: 2}]); when
//     the last header there was a plain section, CUP crashes instead (spec
//     §5.3, defect 2).
func cupArrayBug(text []byte) bool {
	type opened struct {
		name  string
		array bool
		inner bool // a deeper header came after it
	}
	rootArrays := map[string]bool{}
	afterGlobal := false
	var last []opened // last header opened at each depth
	for _, line := range strings.Split(strings.TrimPrefix(string(text), "\ufeff"), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "[") {
			continue
		}
		if i := strings.IndexByte(line[1:], '#'); i >= 0 {
			line = strings.TrimSpace(line[:i+1])
		}
		if !strings.HasSuffix(line, "]") {
			continue
		}
		h := line[1 : len(line)-1]
		name := strings.TrimLeft(h, ".")
		depth := len(h) - len(name)
		if name == "GLOBAL" {
			afterGlobal, last = true, nil
			continue
		}
		if strings.Contains(name, ".") { // dotted: absolute path, not tracked
			last = nil
			continue
		}
		array := strings.HasPrefix(name, "@")
		if depth == 0 && array {
			if afterGlobal && rootArrays[name] {
				return true
			}
			rootArrays[name] = true
		}
		if array && depth < len(last) {
			if p := last[depth]; p.array && p.name != name && p.inner {
				return true
			}
		}
		for i := range min(depth, len(last)) {
			last[i].inner = true
		}
		last = append(last[:min(depth, len(last))], opened{name: name, array: array})
	}
	return false
}

type member struct {
	key string
	val json.RawMessage
}

// members returns the members of a JSON object in order.
func members(t *testing.T, obj []byte) []member {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", obj)
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, member{tok.(string), v})
	}
	return out
}

// sameButIncludes reports whether the port's tree differs from CUP's only
// in the includes CUP drops: CUP records the first $include of a file
// only, the port every one (spec §18.3), so CUP's one member must be the
// port's first and everything else must be equal.
func sameButIncludes(t *testing.T, ours, cup []byte) bool {
	o, c := members(t, ours), members(t, cup)
	if len(o) == 0 || len(c) == 0 || o[0].key != "$include" || c[0].key != "$include" || len(o) != len(c) {
		return false
	}
	oi, ci := members(t, o[0].val), members(t, c[0].val)
	if len(oi) < 2 || len(ci) != 1 || oi[0].key != ci[0].key || tokens(t, oi[0].val) != tokens(t, ci[0].val) {
		return false
	}
	for i := 1; i < len(o); i++ {
		if o[i].key != c[i].key || tokens(t, o[i].val) != tokens(t, c[i].val) {
			return false
		}
	}
	return true
}

// cupErrKinds maps CUP's exception classes to the port's errors (spec
// §18.4): a line without the separator fails CUP's tuple unpacking with a
// bare ValueError.
var cupErrKinds = map[string]error{
	"ValueError":       ErrLineFormat,
	"LineFormatError":  ErrLineFormat,
	"KeyFormatError":   ErrKeyFormat,
	"ValueFormatError": ErrValueFormat,
	"ArrayFormatError": ErrLevel,
	"OSError":          ErrInclude, // an included file that does not exist
	"IOError":          ErrInclude,
}

type oracleResult struct {
	OK  json.RawMessage `json:"ok"`
	Err string          `json:"err"`
}

// cupCrash reports whether CUP failed with an internal error rather than
// a verdict on the input (spec §12 rows 47, 48, 50, 84, 86: the port builds
// the tree CUP meant to).
func cupCrash(err string) bool {
	for _, p := range []string{"AttributeError", "TypeError", "KeyError", "IndexError"} {
		if strings.HasPrefix(err, p) {
			return true
		}
	}
	return false
}

func TestInteropCUPConf(t *testing.T) {
	env := cupinterop.Setup(t, "cup/util/conf.py")
	src, stubs, dir, python := env.Src, env.Stubs, env.Dir, env.Python3
	script := env.Script(t, "oracle.py", cupOracle)

	const n = 3000
	seed := uint64(20261126)
	if v := os.Getenv("CUP_INTEROP_SEED"); v != "" {
		if _, err := fmt.Sscan(v, &seed); err != nil {
			t.Fatalf("CUP_INTEROP_SEED=%q: %v", v, err)
		}
	}
	// Files to include, by absolute path (so that CUP's rule, relative to
	// the working directory, and the port's, relative to the including
	// file, agree): one plain, one with nesting and arrays, one that
	// fails, one missing.
	var incs []string
	for name, text := range map[string]string{
		"inc_plain.conf": "ik: iv\n[isec]\nk: 1\n",
		"inc_deep.conf":  "[a]\n[.b]\n@arr: 1\n@arr: 2\n[@s]\nk: 1\n[@s]\nk: 2\n",
		"inc_bad.conf":   "[.skip]\nk: v\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		incs = append(incs, p)
	}
	slices.Sort(incs) // map order would make the files depend on the run
	incs = append(incs, filepath.Join(dir, "inc_missing.conf"))
	g := &confGen{r: rand.New(rand.NewPCG(seed, 3)), incs: incs}
	// A leading BOM is skipped by the port and breaks CUP's first line
	// (spec §18): CUP gets the file without it.
	files := make([]string, n)
	var list bytes.Buffer
	for i := range files {
		files[i] = filepath.Join(dir, fmt.Sprintf("case%04d.conf", i))
		text := g.file()
		if err := os.WriteFile(files[i], text, 0o644); err != nil {
			t.Fatal(err)
		}
		cupFile := files[i]
		if bom := []byte("\ufeff"); bytes.HasPrefix(text, bom) {
			cupFile = strings.TrimSuffix(files[i], ".conf") + ".nobom.conf"
			if err := os.WriteFile(cupFile, bytes.TrimPrefix(text, bom), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		list.WriteString(cupFile + "\n")
	}
	results := runOracle(t, python, script, src, stubs, &list)
	if len(results) != n {
		t.Fatalf("the oracle answered %d of %d files", len(results), n)
	}
	// Files written by the port's writer from the trees both agree on,
	// to be read back by CUP: a Go program's output must be readable by
	// the Python programs it shares files with (key order aside, see
	// sameUnordered).
	var written []writtenCase
	var agree, trees, crash, clash, arrayBug, multiInclude, failed int
	for i, res := range results {
		text, _ := os.ReadFile(files[i])
		for mode, want := range res {
			opts := []Option{}
			if mode == 1 {
				opts = append(opts, KeepInlineComments())
			}
			got, perr := ParseFile(files[i], opts...)
			switch {
			case want.Err != "" && cupCrash(want.Err):
				crash++ // CUP's own bug: any verdict of ours is allowed, no panic
			case want.Err == "" && perr == nil && cupArrayBug(text):
				arrayBug++
			case want.Err != "":
				kind := cupErrKinds[strings.SplitN(want.Err, ":", 2)[0]]
				switch {
				case perr == nil:
					failed++
					t.Errorf("%s (comments kept: %v): CUP rejects it (%s), Parse accepted it\n%q", filepath.Base(files[i]), mode == 1, want.Err, text)
				case kind == nil:
					failed++
					t.Errorf("%s: CUP error %s has no counterpart here", filepath.Base(files[i]), want.Err)
				case !errors.Is(perr, kind) && !errors.Is(perr, ErrTypeClash) && !(kind != ErrLevel && errors.Is(perr, ErrLevel)):
					// The port reads once and stops at the first error;
					// CUP checks every line's syntax before it builds the
					// tree, so a bad line anywhere wins over a level
					// skipped earlier, and it never reports a kind clash
					// (it replaces the value silently), so an earlier
					// clash stops the port first.
					failed++
					t.Errorf("%s (comments kept: %v): CUP: %s; Parse: %v, want %v\n%q", filepath.Base(files[i]), mode == 1, want.Err, perr, kind, text)
				default:
					agree++
				}
			case perr != nil:
				if errors.Is(perr, ErrTypeClash) {
					clash++ // CUP silently replaces, the port refuses (spec §12)
					continue
				}
				failed++
				t.Errorf("%s (comments kept: %v): CUP accepts it, Parse: %v\n%q\nCUP: %s", filepath.Base(files[i]), mode == 1, perr, text, want.OK)
			default:
				js, err := got.MarshalJSON()
				if err != nil {
					t.Fatal(err)
				}
				if multi := sameButIncludes(t, js, want.OK); multi {
					multiInclude++
					agree++
					trees++
					continue
				}
				if tokens(t, js) != tokens(t, want.OK) {
					failed++
					t.Errorf("%s (comments kept: %v): trees differ\n%q\nport: %s\nCUP:  %s", filepath.Base(files[i]), mode == 1, text, js, want.OK)
				} else {
					agree++
					trees++
					var wo []WriteOption
					if mode == 1 {
						wo = append(wo, AllowInlineHash())
					}
					if out, err := Marshal(got, wo...); err == nil {
						w := writtenCase{path: fmt.Sprintf("%s.written%d.conf", strings.TrimSuffix(files[i], ".conf"), mode), mode: mode, tree: js, text: out}
						if err := os.WriteFile(w.path, out, 0o644); err != nil {
							t.Fatal(err)
						}
						written = append(written, w)
					} else if !errors.Is(err, ErrUnrepresentable) {
						t.Errorf("Marshal of %s: %v", filepath.Base(files[i]), err)
					}
				}
			}
			if failed > 20 {
				t.Fatal("too many differences")
			}
		}
	}
	t.Logf("%d files (seed %d), both comment modes: %d agree (%d trees, %d errors), %d where CUP crashed, %d type clashes the port refuses, %d arrays of sections CUP mis-appends; %d trees equal but for the includes CUP drops",
		n, seed, agree, trees, agree-trees, crash, clash, arrayBug, multiInclude)
	if agree < n {
		t.Errorf("only %d of %d results compared", agree, 2*n)
	}

	list.Reset()
	for _, w := range written {
		list.WriteString(w.path + "\n")
	}
	back := runOracle(t, python, script, src, stubs, &list)
	if len(back) != len(written) {
		t.Fatalf("the oracle answered %d of %d written files", len(back), len(written))
	}
	readBack := 0
	for i, w := range written {
		r := back[i][w.mode]
		switch {
		case r.Err != "":
			t.Errorf("CUP cannot read the port's output (comments kept: %v): %s\n%s", w.mode == 1, r.Err, w.text)
		case !sameUnordered(t, r.OK, w.tree):
			t.Errorf("CUP reads the port's output (comments kept: %v) differently\n%s\nport: %s\nCUP:  %s", w.mode == 1, w.text, w.tree, r.OK)
		default:
			readBack++
		}
	}
	t.Logf("%d files written by Marshal from those trees, %d read back by CUP as the same tree", len(written), readBack)
}

// sameUnordered compares two JSON trees ignoring the order of object
// keys: the writer lays a section out as CUP's does (strings, then string
// arrays, then sections, spec §13), not in definition order.
func sameUnordered(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

type writtenCase struct {
	path string
	mode int // 0: comments removed, 1: kept
	tree []byte
	text []byte
}

// runOracle runs the CUP oracle over the files listed one per line in list.
func runOracle(t *testing.T, python, script, src, stubs string, list *bytes.Buffer) [][2]oracleResult {
	t.Helper()
	cmd := exec.Command(python, script, src, stubs)
	cmd.Stdin = list
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("CUP oracle: %v\n%s", err, stderr.Bytes())
	}
	var results [][2]oracleResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var res [2]oracleResult
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatalf("oracle line %d: %v", len(results)+1, err)
		}
		results = append(results, res)
	}
	return results
}
