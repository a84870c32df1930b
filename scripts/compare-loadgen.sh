#!/usr/bin/env bash
# kv-load vs redis-benchmark against the same redis-server, run alternately in the same session:
# prints each tool's requests per second per round and test, the ratio kv-load / redis-benchmark,
# and the median ratio. The target kv-load was built to: median ratio >= 1.5 at -c 50 -P 1 with one kv-load
# thread. The redis-server is started here on a free loopback port and killed on exit.
#
#   scripts/compare-loadgen.sh [path/to/kv-load]
#   env: ROUNDS=3 REQUESTS=200000 TESTS=set,get CLIENTS=50 PIPELINE=1 KV_LOAD_ARGS="--threads 1"
set -euo pipefail
cd "$(dirname "$0")/.."

kvload=${1:-${KV_LOAD:-build/release/kv-load}}
rounds=${ROUNDS:-3}
requests=${REQUESTS:-200000}
tests=${TESTS:-set,get}
clients=${CLIENTS:-50}
pipeline=${PIPELINE:-1}
kvload_args=${KV_LOAD_ARGS:-"--threads 1"}

for tool in redis-server redis-benchmark redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "compare-loadgen: $tool not found" >&2; exit 2; }
done
[[ -x $kvload ]] || { echo "compare-loadgen: $kvload is not built" >&2; exit 2; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >"$log" 2>&1 &
server_pid=$!
cleanup() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT INT TERM
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

echo "kv-load: $kvload ($kvload_args)   redis-server port $port"
echo "-c $clients -P $pipeline -n $requests, $rounds rounds, tests $tests (order alternates)"
printf '%-6s %-6s %16s %16s %8s\n' round test redis-benchmark kv-load ratio
ratios=()
for round in $(seq "$rounds"); do
  for t in ${tests//,/ }; do
    if (( round % 2 )); then rb=$(run_rb "$t"); kl=$(run_kl "$t"); else kl=$(run_kl "$t"); rb=$(run_rb "$t"); fi
    ratio=$(awk -v a="$kl" -v b="$rb" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    ratios+=("$ratio")
    printf '%-6s %-6s %16s %16s %8s\n' "$round" "$t" "$rb" "$kl" "$ratio"
  done
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
echo "median ratio kv-load / redis-benchmark: $median"
