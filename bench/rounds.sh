#!/usr/bin/env bash
# rounds.sh runs benchmarks in interleaved rounds, every sub-benchmark in a
# fresh process, and prints the medians and per-round ratio ranges through
# ./ratios. Use it for figures that move a lot between runs on a small
# shared machine (the thread pool and netasync ones): a fresh process per
# sub-benchmark keeps one side's heap, goroutines and timers from weighing
# on the other's, and alternating the order every round cancels drift.
#
#   bash rounds.sh [-n ROUNDS] [-t BENCHTIME] [-o FILE] REGEXP
#
# REGEXP selects top-level benchmarks as for go test -bench. The raw
# results go to FILE (default rounds.out), the table to standard output.
set -euo pipefail
cd "$(dirname "$0")"

rounds=5 benchtime=1s out=rounds.out
while getopts "n:t:o:" opt; do
	case $opt in
	n) rounds=$OPTARG ;;
	t) benchtime=$OPTARG ;;
	o) out=$OPTARG ;;
	*) echo "usage: bash rounds.sh [-n ROUNDS] [-t BENCHTIME] [-o FILE] REGEXP" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ] || ! [[ $rounds =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: bash rounds.sh [-n ROUNDS] [-t BENCHTIME] [-o FILE] REGEXP" >&2
	exit 2
fi
pattern=$1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/bench.test
go test -c -o "$bin" .

# Discover benchmark/sub-benchmark names with one iteration each.
"$bin" -test.run '^$' -test.bench "$pattern" -test.benchtime 1x >"$tmp/list" 2>&1 || {
	cat "$tmp/list" >&2
	exit 1
}
mapfile -t names < <(awk '/^Benchmark[^ ]*\/[^ ]*[ \t]/ {sub(/-[0-9]+$/, "", $1); print $1}' "$tmp/list" | awk '!seen[$0]++')
if [ ${#names[@]} -eq 0 ]; then
	echo "rounds.sh: no sub-benchmark matches $pattern" >&2
	exit 1
fi

quote() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }

: >"$out"
for ((r = 1; r <= rounds; r++)); do
	order=("${names[@]}")
	if ((r % 2 == 0)); then # reverse every other round
		for ((i = 0, j = ${#names[@]} - 1; i < ${#names[@]}; i++, j--)); do order[i]=${names[j]}; done
	fi
	for name in "${order[@]}"; do
		top=${name%%/*} sub=${name#*/}
		# Every run must give its one result line: a missing one would pair
		# the other side's rounds wrongly, so stop and show why.
		if ! "$bin" -test.run '^$' -test.bench "^$(quote "$top")\$/^$(quote "$sub")\$" \
			-test.benchmem -test.benchtime "$benchtime" -test.count 1 >"$tmp/run" 2>&1 ||
			! grep '^Benchmark' "$tmp/run" >>"$out"; then
			echo "rounds.sh: round $r: $name failed:" >&2
			cat "$tmp/run" >&2
			exit 1
		fi
	done
	echo "rounds.sh: round $r of $rounds done" >&2
done
go run ./ratios <"$out"
