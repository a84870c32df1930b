#!/usr/bin/env bash
# The README's main command: sets up and builds (release) if needed, runs kv_bench against
# kv-server and redis-server (and any --kv_target), saves the JSON under results/<timestamp>/ and
# prints its summary with `kv-compare vs-redis` (the run's host and versions; throughput, p50/p99
# per case for each server, each target ÷ the reference (--kv_reference, default redis); failed
# cases).
#   scripts/bench.sh [--console] [kv_bench flags...]   e.g. --benchmark_filter=SET  --kv_clients=1,10
#   The terminal shows kv_bench's messages and one line per finished case ("[n/N] <case>  elapsed
#   1m12s  ETA 3m40s"); Google Benchmark's console goes to results/<timestamp>/kv_bench.txt.
#   --console or KV_BENCH_CONSOLE=1          show that console in the terminal too (no progress lines)
#   KV_BENCH_REPETITIONS=15 (default)        interleaved repetitions per case; the summary's
#                                            intervals need >= 6 (docs/statistics.md)
#   KV_BENCH_MIN_TIME=0.15 (default)         seconds per repetition
#   KV_BUILD_DIR=build/other                 use (and build in) an existing build tree instead of
#                                            the release preset's build/release
# Default grid: clients 1,10,50 x pipeline 1,16, value size 3; about 6 minutes on 2 cores (15 x 0.15 s
# per case and target: 1,560 runs).
set -euo pipefail
cd "$(dirname "$0")/.."

console=${KV_BENCH_CONSOLE:-0}
bench_args=()
for arg in "$@"; do
  if [ "$arg" = --console ]; then console=1; else bench_args+=("$arg"); fi
done

scripts/setup.sh

targets=(kv-server kv_bench kv-compare)
if [ -n "${KV_BUILD_DIR:-}" ]; then
  build=$KV_BUILD_DIR
  echo "=== build ${targets[*]} in $build"
  cmake --build "$build" --target "${targets[@]}"
else
  build=build/release
  if [ ! -f "$build/build.ninja" ]; then
    echo "=== configure (release preset)"
    cmake --preset release >/dev/null
  fi
  echo "=== build ${targets[*]} (release preset)"
  cmake --build --preset release --target "${targets[@]}"
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="results/$stamp"
mkdir -p "$out"
reps=${KV_BENCH_REPETITIONS:-15}
min_time=${KV_BENCH_MIN_TIME:-0.15}

echo "=== kv_bench -> $out/kv_bench.json (repetitions=$reps, min_time=${min_time}s)"
start=$(date +%s)
status=0
run=("$build/kv_bench"
  --benchmark_out="$out/kv_bench.json" --benchmark_out_format=json
  --benchmark_repetitions="$reps" --benchmark_display_aggregates_only=true
  --benchmark_enable_random_interleaving=true
  --benchmark_min_time="$min_time"
  --kv_log_dir="$out")
# kv_bench writes Google Benchmark's console (its context too) on stdout, its own messages and the
# progress lines on stderr.
if [ "$console" = 1 ]; then
  "${run[@]}" ${bench_args[@]+"${bench_args[@]}"} | tee "$out/kv_bench.txt" || status=$?
else
  echo "    (console: $out/kv_bench.txt; scripts/bench.sh --console shows it here)"
  "${run[@]}" --kv_progress ${bench_args[@]+"${bench_args[@]}"} >"$out/kv_bench.txt" || status=$?
fi
echo "=== kv_bench finished in $(( $(date +%s) - start )) s (exit status $status)"

if [ -s "$out/kv_bench.json" ]; then
  "$build/kv-compare" vs-redis "$out/kv_bench.json" | tee "$out/summary.txt"
  echo "=== results: $out (kv_bench.json, kv_bench.txt, summary.txt, server logs)"
fi
# The run as one self-contained HTML page with charts (docs/report.md).
if [ -s "$out/kv_bench.json" ] && "$build/kv-compare" report "$out/kv_bench.json" -o "$out/report.html" >/dev/null; then
  echo "=== report: $out/report.html (open it in a browser; it loads nothing from anywhere)"
fi
exit "$status"
