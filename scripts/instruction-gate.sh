#!/usr/bin/env bash
# The deterministic CI gate: kv-server's user-space instructions per request under callgrind
# (scripts/callgrind-requests.sh --kv-only) against baselines/instructions.json, by
# `kv-compare instructions`. Exit: 0 pass, 1 a figure above the threshold, 2 cannot measure or
# compare, 3 a figure above the threshold on a CPU model other than the baseline's (glibc picks
# its memcpy/memcmp variants by CPU, which moves the counts: reported, not judged). About 1–2
# minutes on the 2-core CI box (docs/instruction-gate.md).
#   scripts/instruction-gate.sh [--kv-args "ARGS"] [--threshold F] [--no-build]
# --no-build uses KV_BUILD_DIR's kv-server and kv-compare as they are.
# Environment: KV_BUILD_DIR (default build/ci), KV_INSN_BASELINE
#   (baselines/instructions.json), KV_INSN_OUT (results/instructions/<timestamp>.json),
#   GITHUB_STEP_SUMMARY (markdown appended if set).
set -euo pipefail
cd "$(dirname "$0")/.."

baseline=${KV_INSN_BASELINE:-baselines/instructions.json}
threshold=0.03
kv_args=""
build_first=1
while [ "$#" -gt 0 ]; do
  case "$1" in
    --kv-args) [ "$#" -ge 2 ] || { echo "instruction-gate: --kv-args needs a value" >&2; exit 2; }
      kv_args=$2; shift 2 ;;
    --threshold) [ "$#" -ge 2 ] || { echo "instruction-gate: --threshold needs a value" >&2; exit 2; }
      threshold=$2; shift 2 ;;
    --no-build) build_first=0; shift ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "instruction-gate: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
build=${KV_BUILD_DIR:-build/ci}
out=${KV_INSN_OUT:-results/instructions/$(date -u +%Y%m%dT%H%M%SZ).json}
if [ ! -f "$baseline" ]; then
  echo "instruction-gate: no baseline at $baseline (docs/instruction-gate.md: refreshing it)" >&2
  exit 2
fi
if [ "$build_first" = 1 ]; then
  [ -f "$build/build.ninja" ] || { echo "instruction-gate: no build in $build (cmake --preset ci)" >&2; exit 2; }
  cmake --build "$build" -j "${KV_JOBS:-2}" --target kv-server kv-compare >/dev/null
fi

# The same load as the baseline: its requests, tests and pipelines.
read -r requests tests pipelines < <(awk '
  /"requests":/ { gsub(/[^0-9]/, ""); requests = $0 }
  /"test":/ {
    match($0, /"test": "[a-z_]+"/); t = substr($0, RSTART + 9, RLENGTH - 10)
    match($0, /"pipeline": [0-9]+/); p = substr($0, RSTART + 12, RLENGTH - 12)
    if (!(t in ts)) { ts[t] = 1; tl = tl (tl == "" ? "" : ",") t }
    if (!(p in ps)) { ps[p] = 1; pl = pl (pl == "" ? "" : ",") p }
  }
  END { print requests, tl, pl }' "$baseline")
if [ -z "$requests" ] || [ -z "$tests" ] || [ -z "$pipelines" ]; then
  echo "instruction-gate: cannot read requests/tests/pipelines from $baseline" >&2
  exit 2
fi

start=$(date +%s)
status=0
scripts/callgrind-requests.sh --kv "$build/kv-server" --kv-only --kv-args "$kv_args" \
  --requests "$requests" --tests "$tests" --pipelines "$pipelines" --out "$out" > /dev/null ||
  status=$?
if [ "$status" -ne 0 ]; then
  echo "instruction-gate: the measurement failed (exit $status)" >&2
  exit 2
fi
echo "instruction-gate: measured in $(( $(date +%s) - start )) s, results in $out"
"$build/kv-compare" instructions --threshold "$threshold" "$baseline" "$out" || status=$?
cpu_of() { sed -n 's/.*"cpu": "\([^"]*\)".*/\1/p' "$1" | head -1; }
if [ "$status" -eq 1 ] && [ "$(cpu_of "$baseline")" != "$(cpu_of "$out")" ]; then
  echo "instruction-gate: not judged: measured on '$(cpu_of "$out")', the baseline on" \
    "'$(cpu_of "$baseline")' (re-record it on this machine: docs/instruction-gate.md)" >&2
  status=3
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  "$build/kv-compare" instructions --format markdown --threshold "$threshold" "$baseline" "$out" \
    >> "$GITHUB_STEP_SUMMARY" 2>/dev/null || true
fi
exit "$status"
