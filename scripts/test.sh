#!/usr/bin/env bash
# The README's test command: set up if needed, then configure, build and run every test except the
# benchmarks in the release build and the sanitizer (ASan+UBSan) build. Non-zero on any failure.
#   KV_TEST_PRESETS="release asan"   presets to run (CI uses "ci asan": release with -Werror)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

presets=${KV_TEST_PRESETS:-"release asan"}
jobs=${KV_JOBS:-$(nproc)}
for preset in $presets; do
  echo "=== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== $preset: tests"
  ctest --preset "$preset" -LE benchmark -j "$jobs" --timeout 300
done
echo "=== all tests passed in: $presets"
