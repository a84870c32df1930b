#!/usr/bin/env bash
# Proves the CI gate: N gate runs on unchanged code (every failure is a false alarm) and N runs
# with kv-server slowed by P % through its test knobs (every pass is a miss), alternating, against
# the stored baseline. With COMMANDS (e.g. set,get,incr) the slowed runs rotate through them, each
# slowing that one command only (--debug-slowdown-command); without, the whole server is slowed.
# Prints the tally and keeps every run's JSON and gate report under results/gate-proof/<timestamp>/
# for kv-compare stability.
#   scripts/gate-proof.sh [runs=10] [pct=15] [commands]
# Environment: as scripts/gate.sh (KV_BUILD_DIR, KV_GATE_BASELINE, KV_GATE_POLICY, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-10}
pct=${2:-15}
commands=${3:-}
case "$runs$pct" in *[!0-9]*|"") echo "gate-proof: runs and pct must be numbers" >&2; exit 2;; esac
if [ -n "${KV_BUILD_DIR:-}" ]; then build=$KV_BUILD_DIR
elif [ -f build/ci/build.ninja ]; then build=build/ci
else build=build/release; fi
export KV_BUILD_DIR=$build

dir=results/gate-proof/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dir"
wrapper=$(mktemp -d)
trap 'rm -rf "$wrapper"' EXIT
# kv_bench starts "the kv-server binary"; these are the same binary, slowed (one per command).
IFS=, read -r -a command_list <<< "${commands:-all}"
for cmd in "${command_list[@]}"; do
  case "$cmd" in *[!a-z]*|"") echo "gate-proof: bad command '$cmd'" >&2; exit 2;; esac
  only=""
  [ "$cmd" = all ] || only="--debug-slowdown-command $cmd"
  mkdir -p "$wrapper/$cmd"
  cat > "$wrapper/$cmd/kv-server" <<WRAP
#!/bin/sh
exec "$(pwd)/$build/kv-server" --debug-slowdown-pct $pct $only "\$@"
WRAP
  chmod +x "$wrapper/$cmd/kv-server"
done

false_alarms=0
detected=0
inconclusive=0
second_looks=0
unchanged_runs=()
for i in $(seq 1 "$runs"); do
  for kind in unchanged slowed; do
    extra=()
    cmd=${command_list[$(( (i - 1) % ${#command_list[@]} ))]}
    [ "$kind" = slowed ] && extra=("--kv_server_path=$wrapper/$cmd/kv-server")
    status=0
    KV_GATE_OUT="$dir/$kind-$i.json" scripts/gate.sh "${extra[@]}" > "$dir/$kind-$i.txt" 2>&1 ||
      status=$?
    if [ "$status" -ge 2 ]; then
      # Inconclusive (too noisy, or a failed case): neither an alarm nor a detection.
      if ! grep -q "too noisy to judge" "$dir/$kind-$i.txt"; then
        echo "gate-proof: run $kind-$i could not compare (exit $status):" >&2
        tail -20 "$dir/$kind-$i.txt" >&2
        exit 2
      fi
      inconclusive=$((inconclusive + 1))
    fi
    if [ "$kind" = unchanged ] && [ "$status" -eq 1 ]; then false_alarms=$((false_alarms + 1)); fi
    if [ "$kind" = slowed ] && [ "$status" -eq 1 ]; then detected=$((detected + 1)); fi
    label=$kind
    [ "$kind" = slowed ] && label="slowed ($cmd)"
    grep -q '^gate: look 2' "$dir/$kind-$i.txt" && second_looks=$((second_looks + 1))
    [ "$kind" = unchanged ] && unchanged_runs+=("$dir/$kind-$i.json")
    echo "gate-proof: $label run $i: exit $status ($(grep -E '^gate: [A-Z]' "$dir/$kind-$i.txt" | tail -1))"
  done
done
echo "gate-proof: unchanged code: $false_alarms false regression(s) in $runs runs"
echo "gate-proof: slowed by $pct % (${commands:-whole server}): $detected of $runs detected"
echo "gate-proof: $inconclusive run(s) too noisy to judge (exit 2: a warning in CI)"
echo "gate-proof: $second_looks of $(( 2 * runs )) runs took a second look"
echo "gate-proof: run-to-run variation of the unchanged runs:"
"$build/kv-compare" stability "${unchanged_runs[@]}"
echo "gate-proof: runs kept in $dir"
