// Package bench measures cup against its peers in one run.
//
// It is a separate module so that the peers (zap, lumberjack, gopsutil,
// ants, gnet, ...) stay out of cup's own go.mod. Every benchmark is named
// Benchmark<Area><Thing> and has exactly two sub-benchmarks: "cup" and the
// peer's name. "make bench" runs them all and prints, for each pair, both
// figures and their ratio (see ratios/).
//
// The Pond benchmarks (the thread pool at pond's scale of 1 M tasks per
// operation) are skipped unless CUP_BENCH_POND=1 is set; the Pool ones run
// the same patterns at 100 K tasks.
package bench
