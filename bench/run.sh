#!/usr/bin/env bash
# Runs the side-by-side benchmarks of BENCHMARKS.md and prints benchstat's
# comparisons, one table per question. One core: the test binary is pinned
# to CPU 1 with taskset (when it exists) and runs with -test.cpu 1
# (GOMAXPROCS=1); the CLI benchmark runs its child process with GOMAXPROCS=1.
#
#   bash bench/run.sh            # 10 runs of each benchmark
#   COUNT=3 bash bench/run.sh    # quicker
set -euo pipefail
cd "$(dirname "$0")"
export GOTOOLCHAIN=local
COUNT=${COUNT:-10}
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
out=${OUT:-/tmp/cacheurl-bench.txt}
go test -c -o /tmp/cacheurl-bench.test .
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 1); fi
"${pin[@]}" /tmp/cacheurl-bench.test -test.run '^$' -test.bench . -test.benchmem \
  -test.count "$COUNT" -test.cpu 1 > "$out"
bs() { go run "$BENCHSTAT" "$@" "$out"; echo; }
echo "## core.Parse vs net/url.Parse + Query() over the corpus (one op = 2,400 URLs)"
bs -filter '.name:ParseCorpus' -col /impl
echo "## core.Parse vs go-redis redis.ParseURL on the corpus URLs go-redis accepts"
bs -filter '.name:GoRedisURLs' -col /impl
echo "## Format, the Django view and JSON over the corpus"
bs -filter '.name:(Format OR Django OR JSON)'
echo "## koanf: Load through the provider + default Unmarshal"
bs -filter '.name:Koanf' -col /impl
echo "## koanf: a file loaded with Expand, beside its floor (plain strings, complete keys, hook)"
bs -filter '.name:KoanfLoad' -col /impl
echo "## viper: Unmarshal with the hook vs the same keys into a map without it"
bs -filter '.name:ViperUnmarshal' -col /impl
echo "## cacheurl parse - on 100,000 lines, whole process, GOMAXPROCS=1"
bs -filter '.name:CLIBatch'
echo "## Parse of ~8 KB inputs of every shape, errors included (ns/B per shape)"
bs -filter '.name:Shapes'
