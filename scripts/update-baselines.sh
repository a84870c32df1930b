#!/usr/bin/env bash
# Runs the benchmark suite KV_BASELINE_RUNS times with repetitions and stores the runs as
# baselines/<name>/run-<i>.json (kv-compare pools them: "a.json,b.json"), then records where they
# came from (date, commit, machine, versions, command) in baselines/README.md. Several separate
# runs, not one long one: whatever stays fixed within a run (placement of the processes, memory
# layout) then varies within the baseline too, so it is not mistaken for a change later.
#   scripts/update-baselines.sh [gate|full]      default: gate (the grid scripts/gate.sh runs)
#   scripts/update-baselines.sh --print-flags gate   kv_bench flags of a grid (used by gate.sh)
# Environment: KV_BUILD_DIR (default build/release), KV_BASELINE_RUNS (default 5),
#   KV_BASELINE_REPETITIONS (per run, default 5), KV_BENCH_EXTRA (more kv_bench flags, e.g.
#   --kv_server_path=...; recorded in the README).
set -euo pipefail
cd "$(dirname "$0")/.."

# The grids. The gate grid must stay identical between the baseline and scripts/gate.sh: kv_bench
# records it in the JSON context ("grid") and kv-compare refuses to compare different grids.
grid_flags() {
  case "$1" in
    gate) echo "--kv_clients=1,10 --kv_pipeline=1,16 --kv_keyspace=1000 --kv_targets=kv,redis" \
               "--benchmark_filter=^(kv|redis)/(SET|GET|MIXED|INCR)/" \
               "--benchmark_min_time=0.2" ;;
    full) echo "--kv_targets=kv,redis" ;;
    *) echo "update-baselines: unknown grid '$1' (gate or full)" >&2; return 2 ;;
  esac
}

if [ "${1:-}" = "--print-flags" ]; then
  grid_flags "${2:-gate}"
  exit 0
fi

name=${1:-gate}
flags=$(grid_flags "$name")
reps=${KV_BASELINE_REPETITIONS:-5}
runs=${KV_BASELINE_RUNS:-5}
case "$runs$reps" in *[!0-9]*|"") echo "update-baselines: runs and repetitions must be numbers" >&2; exit 2;; esac
build=${KV_BUILD_DIR:-build/release}
extra=${KV_BENCH_EXTRA:-}

if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j "${KV_JOBS:-2}" --target kv_bench kv-server kv-compare

dir="baselines/$name"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
read -r -a flag_words <<< "$flags"
read -r -a extra_words <<< "$extra"
cmd=("$build/kv_bench" "${flag_words[@]}" "${extra_words[@]}" "--benchmark_repetitions=$reps"
     "--benchmark_enable_random_interleaving=true" "--benchmark_out_format=json"
     "--kv_log_dir=$tmp")
echo "update-baselines: $runs runs of: ${cmd[*]} --benchmark_out=..."
start=$(date +%s)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
files=()
for i in $(seq 1 "$runs"); do
  "${cmd[@]}" "--benchmark_out=$tmp/run-$i.json" > "$tmp/run-$i.txt"
  files+=("$dir/run-$i.json")
  echo "update-baselines: run $i of $runs done ($(( $(date +%s) - start )) s)"
done
rm -rf "$dir"
mkdir -p "$dir"
mv "$tmp"/run-*.json "$dir/"
pooled=$(IFS=,; echo "${files[*]}")
"$build/kv-compare" vs-redis "$dir/run-1.json" || true
if [ "$runs" -gt 1 ]; then "$build/kv-compare" stability "${files[@]}" || true; fi

# Provenance, between markers in baselines/README.md (replaced on every update).
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=""
if git status --porcelain 2>/dev/null | grep -q .; then dirty=" (uncommitted changes)"; fi
block=$(cat <<BLOCK
<!-- baseline:$name -->
### baselines/$name/ ($runs runs x $reps repetitions: \`$pooled\`)
- date: $(date -u +%Y-%m-%dT%H:%M:%SZ), wall time $(( $(date +%s) - start )) s
- commit: $commit$dirty
- machine: $(uname -srm), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //'), load average at start $load
- versions: $(redis-server --version 2>/dev/null | cut -d' ' -f1-3), $(c++ --version | head -1), Google Benchmark $(dpkg-query -W -f='${Version}' libbenchmark-dev 2>/dev/null || echo '?')
- command: \`KV_BUILD_DIR=$build scripts/update-baselines.sh $name\` = $runs x \`${cmd[*]}\`
<!-- /baseline:$name -->
BLOCK
)
readme=baselines/README.md
if grep -q "<!-- baseline:$name -->" "$readme"; then
  awk -v name="$name" -v block="$block" '
    $0 == "<!-- baseline:" name " -->" { print block; skip = 1; next }
    $0 == "<!-- /baseline:" name " -->" { skip = 0; next }
    !skip { print }' "$readme" > "$readme.tmp" && mv "$readme.tmp" "$readme"
else
  printf '\n%s\n' "$block" >> "$readme"
fi
echo "update-baselines: wrote $dir/ ($runs runs) and its provenance in $readme"
