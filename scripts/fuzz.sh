#!/usr/bin/env bash
# Builds the libFuzzer targets with the fuzz preset (clang, ASan+UBSan) and runs each for a bounded
# time, starting from its seed corpus in tests/fuzz/corpus/<target>. Prints each target's
# execution count; exits non-zero if any target crashed (the crashing input is kept and named).
#   scripts/fuzz.sh [seconds per target, default 60]
#   KV_FUZZ_BUILD_DIR   build directory (default: build/fuzz, the preset's)
#   KV_FUZZ_TARGETS     targets to run (default: "request_parser dispatch")
#   KV_JOBS             build parallelism (default: nproc)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || [[ $seconds -eq 0 ]]; then
  echo "usage: $0 [seconds per target]" >&2
  exit 2
fi
build=${KV_FUZZ_BUILD_DIR:-$root/build/fuzz}
targets=${KV_FUZZ_TARGETS:-"request_parser dispatch"}
jobs=${KV_JOBS:-$(nproc)}

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is needed for libFuzzer (apt-get install clang)" >&2
  exit 2
fi

echo "=== fuzz: configure and build in $build"
cmake --preset fuzz -B "$build" >/dev/null
build_targets=()
for t in $targets; do build_targets+=("fuzz_$t"); done
cmake --build "$build" -j "$jobs" --target "${build_targets[@]}"

failed=()
summary=()
for t in $targets; do
  binary=$build/fuzz/fuzz_$t
  seeds=$root/tests/fuzz/corpus/$t
  # New inputs go to a scratch corpus in the build directory; the checked-in seeds stay as they are.
  work=$build/fuzz-corpus/$t
  artifacts=$build/fuzz-artifacts/$t
  mkdir -p "$work" "$artifacts"
  log=$build/fuzz-$t.log
  echo "=== fuzz_$t: ${seconds}s (log: $log)"
  status=0
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$work" "$seeds" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  execs=${execs:-unknown}
  if [[ $status -ne 0 ]]; then
    failed+=("$t")
    summary+=("fuzz_$t: FAILED (exit $status) after $execs executions")
    echo "--- fuzz_$t failed; end of its log:"
    tail -n 40 "$log"
    ls -1 "$artifacts" | sed "s|^|    artifact: $artifacts/|"
  else
    summary+=("fuzz_$t: $execs executions in ${seconds}s, no crash")
  fi
done

echo "=== fuzz summary"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "crashed: ${failed[*]} (reproduce: <build>/fuzz/fuzz_<target> <artifact>)" >&2
  exit 1
fi
