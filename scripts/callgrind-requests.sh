#!/usr/bin/env bash
# User-space instructions per request, kv-server against redis-server (issue 7): each server runs
# under callgrind and gets 100,000 SETs of random keys (-r 100000); then for each test and pipeline
# depth the counters are zeroed, redis-benchmark sends N requests, and the dump's total Ir ÷ N is
# the figure. Unlike timings these counts repeat to within a fraction of a percent on a busy
# machine; they leave out the kernel (syscalls, TCP), which decides -P 1 (README, Performance).
#
#   scripts/callgrind-requests.sh [--kv PATH] [--requests N] [--tests get,set,incr]
#                                 [--pipelines 1,16] [--out FILE]
#
# kv-server runs with --io epoll --hugepages no: valgrind 3.19 does not implement io_uring's
# system calls and would not follow the huge-page re-exec. Needs valgrind (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
kv_script=callgrind-requests
. scripts/lib.sh

requests=50000
tests=get,set,incr
pipelines=1,16
kv=""
out=""
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
need() { [ "$#" -ge 2 ] || { echo "callgrind-requests: $1 needs a value" >&2; exit 2; }; }
while [ "$#" -gt 0 ]; do
  case "$1" in
    --kv) need "$@"; kv=$2; shift 2 ;;
    --requests) need "$@"; requests=$2; shift 2 ;;
    --tests) need "$@"; tests=$2; shift 2 ;;
    --pipelines) need "$@"; pipelines=$2; shift 2 ;;
    --out) need "$@"; out=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "callgrind-requests: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$requests" in '' | *[!0-9]* | 0) echo "callgrind-requests: --requests: '$requests' is not a positive number" >&2; exit 2 ;; esac
case ",$tests," in *[!a-z,]* | ,, ) echo "callgrind-requests: --tests: '$tests'" >&2; exit 2 ;; esac
case ",$pipelines," in *[!0-9,]* | ,, | *,0,* ) echo "callgrind-requests: --pipelines: '$pipelines'" >&2; exit 2 ;; esac
kv_require_tools valgrind callgrind_control redis-server redis-benchmark redis-cli awk
kv=$(kv_find_server "$kv")
out=${out:-results/callgrind/$(date -u +%Y%m%dT%H%M%SZ).json}
mkdir -p "$(dirname "$out")"

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
results=$work/results.tsv  # server test pipeline ir_per_request
: > "$results"

run_server() {  # kv | redis
  local name=$1 port
  port=$(kv_free_port)
  local -a cmd
  if [ "$name" = kv ]; then
    cmd=("$kv" --port "$port" --io epoll --hugepages no)
  else
    cmd=(redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --protected-mode no)
  fi
  valgrind --tool=callgrind --callgrind-out-file="$work/$name.cg" "${cmd[@]}" \
    > "$work/$name.log" 2>&1 &
  server_pid=$!
  local ok=0
  for _ in $(seq 1 300); do
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; then ok=1; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$ok" != 1 ]; then
    echo "callgrind-requests: $name did not start under valgrind:" >&2
    tail -5 "$work/$name.log" >&2
    exit 1
  fi
  redis-benchmark -p "$port" -c 50 -r 100000 -n 100000 -t set -P 16 -q > /dev/null
  IFS=, read -r -a test_list <<< "$tests"
  IFS=, read -r -a pipeline_list <<< "$pipelines"
  for pipeline in "${pipeline_list[@]}"; do
    for test in "${test_list[@]}"; do
      callgrind_control -z "$server_pid" > /dev/null 2>&1
      if ! redis-benchmark -p "$port" -c 50 -r 100000 -n "$requests" -t "$test" -P "$pipeline" \
          --csv > "$work/bench.csv" 2>&1 || ! grep -q '^"' "$work/bench.csv"; then
        echo "callgrind-requests: redis-benchmark -t $test failed against $name:" >&2
        tail -3 "$work/bench.csv" >&2
        exit 1
      fi
      callgrind_control -d "$server_pid" > /dev/null 2>&1
      local dump ir
      dump=$(ls -t "$work/$name.cg".* | head -1)
      ir=$(awk '/^summary:/ {print $2}' "$dump")
      [ -n "$ir" ] || { echo "callgrind-requests: no summary in $dump" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\n' "$name" "$test" "$pipeline" \
        "$(awk -v ir="$ir" -v n="$requests" 'BEGIN {printf "%.0f", ir / n}')" >> "$results"
      rm -f "$dump"
    done
  done
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

echo "callgrind-requests: $kv vs $(redis-server --version | cut -d' ' -f1-3); $requests requests per figure, redis-benchmark -c 50 -r 100000"
run_server kv
run_server redis

awk -F'\t' -v out="$out" -v kv="$kv" -v n="$requests" '
  { ir[$1, $2, $3] = $4; if (!(($2, $3) in seen)) { seen[$2, $3] = 1; order[++k] = $2 SUBSEP $3 } }
  END {
    printf "%-6s %3s %14s %14s %10s\n", "test", "-P", "kv Ir/req", "redis Ir/req", "kv/redis"
    json = "{\n  \"kv_server\": \"" kv "\",\n  \"requests\": " n ",\n  \"figures\": ["
    for (i = 1; i <= k; i++) {
      split(order[i], tp, SUBSEP)
      a = ir["kv", tp[1], tp[2]]; b = ir["redis", tp[1], tp[2]]
      printf "%-6s %3s %14s %14s %10.3f\n", tp[1], tp[2], a, b, a / b
      json = json (i > 1 ? "," : "") sprintf("\n    {\"test\": \"%s\", \"pipeline\": %s, \"kv_ir_per_request\": %s, \"redis_ir_per_request\": %s, \"ratio\": %.4f}", tp[1], tp[2], a, b, a / b)
    }
    print json "\n  ]\n}" > out
  }' "$results"
echo "callgrind-requests: JSON summary in $out"
