#!/usr/bin/env bash
# The README's test command: set up if needed, then configure, build and run every test except the
# benchmarks in the release build and the sanitizer (ASan+UBSan) build. Non-zero on any failure.
#   KV_TEST_PRESETS="release asan"   presets to run (CI uses "ci asan": release with -Werror)
#   KV_UNITY_TESTS=ON                compile each test executable in unity batches of 8 files: a
#                                    fresh build of both presets takes about a third less CPU; set
#                                    OFF for an edit-build-test loop (an edit then rebuilds 1 file)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

presets=${KV_TEST_PRESETS:-"release asan"}
jobs=${KV_JOBS:-$(nproc)}
for preset in $presets; do
  echo "=== $preset: configure and build"
  cmake --preset "$preset" -DKV_UNITY_TESTS="${KV_UNITY_TESTS:-ON}" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== $preset: tests"
  ctest --preset "$preset" -LE benchmark -j "$jobs" --timeout 300
done
echo "=== all tests passed in: $presets"
