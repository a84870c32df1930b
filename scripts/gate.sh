#!/usr/bin/env bash
# The CI performance gate: runs the reduced grid with repetitions (kv and redis interleaved) and
# compares it with the stored baseline under baselines/policy.json. Exit: 0 pass, 1 regression,
# 2 cannot compare (kv-compare's codes). Budget: well under 10 minutes on the 2-core CI box.
#   scripts/gate.sh [kv_bench flags...]     e.g. --kv_server_path=/path/to/kv-server
# Environment: KV_BUILD_DIR (default build/ci, else build/release), KV_GATE_BASELINE
#   (baselines/gate.json), KV_GATE_POLICY (baselines/policy.json), KV_GATE_REPETITIONS (5),
#   KV_GATE_OUT (results/gate/<timestamp>.json), GITHUB_STEP_SUMMARY (markdown appended if set).
set -euo pipefail
cd "$(dirname "$0")/.."

baseline=${KV_GATE_BASELINE:-baselines/gate.json}
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

if [ ! -f "$baseline" ]; then
  echo "gate: no baseline at $baseline; create it with scripts/update-baselines.sh gate" >&2
  exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j "${KV_JOBS:-2}" --target kv_bench kv-server kv-compare >/dev/null

mkdir -p "$(dirname "$out")"
start=$(date +%s)
read -r -a grid <<< "$(scripts/update-baselines.sh --print-flags gate)"
"$build/kv_bench" "${grid[@]}" "$@" \
  "--benchmark_repetitions=$reps" --benchmark_enable_random_interleaving=true \
  "--benchmark_out=$out" --benchmark_out_format=json >/dev/null
echo "gate: suite ran in $(( $(date +%s) - start )) s, results in $out"

status=0
"$build/kv-compare" gate --policy "$policy" "$baseline" "$out" || status=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  "$build/kv-compare" --format markdown gate --policy "$policy" "$baseline" "$out" \
    >> "$GITHUB_STEP_SUMMARY" 2>/dev/null || true
fi
# The gate's JSON and its HTML report next to the run's JSON (docs/report.md).
"$build/kv-compare" --format json gate --policy "$policy" "$baseline" "$out" > "${out%.json}.gate.json" 2>/dev/null || true
if "$build/kv-compare" report "${out%.json}.gate.json" -o "${out%.json}.report.html" >/dev/null; then
  echo "gate: report ${out%.json}.report.html"
fi
exit "$status"
