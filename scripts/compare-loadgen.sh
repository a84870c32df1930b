#!/usr/bin/env bash
# kv-load vs redis-benchmark against the same redis-server, run alternately in the same session:
# prints each tool's requests per second per round and test, the ratio kv-load ÷ redis-benchmark,
# and per test the median ratio over the rounds with its 95 % interval and verdict
# (`kv-compare interval`: faster, slower, no clear difference, too noisy to tell; an interval
# needs >= 6 rounds). The target kv-load was built to: median ratio >= 1.5 at -c 50 -P 1 with one
# kv-load thread. The redis-server is started here on a free loopback port and killed on exit.
#
#   scripts/compare-loadgen.sh [path/to/kv-load]
#   env: ROUNDS=6 REQUESTS=200000 TESTS=set,get CLIENTS=50 PIPELINE=1 KV_LOAD_ARGS="--threads 1"
#        KV_LOAD (kv-load when no path is given; default build/release/kv-load),
#        KV_COMPARE (default build/release/kv-compare, else build/ci/kv-compare)
set -euo pipefail
cd "$(dirname "$0")/.."
kv_script=compare-loadgen
. scripts/lib.sh

kvload=${1:-${KV_LOAD:-build/release/kv-load}}
rounds=${ROUNDS:-6}
requests=${REQUESTS:-200000}
tests=${TESTS:-set,get}
clients=${CLIENTS:-50}
pipeline=${PIPELINE:-1}
kvload_args=${KV_LOAD_ARGS:-"--threads 1"}

for setting in ROUNDS="$rounds" REQUESTS="$requests" CLIENTS="$clients" PIPELINE="$pipeline"; do
  case "${setting#*=}" in
    '' | *[!0-9]* | 0*) echo "compare-loadgen: ${setting%%=*}: '${setting#*=}' is not a positive number" >&2; exit 2 ;;
  esac
done
case ",$tests," in *[!a-z0-9_,]* | ,, | *,,*) echo "compare-loadgen: TESTS: '$tests' (e.g. set,get)" >&2; exit 2 ;; esac
kv_require_tools redis-server redis-benchmark redis-cli python3 awk
[[ -x $kvload ]] || { echo "compare-loadgen: $kvload is not built" >&2; exit 2; }
kvcompare=$(kv_find_compare)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >"$log" 2>&1 &
server_pid=$!
cleanup() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for _ in $(seq 100); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.05
done
redis-cli -p "$port" ping >/dev/null || { echo "compare-loadgen: redis-server did not start" >&2; cat "$log" >&2; exit 2; }

# rps of the single CSV row a tool printed for one test.
rps_of() { awk -F'","' 'NR == 2 { print $2 }'; }
run_rb() { redis-benchmark -p "$port" -c "$clients" -P "$pipeline" -n "$requests" -t "$1" --csv 2>/dev/null | tr -d '\r' | rps_of; }
# shellcheck disable=SC2086  # kvload_args is a list of flags
run_kl() { "$kvload" -p "$port" -c "$clients" -P "$pipeline" -n "$requests" -t "$1" --csv $kvload_args | rps_of; }
positive() {  # tool test value: value is a positive rps, or the run failed
  if ! awk -v v="$3" 'BEGIN { exit !(v ~ /^[0-9]+(\.[0-9]*)?$/ && v > 0) }'; then
    echo "compare-loadgen: $1 gave no requests per second for '$2' (got '$3')" >&2
    exit 1
  fi
}

echo "kv-load: $kvload ($kvload_args)   redis-server port $port"
echo "-c $clients -P $pipeline -n $requests, $rounds rounds, tests $tests (order alternates)"
printf '%-6s %-6s %16s %16s %8s\n' round test redis-benchmark kv-load ratio
declare -A ratios  # test -> the per-round ratios kv-load ÷ redis-benchmark, space-separated
for round in $(seq "$rounds"); do
  for t in ${tests//,/ }; do
    if (( round % 2 )); then rb=$(run_rb "$t"); kl=$(run_kl "$t"); else kl=$(run_kl "$t"); rb=$(run_rb "$t"); fi
    positive redis-benchmark "$t" "$rb"
    positive kv-load "$t" "$kl"
    ratio=$(awk -v a="$kl" -v b="$rb" 'BEGIN { printf "%.4f", a / b }')
    ratios[$t]="${ratios[$t]:-} $ratio"
    printf '%-6s %-6s %16s %16s %8.3f\n' "$round" "$t" "$rb" "$kl" "$ratio"
  done
done

# Per test, not pooled: set and get are different measurements.
echo
echo "kv-load ÷ redis-benchmark, median [95% interval] verdict (faster: kv-load sends more requests/s)"
target=""
if [[ $clients == 50 && $pipeline == 1 && $kvload_args == "--threads 1" ]]; then target=1.5; fi
for t in ${tests//,/ }; do
  # shellcheck disable=SC2086  # the ratios are separate arguments
  line=$("$kvcompare" interval ${ratios[$t]})
  met=""
  if [[ -n $target ]]; then
    # Met when the median meets it; the interval's far end is named when it lies across.
    read -r median _ <<< "$line"
    low=""
    high=""
    if [[ $line =~ ^[^\ ]+\ \[([0-9.]+),\ ([0-9.]+)\] ]]; then
      low=${BASH_REMATCH[1]}
      high=${BASH_REMATCH[2]}
    fi
    met=$(awk -v m="$median" -v t="$target" -v lo="$low" -v hi="$high" 'BEGIN {
      if (m >= t) s = "met" (lo == "" ? " (no interval)" : lo < t ? " (interval reaches " lo ")" : "")
      else s = "MISSED" (hi == "" ? " (no interval)" : hi >= t ? " (interval reaches " hi ")" : "")
      print s }')
    met="   target >= $target: $met"
  fi
  printf '%-6s %s%s\n' "$t" "$line" "$met"
done
