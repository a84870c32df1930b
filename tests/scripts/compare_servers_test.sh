#!/usr/bin/env bash
# CTest compare_servers_script: scripts/compare-servers.sh --tests: `all` is redis-benchmark's
# whole default list and the -t aliases expand (--list-tests), unknown or empty names are refused
# with exit 2, and a tiny run (1 round, 2,000 and 20,000 requests) of tests from each kind (inline
# and multibulk, zset, the LRANGE path) measures them on both servers and writes its JSON.
# Checks the output's form only, never a figure. Kept short: about 1 s per test and run.
#   tests/scripts/compare_servers_test.sh KV_SERVER KV_COMPARE    (exit 77: skipped, no redis tools)
set -euo pipefail
script=$(cd "$(dirname "$0")/../.." && pwd)/scripts/compare-servers.sh
kv=$1
export KV_COMPARE=$2
for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool not found"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/out
fail() { echo "FAIL: $*"; echo "--- output:"; cat "$out"; exit 1; }

expect_refused() {  # message, then the --tests value
  local status=0
  "$script" --kv "$kv" --tests "$2" --out "$work/refused.json" > "$out" 2>&1 || status=$?
  [ "$status" = 2 ] || fail "--tests '$2': exit $status, expected 2"
  grep -qF "$1" "$out" || fail "--tests '$2': no message '$1'"
}
expect_refused "unknown test 'lrange_200'" set,lrange_200
expect_refused "unknown test 'SET'" SET
expect_refused "an empty name" set,,get
expect_refused "an empty name" ""
status=0
"$script" --kv "$kv" --pipelines 8 > "$out" 2>&1 || status=$?
[ "$status" = 2 ] && grep -qF -- "--pipelines: '8'" "$out" || fail "--pipelines 8: exit $status"

all="ping_inline ping_mbulk set get incr lpush rpush lpop rpop sadd hset spop zadd zpopmin
lrange_100 lrange_300 lrange_500 lrange_600 mset"
[ "$("$script" --tests all --list-tests | tr '\n' ' ')" = "$(echo $all) " ] ||
  fail "--tests all --list-tests: not redis-benchmark's default list"
[ "$("$script" --tests ping,lrange,mset --list-tests | tr '\n' ' ')" = \
  "ping_inline ping_mbulk lrange_100 lrange_300 lrange_500 lrange_600 mset " ] ||
  fail "--tests ping,lrange,mset --list-tests: the aliases did not expand as redis-benchmark -t's"

tests="ping_inline,zadd,zpopmin,lrange_600"
status=0
# Enough requests that no run ends within redis-benchmark's 1 ms resolution (it then prints "inf").
"$script" --kv "$kv" --tests "$tests" --rounds 1 --requests 2000 --requests-p16 20000 --no-memory \
  --no-idle --out "$work/run.json" > "$out" 2>&1 || status=$?
[ "$status" = 0 ] || fail "--tests $tests: exit $status"
for t in ${tests//,/ }; do
  for p in 1 16; do
    grep -Eq "^rps +$t +$p +[0-9.e+]+ +[0-9.e+]+ " "$out" || fail "no rps row for $t -P $p"
  done
done
[ "$(grep -cE '^rps ' "$out")" = 8 ] || fail "expected 8 rps rows (4 tests x 2 pipelines)"
[ "$(grep -o '"metric": "rps"' "$work/run.json" | wc -l)" = 8 ] || fail "expected 8 rps rows in the JSON"
status=0
"$script" --kv "$kv" --tests set --rounds 1 --requests 2000 --pipelines 1 --no-memory --no-idle \
  --out "$work/p1.json" > "$out" 2>&1 || status=$?
[ "$status" = 0 ] || fail "--pipelines 1: exit $status"
[ "$(grep -cE '^rps ' "$out")" = 1 ] && grep -Eq '^rps +set +1 ' "$out" ||
  fail "--pipelines 1: expected one rps row, set at -P 1"
echo "PASS"
