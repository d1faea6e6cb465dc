# cup for Go. "make test" is the one command CI runs (.ci/run): it sets up
# the real services the tests need and runs everything.

GO ?= go

.PHONY: all build test test-quick vet bench bench-rounds services-start services-stop fuzz clean

all: build

build:
	$(GO) build ./...

## test: install/start sshd + MariaDB on loopback, then vet, staticcheck, go test -race ./...
test:
	bash scripts/test.sh

## test-quick: unit tests only; tests needing services skip and say why
test-quick:
	$(GO) test ./...

vet:
	$(GO) vet ./...
	cd bench && $(GO) vet ./...

## bench: cup vs its peers, measured in one run, printed as a ratio table
bench:
	cd bench && $(GO) test -run '^$$' -bench . -benchmem -count 1 -timeout 30m . | tee bench.out
	cd bench && $(GO) run ./ratios < bench.out

## bench-rounds: BENCH (a -bench regexp) in ROUNDS interleaved rounds, each
## sub-benchmark in a fresh process; medians and per-round ratio ranges.
## The pool at pond's 1M-task scale: CUP_BENCH_POND=1 make bench-rounds BENCH=Pond
ROUNDS ?= 5
BENCH ?= Pool|Echo
bench-rounds:
	cd bench && bash rounds.sh -n $(ROUNDS) -o rounds.out '$(BENCH)'

## fuzz: run every fuzz target for FUZZTIME each (default 10s)
FUZZTIME ?= 10s
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)

services-start:
	bash scripts/services.sh start

services-stop:
	bash scripts/services.sh stop

clean:
	rm -f cup bench/bench.out
