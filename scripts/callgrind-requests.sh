#!/usr/bin/env bash
# User-space instructions per request, kv-server (and redis-server unless --kv-only): each server
# runs under callgrind and gets 100,000 SETs of random keys (-r 100000); then for each pipeline
# depth and test the counters are zeroed, redis-benchmark -c 50 sends N requests, and the dump's
# total Ir ÷ N is the figure. Unlike timings these counts repeat to within a fraction of a percent
# on a busy machine; they leave out the kernel (syscalls, TCP), which decides -P 1. The JSON
# (schema kvbench-instructions) is what `kv-compare instructions` compares (the instruction gate).
#
#   scripts/callgrind-requests.sh [--kv PATH] [--kv-only] [--kv-args "ARGS"] [--requests N]
#       [--tests get,set,incr,mset,ping_inline,ping_mbulk] [--pipelines 1,16] [--runs N] [--out FILE]
#
# --runs N repeats the whole measurement N times (a new server each time); each figure is the
# median and kv_spread = (max - min) ÷ median. --kv-args adds kv-server flags (e.g. the debug
# knob "--debug-extra-work 100"). KV_COMMIT overrides the commit recorded in the provenance.
# kv-server runs with --io epoll --hugepages no: valgrind 3.19 does not implement io_uring's
# system calls and would not follow the huge-page re-exec.
set -euo pipefail
cd "$(dirname "$0")/.."
kv_script=callgrind-requests
. scripts/lib.sh

requests=50000
tests=get,set,incr,mset,ping_inline,ping_mbulk
pipelines=1,16
runs=1
kv=""
kv_args=""
kv_only=0
out=""
clients=50
keyspace=100000
while [ "$#" -gt 0 ]; do
  case "$1" in
    --kv) kv_need "$@"; kv=$2; shift 2 ;;
    --kv-only) kv_only=1; shift ;;
    --kv-args) kv_need "$@"; kv_args=$2; shift 2 ;;
    --requests) kv_need "$@"; requests=$2; shift 2 ;;
    --tests) kv_need "$@"; tests=$2; shift 2 ;;
    --pipelines) kv_need "$@"; pipelines=$2; shift 2 ;;
    --runs) kv_need "$@"; runs=$2; shift 2 ;;
    --out) kv_need "$@"; out=$2; shift 2 ;;
    -h | --help) kv_usage; exit 0 ;;
    *) kv_unknown_argument "$1" ;;
  esac
done
case "$requests" in '' | *[!0-9]* | 0*) echo "callgrind-requests: --requests: '$requests' is not a positive number" >&2; exit 2 ;; esac
case "$runs" in '' | *[!0-9]* | 0*) echo "callgrind-requests: --runs: '$runs' is not a positive number" >&2; exit 2 ;; esac
case ",$tests," in *[!a-z_,]* | *,,* ) echo "callgrind-requests: --tests: '$tests'" >&2; exit 2 ;; esac
case ",$pipelines," in *[!0-9,]* | *,,* | *,0* ) echo "callgrind-requests: --pipelines: '$pipelines'" >&2; exit 2 ;; esac
case "$kv_args" in *[\"\\]*) echo "callgrind-requests: --kv-args: no quotes or backslashes" >&2; exit 2 ;; esac
kv_require_tools valgrind callgrind_control redis-benchmark redis-cli awk
[ "$kv_only" = 1 ] || kv_require_tools redis-server
kv=$(kv_find_server "$kv")
read -r -a kv_extra <<< "$kv_args"
out=${out:-results/callgrind/$(date -u +%Y%m%dT%H%M%SZ).json}
mkdir -p "$(dirname "$out")"

kv_work_dir
results=$work/results.tsv  # server test pipeline run ir_per_request
: > "$results"
IFS=, read -r -a test_list <<< "$tests"
IFS=, read -r -a pipeline_list <<< "$pipelines"

run_server() {  # kv|redis RUN
  local name=$1 run=$2 port
  port=$(kv_free_port)
  local -a cmd
  if [ "$name" = kv ]; then
    cmd=("$kv" --port "$port" --io epoll --hugepages no "${kv_extra[@]}")
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
  redis-benchmark -p "$port" -c "$clients" -r "$keyspace" -n "$keyspace" -t set -P 16 -q > /dev/null
  for pipeline in "${pipeline_list[@]}"; do
    for test in "${test_list[@]}"; do
      callgrind_control -z "$server_pid" > /dev/null 2>&1
      if ! redis-benchmark -p "$port" -c "$clients" -r "$keyspace" -n "$requests" -t "$test" \
          -P "$pipeline" --csv > "$work/bench.csv" 2>&1 || ! grep -q '^"' "$work/bench.csv"; then
        echo "callgrind-requests: redis-benchmark -t $test failed against $name:" >&2
        tail -3 "$work/bench.csv" >&2
        exit 1
      fi
      if [ "$(grep -c '^"' "$work/bench.csv")" -lt 2 ]; then
        echo "callgrind-requests: redis-benchmark does not know the test '$test'" >&2
        exit 2
      fi
      callgrind_control -d "$server_pid" > /dev/null 2>&1
      local dump ir
      dump=$(ls -t "$work/$name.cg".* | head -1)
      ir=$(awk '/^summary:/ {print $2}' "$dump")
      [ -n "$ir" ] || { echo "callgrind-requests: no summary in $dump" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$test" "$pipeline" "$run" \
        "$(awk -v ir="$ir" -v n="$requests" 'BEGIN {printf "%.1f", ir / n}')" >> "$results"
      rm -f "$dump"
    done
  done
  kv_stop_server
}

# Provenance: the source tree, the tools and the build of the measured binary (its CMakeCache).
cache=$(dirname "$kv")/CMakeCache.txt
# Empty (not an error) when the binary was not built in a CMake build tree (a copy elsewhere).
cache_get() { [ -f "$cache" ] || return 0; sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -1; }
build_type=$(cache_get CMAKE_BUILD_TYPE)
build_type_upper=$(echo "$build_type" | tr '[:lower:]' '[:upper:]')
cxx=$(cache_get CMAKE_CXX_COMPILER)
if [ -n "${KV_COMMIT:-}" ]; then
  commit=$KV_COMMIT  # the binary was built from another tree
else
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  if git status --porcelain 2>/dev/null | grep -q .; then commit="$commit (uncommitted changes)"; fi
fi
flags=$(echo "$(cache_get CMAKE_CXX_FLAGS) $(cache_get "CMAKE_CXX_FLAGS_$build_type_upper")" | xargs)
provenance=(
  commit "$commit"
  date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  valgrind "$(valgrind --version)"
  redis_benchmark "$(redis-benchmark --version 2>/dev/null | cut -d' ' -f1-2)"
  compiler "$( [ -n "$cxx" ] && "$cxx" --version 2>/dev/null | head -1 || echo unknown)"
  flags "${build_type:-?}: $flags"
  machine "$(uname -srm), $(nproc) CPUs"
  cpu "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"
)

servers="kv"
[ "$kv_only" = 1 ] || servers="kv redis"
echo "callgrind-requests: $kv${kv_args:+ $kv_args}${servers#kv}; $requests requests per figure," \
  "redis-benchmark -c $clients -r $keyspace, $runs run(s)"
for run in $(seq 1 "$runs"); do
  for name in $servers; do run_server "$name" "$run"; done
done

printf '%s\n' "${provenance[@]}" | awk -F'\t' -v out="$out" -v kv="$kv" -v kv_args="$kv_args" \
    -v n="$requests" -v clients="$clients" -v keyspace="$keyspace" -v runs="$runs" \
    -v results="$results" '
  function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
  # Median and (max - min) / median of the values of one key (space-separated).
  function stats(list,   v, m, i, j, t, med) {
    m = split(list, v, " ")
    for (i = 2; i <= m; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    med = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
    spread = (v[m] - v[1]) / med
    return med
  }
  NR % 2 == 1 { key = $0; next }
  { prov = prov (prov == "" ? "" : ",\n") "    " q(key) ": " q($0) }
  END {
    FS = "\t"
    while ((getline line < results) > 0) {
      split(line, f, "\t")
      vals[f[1], f[2], f[3]] = vals[f[1], f[2], f[3]] " " f[5] + 0
      if (!((f[2], f[3]) in seen)) { seen[f[2], f[3]] = 1; order[++k] = f[2] SUBSEP f[3] }
    }
    has_redis = 0
    for (key in vals) { split(key, parts, SUBSEP); if (parts[1] == "redis") has_redis = 1 }
    if (has_redis) printf "%-12s %3s %12s %8s %12s %8s %9s\n", "test", "-P", "kv Ir/req", "spread", "redis Ir/req", "spread", "kv/redis"
    else printf "%-12s %3s %12s %8s\n", "test", "-P", "kv Ir/req", "spread"
    json = "{\n  \"schema\": \"kvbench-instructions\",\n  \"schema_version\": 1,\n" \
           "  \"kv_server\": " q(kv) ",\n  \"kv_args\": " q(kv_args) ",\n" \
           "  \"requests\": " n ",\n  \"clients\": " clients ",\n  \"keyspace\": " keyspace ",\n" \
           "  \"runs\": " runs ",\n  \"provenance\": {\n" prov "\n  },\n  \"figures\": ["
    for (i = 1; i <= k; i++) {
      split(order[i], tp, SUBSEP)
      a = stats(vals["kv", tp[1], tp[2]]); sa = spread
      row = sprintf("\n    {\"test\": \"%s\", \"pipeline\": %s, \"kv_ir_per_request\": %.1f", tp[1], tp[2], a)
      if (runs > 1) row = row sprintf(", \"kv_spread\": %.5f", sa)
      if (has_redis) {
        b = stats(vals["redis", tp[1], tp[2]]); sb = spread
        printf "%-12s %3s %12.1f %7.3f%% %12.1f %7.3f%% %9.3f\n", tp[1], tp[2], a, sa * 100, b, sb * 100, a / b
        row = row sprintf(", \"redis_ir_per_request\": %.1f", b)
        if (runs > 1) row = row sprintf(", \"redis_spread\": %.5f", sb)
        row = row sprintf(", \"ratio\": %.4f", a / b)
      } else {
        printf "%-12s %3s %12.1f %7.3f%%\n", tp[1], tp[2], a, sa * 100
      }
      json = json (i > 1 ? "," : "") row "}"
    }
    print json "\n  ]\n}" > out
  }'
echo "callgrind-requests: JSON summary in $out"
