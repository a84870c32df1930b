#!/usr/bin/env bash
# The CI performance gate: runs the reduced grid with repetitions (kv and redis interleaved) and
# compares it with the stored baseline (baselines/gate/run-*.json, pooled) under
# baselines/policy.json, sequentially: look 1 of 2 with KV_GATE_REPETITIONS repetitions; when a
# gated row is still inconclusive (its interval reaches a regression of the threshold) and none
# regressed, the same number of repetitions again of the commands it names, and look 2 on both
# files pooled. alpha is split over the two looks (docs/statistics.md). Exit: 0 pass,
# 1 regression, 2 cannot compare (kv-compare's codes). Budget: ~1-2 minutes on the 2-core CI box.
#   scripts/gate.sh [kv_bench flags...]     e.g. --kv_server_path=/path/to/kv-server
# Environment: KV_BUILD_DIR (default build/ci, else build/release), KV_GATE_BASELINE
#   (comma-separated files; default baselines/gate/run-*.json), KV_GATE_POLICY
#   (baselines/policy.json), KV_GATE_REPETITIONS (5 per look), KV_GATE_OUT
#   (results/gate/<timestamp>.json; look 2 writes <name>.look2.json beside it), GITHUB_STEP_SUMMARY
#   (markdown appended if set).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${KV_GATE_BASELINE:-}" ]; then
  baseline=$KV_GATE_BASELINE
else
  baseline=$(ls baselines/gate/run-*.json 2>/dev/null | paste -sd, || true)
fi
policy=${KV_GATE_POLICY:-baselines/policy.json}
reps=${KV_GATE_REPETITIONS:-5}
if [ -n "${KV_BUILD_DIR:-}" ]; then
  build=$KV_BUILD_DIR
elif [ -f build/ci/build.ninja ]; then
  build=build/ci
else
  build=build/release
fi
out=${KV_GATE_OUT:-results/gate/$(date -u +%Y%m%dT%H%M%SZ).json}
out2=${out%.json}.look2.json

if [ -z "$baseline" ]; then
  echo "gate: no baseline in baselines/gate/; create it with scripts/update-baselines.sh gate" >&2
  exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j "${KV_JOBS:-2}" --target kv_bench kv-server kv-compare >/dev/null

mkdir -p "$(dirname "$out")"
rm -f "$out2"
read -r -a grid <<< "$(scripts/update-baselines.sh --print-flags gate)"
run_suite() {  # run_suite OUT [more kv_bench flags]
  local file=$1
  shift
  "$build/kv_bench" "${grid[@]}" "$@" \
    "--benchmark_repetitions=$reps" --benchmark_enable_random_interleaving=true \
    "--benchmark_out=$file" --benchmark_out_format=json >/dev/null
}
start=$(date +%s)
run_suite "$out" "$@"
echo "gate: look 1: suite ran in $(( $(date +%s) - start )) s, results in $out"

current=$out
status=0
look1=$("$build/kv-compare" gate --look 1/2 --policy "$policy" "$baseline" "$current") || status=$?
if [ "$status" -eq 3 ]; then
  filter=$(printf '%s\n' "$look1" | sed -n 's/^rerun-filter: //p')
  printf '%s\n' "$look1" | grep -E '^(gate:|Inconclusive rows)' || true
  extra=()
  [ -n "$filter" ] && extra=("--benchmark_filter=$filter")
  start=$(date +%s)
  # The command line's own flags first: the rerun's filter must win over a --benchmark_filter there.
  run_suite "$out2" "$@" ${extra[@]+"${extra[@]}"}
  echo "gate: look 2: ${filter:-every case} ran in $(( $(date +%s) - start )) s, results in $out2"
  current="$out,$out2"
  status=0
  "$build/kv-compare" gate --look 2/2 --policy "$policy" "$baseline" "$current" || status=$?
else
  printf '%s\n' "$look1"
fi
look=1/2
if [ "$current" != "$out" ]; then look=2/2; fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  "$build/kv-compare" --format markdown gate --look "$look" --policy "$policy" "$baseline" \
    "$current" >> "$GITHUB_STEP_SUMMARY" 2>/dev/null || true
fi
# The gate's JSON (its last look) and its HTML report next to the run's JSON (docs/report.md).
"$build/kv-compare" --format json gate --look "$look" --policy "$policy" "$baseline" "$current" \
  > "${out%.json}.gate.json" 2>/dev/null || true
if "$build/kv-compare" report "${out%.json}.gate.json" -o "${out%.json}.report.html" >/dev/null; then
  echo "gate: report ${out%.json}.report.html"
fi
exit "$status"
