// Command ratios reads "go test -bench" output on stdin and prints, for
// every benchmark that has a "cup" sub-benchmark and one peer sub-benchmark,
// both figures and their ratio as a Markdown table.
//
// The ratio is peer ns/op divided by cup ns/op: above 1 means cup is
// faster. Benchmarks without a pair are listed after the table.
//
// A benchmark that appears more than once (go test -count N, or the
// rounds of bench/rounds.sh, which run every sub-benchmark in a fresh
// process, interleaved) is summarised by the median of each metric; the
// ratio column then gives the median of the per-round ratios (the i-th
// cup result against the i-th peer result), their range, and how many
// rounds cup was not slower in.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// result is one benchmark line: name, iterations and its metrics by unit.
type result struct {
	name    string
	metrics map[string]float64
}

// procSuffix is the "-N" GOMAXPROCS suffix go test appends to names.
var procSuffix = regexp.MustCompile(`-\d+$`)

func parse(r io.Reader) ([]result, error) {
	var out []result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		res := result{name: procSuffix.ReplaceAllString(f[0], ""), metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			res.metrics[f[i+1]] = v
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

type pair struct {
	bench, peer string
	cup, other  map[string]float64
	rounds      []float64 // per-round ratios, when there are several rounds
}

// median returns, for every unit, the median of the runs' values (the mean
// of the middle two for an even count).
func median(runs []map[string]float64) map[string]float64 {
	if len(runs) == 1 {
		return runs[0]
	}
	vals := map[string][]float64{}
	for _, r := range runs {
		for u, v := range r {
			vals[u] = append(vals[u], v)
		}
	}
	out := make(map[string]float64, len(vals))
	for u, vs := range vals {
		slices.Sort(vs)
		n := len(vs)
		if n%2 == 1 {
			out[u] = vs[n/2]
		} else {
			out[u] = (vs[n/2-1] + vs[n/2]) / 2
		}
	}
	return out
}

// roundRatios pairs the i-th cup run with the i-th peer run.
func roundRatios(cup, other []map[string]float64) []float64 {
	n := min(len(cup), len(other))
	if n < 2 {
		return nil
	}
	var rs []float64
	for i := range n {
		if c, o := cup[i]["ns/op"], other[i]["ns/op"]; c > 0 && o > 0 {
			rs = append(rs, o/c)
		}
	}
	return rs
}

// ratioCell renders the ratio. With several rounds it is the median of the
// per-round ratios (each round's two results were measured back to back,
// so the machine's drift between rounds cancels out), followed by their
// range and the rounds cup was not slower in.
func ratioCell(p pair) string {
	c, o := p.cup["ns/op"], p.other["ns/op"]
	if c <= 0 || o <= 0 {
		return "n/a"
	}
	r := o / c
	if len(p.rounds) > 1 {
		rs := make([]map[string]float64, len(p.rounds))
		for i, v := range p.rounds {
			rs[i] = map[string]float64{"r": v}
		}
		r = median(rs)["r"]
	}
	cell := fmt.Sprintf("%.2f×", r)
	if len(p.rounds) > 1 {
		wins := 0
		for _, r := range p.rounds {
			if r >= 1 {
				wins++
			}
		}
		cell += fmt.Sprintf(" (%.2f–%.2f, %d/%d)", slices.Min(p.rounds), slices.Max(p.rounds), wins, len(p.rounds))
	}
	return cell
}

func main() {
	results, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ratios:", err)
		os.Exit(1)
	}
	groups := map[string]map[string][]map[string]float64{}
	var order []string
	for _, r := range results {
		i := strings.LastIndexByte(r.name, '/')
		if i < 0 {
			continue
		}
		bench, sub := r.name[:i], r.name[i+1:]
		if groups[bench] == nil {
			groups[bench] = map[string][]map[string]float64{}
			order = append(order, bench)
		}
		groups[bench][sub] = append(groups[bench][sub], r.metrics)
	}
	var pairs []pair
	var unpaired []string
	for _, b := range order {
		g := groups[b]
		cup, ok := g["cup"]
		var peers []string
		for s := range g {
			if s != "cup" {
				peers = append(peers, s)
			}
		}
		sort.Strings(peers)
		if !ok || len(peers) == 0 {
			unpaired = append(unpaired, b)
			continue
		}
		for _, p := range peers {
			pairs = append(pairs, pair{bench: b, peer: p, cup: median(cup), other: median(g[p]), rounds: roundRatios(cup, g[p])})
		}
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintln(w, "| benchmark | peer | cup ns/op | peer ns/op | ratio (peer/cup) | cup allocs/op | peer allocs/op | cup B/op | peer B/op | other metrics (cup / peer) |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, p := range pairs {
		ratio := ratioCell(p)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			strings.TrimPrefix(p.bench, "Benchmark"), p.peer,
			num(p.cup, "ns/op"), num(p.other, "ns/op"), ratio,
			num(p.cup, "allocs/op"), num(p.other, "allocs/op"),
			num(p.cup, "B/op"), num(p.other, "B/op"), extra(p.cup, p.other))
	}
	if len(unpaired) > 0 {
		fmt.Fprintf(w, "\nWithout a cup/peer pair: %s\n", strings.Join(unpaired, ", "))
	}
}

func num(m map[string]float64, unit string) string {
	v, ok := m[unit]
	if !ok {
		return "–"
	}
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 1:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// extra renders the custom metrics (lines/s, MB/s, ...) both sides report.
func extra(cup, other map[string]float64) string {
	var units []string
	for u := range cup {
		switch u {
		case "ns/op", "allocs/op", "B/op":
			continue
		}
		if _, ok := other[u]; ok {
			units = append(units, u)
		}
	}
	sort.Strings(units)
	var parts []string
	for _, u := range units {
		parts = append(parts, fmt.Sprintf("%s %s / %s", u, num(cup, u), num(other, u)))
	}
	return strings.Join(parts, "; ")
}
