#!/usr/bin/env bash
# CTest compare_loadgen_script: scripts/compare-loadgen.sh with tiny runs prints per test the median
# ratio with its 95 % interval and a verdict (none from 3 rounds), refuses bad settings and leaves
# no redis-server behind. Checks the output's form only, never a figure.
#   tests/scripts/compare_loadgen_test.sh KV_LOAD KV_COMPARE     (exit 77: skipped, no redis tools)
set -euo pipefail
script=$(cd "$(dirname "$0")/../.." && pwd)/scripts/compare-loadgen.sh
kvload=$1
export KV_COMPARE=$2
for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool not found"; exit 77; }
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail() { echo "FAIL: $*"; echo "--- output:"; cat "$out"; exit 1; }
verdict='(faster|slower|no clear difference|too noisy to tell)'

status=0
ROUNDS=6 REQUESTS=2000 "$script" "$kvload" > "$out" 2>&1 || status=$?
[ "$status" = 0 ] || fail "6 rounds: exit $status"
[ "$(grep -cE '^[1-6] +(set|get) +[0-9.]+ +[0-9.]+ +[0-9.]+$' "$out")" = 12 ] ||
  fail "6 rounds: expected 12 per-round rows (6 rounds x set, get)"
for t in set get; do
  grep -Eq "^$t +[0-9.]+ \[[0-9.]+, [0-9.]+\] $verdict   target >= 1.5: (met|MISSED)" "$out" ||
    fail "6 rounds: no median [interval] verdict and target for $t"
done
port=$(awk '/redis-server port/ { print $NF }' "$out")
[ -n "$port" ] || fail "no redis-server port in the output"
if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then fail "redis-server still on port $port"; fi

status=0
ROUNDS=3 REQUESTS=500 TESTS=get CLIENTS=10 "$script" "$kvload" > "$out" 2>&1 || status=$?
[ "$status" = 0 ] || fail "3 rounds: exit $status"
grep -Eq '^get +[0-9.]+ \[no 95% interval from 3 values; needs 6\] too noisy to tell$' "$out" ||
  fail "3 rounds: expected no interval, too noisy to tell, and no target line (-c 10)"

expect_refused() {  # message-pattern, then the environment assignments
  local pattern=$1
  shift
  status=0
  env "$@" "$script" "$kvload" > "$out" 2>&1 || status=$?
  [ "$status" = 2 ] || fail "$*: exit $status, expected 2"
  grep -q "$pattern" "$out" || fail "$*: no message '$pattern'"
}
expect_refused "ROUNDS: '0' is not a positive number" ROUNDS=0
expect_refused "REQUESTS: 'many' is not a positive number" REQUESTS=many
expect_refused "TESTS: 'set,,get'" TESTS=set,,get
expect_refused "no kv-compare with 'interval'" KV_COMPARE=/nonexistent/kv-compare
echo "PASS"
