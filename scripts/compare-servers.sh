#!/usr/bin/env bash
# kv-server against redis-server with the stock tools only: alternating rounds, each
# server started fresh and alone, the same redis-benchmark flags for both. Reports per round and
# as median [min..max] over rounds the ratios with their targets (README, Performance), and writes a JSON summary.
#
#   scripts/compare-servers.sh [--rounds N] [--requests N] [--requests-p16 N] [--tests set,get,incr]
#                              [--client-threads N] [--kv PATH] [--kv-args "ARGS"] [--out FILE]
#                              [--no-memory] [--no-idle]
#
# Per round and server: for -P 1 and -P 16 and each test,
#   redis-benchmark -p PORT -c 50 -r 100000 -n N -t TEST -P P --csv [--threads T]
# with the server's CPU time (utime + stime from /proc/PID/stat) read before and after, and the
# client's CPU ÷ wall time (client_cpu_busy: about 1.0 per client thread = the client set the pace);
# memory (first, on the fresh server): RSS growth while 1,000,000 keys key:%012d with 3-byte values are written (redis-cli --pipe);
# idle: -c 50 GET throughput alone, then with 10,000 idle connections (redis-benchmark -I) open,
#   3 pairs alternated; the ratio of the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
kv_script=compare-servers
. scripts/lib.sh

rounds=3
requests=200000
requests_p16=2000000
tests=set,get,incr
client_threads=1
kv=""
kv_args=""
out=""
do_memory=1
do_idle=1
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
need() { [ "$#" -ge 2 ] || { echo "compare-servers: $1 needs a value" >&2; exit 2; }; }
number() {
  case "$2" in '' | *[!0-9]*) echo "compare-servers: $1: '$2' is not a positive number" >&2; exit 2 ;; esac
  [ "$2" -gt 0 ] || { echo "compare-servers: $1 must be > 0" >&2; exit 2; }
}
while [ "$#" -gt 0 ]; do
  case "$1" in
    --rounds) need "$@"; number "$1" "$2"; rounds=$2; shift 2 ;;
    --requests) need "$@"; number "$1" "$2"; requests=$2; shift 2 ;;
    --requests-p16) need "$@"; number "$1" "$2"; requests_p16=$2; shift 2 ;;
    --tests) need "$@"; tests=$2; shift 2 ;;
    --client-threads) need "$@"; number "$1" "$2"; client_threads=$2; shift 2 ;;
    --kv) need "$@"; kv=$2; shift 2 ;;
    --kv-args) need "$@"; kv_args=$2; shift 2 ;;
    --out) need "$@"; out=$2; shift 2 ;;
    --no-memory) do_memory=0; shift ;;
    --no-idle) do_idle=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "compare-servers: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case ",$tests," in *[!a-z,]* | ,, ) echo "compare-servers: --tests: '$tests'" >&2; exit 2 ;; esac

kv_require_tools redis-server redis-benchmark redis-cli awk
kv=$(kv_find_server "$kv")
out=${out:-results/compare-servers/$(date -u +%Y%m%dT%H%M%SZ).json}
mkdir -p "$(dirname "$out")"
read -r -a kv_extra <<< "$kv_args"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$do_idle" = 1 ] && [ "$(ulimit -n)" -lt 10200 ]; then
  echo "compare-servers: the idle test needs 10,200 open files (ulimit -n is $(ulimit -n)); skipping it" >&2
  do_idle=0
fi

work=$(mktemp -d)
server_pid=""
idle_pid=""
cleanup() {
  [ -n "$idle_pid" ] && kill "$idle_pid" 2>/dev/null && wait "$idle_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
samples=$work/samples.tsv  # round server metric test pipeline value
: > "$samples"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$samples"; }
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
user_ticks() { awk '{print $14}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cli() { redis-cli -p "$port" "$@"; }

start_server() {  # $1 = kv | redis; sets server_pid, port (retries when the port was taken)
  local attempt
  for attempt in 1 2 3 4 5; do
    if try_start_server "$1"; then return; fi
    if ! grep -q "in use" "$work/$1.log"; then break; fi
  done
  echo "compare-servers: $1 did not start; its log:" >&2
  cat "$work/$1.log" >&2
  exit 1
}

try_start_server() {
  port=$(kv_free_port)
  if [ "$1" = kv ]; then
    "$kv" --port "$port" --maxclients 20000 "${kv_extra[@]}" > "$work/$1.log" 2>&1 &
  else
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --maxclients 20000 \
      --protected-mode no > "$work/$1.log" 2>&1 &
  fi
  server_pid=$!
  for _ in $(seq 1 100); do
    if [ "$(cli ping 2>/dev/null)" = PONG ]; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  return 1
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# Runs redis-benchmark with the server's CPU sampled around it; records rps, p99 and CPU s per
# million requests under (test, pipeline).
bench() {  # round server test pipeline n [extra redis-benchmark flags...]
  local round=$1 server=$2 test=$3 pipeline=$4 n=$5 line c0 c1 u0 u1
  shift 5
  c0=$(cpu_ticks "$server_pid")
  u0=$(user_ticks "$server_pid")
  # bash's time keyword reports the client's own CPU: near 1.0 per thread means the load
  # generator, not the server, set the pace.
  local TIMEFORMAT='%R %U %S'
  { time redis-benchmark -p "$port" -c 50 -r 100000 -n "$n" -t "$test" -P "$pipeline" --csv \
      --threads "$client_threads" "$@" 2>/dev/null | tail -1 > "$work/line"; } 2> "$work/time"
  line=$(cat "$work/line")
  c1=$(cpu_ticks "$server_pid")
  u1=$(user_ticks "$server_pid")
  # "SET","rps","avg","min","p50","p95","p99","max"
  local rps p99
  rps=$(echo "$line" | awk -F'"' '{print $4}')
  p99=$(echo "$line" | awk -F'"' '{print $14}')
  case "$rps" in '' | *[!0-9.]*) echo "compare-servers: redis-benchmark failed against $server: $line" >&2; exit 1 ;; esac
  record "$round" "$server" rps "$test" "$pipeline" "$rps"
  record "$round" "$server" p99_ms "$test" "$pipeline" "$p99"
  record "$round" "$server" cpu_s_per_mreq "$test" "$pipeline" \
    "$(awk -v d=$((c1 - c0)) -v hz="$hz" -v n="$n" 'BEGIN {printf "%.4f", d / hz / n * 1e6}')"
  # The user-space part: the rest is the kernel (syscalls, loopback TCP, sleeping and waking).
  record "$round" "$server" user_cpu_s_per_mreq "$test" "$pipeline" \
    "$(awk -v d=$((u1 - u0)) -v hz="$hz" -v n="$n" 'BEGIN {printf "%.4f", d / hz / n * 1e6}')"
  record "$round" "$server" client_cpu_busy "$test" "$pipeline" \
    "$(awk 'NR == 1 && $1 > 0 {printf "%.3f", ($2 + $3) / $1}' "$work/time")"
  # What the load generator itself costs: with client and server on the same cores, throughput is
  # at most cores / (client + server CPU per request), so this bounds any server's advantage.
  record "$round" "$server" client_cpu_s_per_mreq "$test" "$pipeline" \
    "$(awk -v n="$n" 'NR == 1 {printf "%.4f", ($2 + $3) / n * 1e6}' "$work/time")"
}

if [ "$do_memory" = 1 ]; then
  awk 'BEGIN { for (i = 0; i < 1000000; i++)
                 printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$3\r\nxyz\r\n", i }' > "$work/keys.resp"
fi

memory() {  # round server
  cli flushall > /dev/null
  sleep 0.2
  local r0 r1 keys
  r0=$(rss_kb "$server_pid")
  redis-cli -p "$port" --pipe < "$work/keys.resp" > "$work/pipe.out"
  keys=$(cli dbsize)
  r1=$(rss_kb "$server_pid")
  if [ "$keys" != 1000000 ]; then
    echo "compare-servers: $2 holds $keys keys after writing 1,000,000" >&2
    cat "$work/pipe.out" >&2
    exit 1
  fi
  record "$1" "$2" rss_bytes_per_key all 0 "$(( (r1 - r0) * 1024 / 1000000 ))"
  cli flushall > /dev/null
}

idle_pairs=3
median_rps() {  # round server-label: the median of that label's rps samples in the round
  awk -F'\t' -v r="$1" -v s="$2" '$1 == r && $2 == s && $3 == "rps" {print $6}' "$samples" |
    sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}
connected_clients() {
  cli info clients 2>/dev/null | awk -F: '/^connected_clients:/ {print $2+0}'
}
idle() {  # round server
  # Alone and with 10k idle connections, alternated idle_pairs times (one pair is too noisy on a
  # shared VM: single samples of either server move by +-20 %); the ratio of the medians is kept.
  local connected pair
  for pair in $(seq 1 "$idle_pairs"); do
    bench "$1" "$2-alone" get 1 "$requests"
    redis-benchmark -p "$port" -c 10000 -I > /dev/null 2>&1 &
    idle_pid=$!
    for _ in $(seq 1 300); do
      connected=$(connected_clients)
      [ "${connected:-0}" -ge 10000 ] && break
      sleep 0.1
    done
    if [ "${connected:-0}" -lt 10000 ]; then
      echo "compare-servers: only ${connected:-0} idle connections reached $2" >&2
      exit 1
    fi
    bench "$1" "$2-idle" get 1 "$requests"
    kill "$idle_pid" 2>/dev/null || true
    wait "$idle_pid" 2>/dev/null || true
    idle_pid=""
    for _ in $(seq 1 300); do
      [ "$(connected_clients)" -lt 100 ] && break
      sleep 0.1
    done
  done
  record "$1" "$2" busy_with_10k_idle_vs_alone get 1 \
    "$(awk -v a="$(median_rps "$1" "$2-alone")" -v w="$(median_rps "$1" "$2-idle")" 'BEGIN {printf "%.4f", w / a}')"
}

IFS=, read -r -a test_list <<< "$tests"
echo "compare-servers: kv-server $kv ${kv_args:+($kv_args) }vs $(redis-server --version | cut -d' ' -f1-3); $rounds round(s); redis-benchmark -c 50 -r 100000 --threads $client_threads; load $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
for round in $(seq 1 "$rounds"); do
  order="kv redis"
  [ $((round % 2)) -eq 0 ] && order="redis kv"
  for server in $order; do
    start_server "$server"
    # Memory first, on the fresh server: freed memory that an allocator keeps would hide growth.
    [ "$do_memory" = 1 ] && memory "$round" "$server"
    for pipeline in 1 16; do
      n=$requests
      [ "$pipeline" = 16 ] && n=$requests_p16
      for test in "${test_list[@]}"; do bench "$round" "$server" "$test" "$pipeline" "$n"; done
    done
    [ "$do_idle" = 1 ] && idle "$round" "$server"
    stop_server
    echo "compare-servers: round $round $server done ($(( $(date +%s) - start )) s)"
  done
done

# Ratios kv ÷ redis per round, then median [min..max] over rounds. Directions: rps higher is
# better; p99, CPU and memory lower; the idle figure is reported per server.
awk -F'\t' -v out="$out" -v kv="$kv" -v kv_args="$kv_args" -v threads="$client_threads" \
    -v rounds="$rounds" -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -v commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    -v machine="$(uname -srm), $(nproc) CPUs" -v redis="$(redis-server --version | cut -d' ' -f3)" '
function sort_(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
function median(a, n) { sort_(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
{ v[$1, $2, $3, $4, $5] = $6; key = $3 SUBSEP $4 SUBSEP $5; if (!(key in seen)) { seen[key] = 1; keys[++nk] = key } }
END {
  target["rps", 1] = ">= 1.2"; target["rps", 16] = ">= 1.5"; target["cpu_s_per_mreq", 1] = "<= 0.6"
  target["p99_ms", 1] = "<= 1.0"; target["p99_ms", 16] = "<= 1.0"; target["rss_bytes_per_key", 0] = "<= 0.7"
  printf "\n%-30s %-5s %3s %12s %12s %22s %8s\n", "metric", "test", "P", "kv", "redis", "kv/redis median [range]", "target"
  json = "{\n  \"schema\": \"kv-compare-servers/1\",\n  \"date\": \"" date "\",\n  \"commit\": \"" commit "\",\n  \"machine\": \"" machine "\",\n  \"redis_version\": \"" redis "\",\n  \"kv_server\": \"" kv "\",\n  \"kv_args\": \"" kv_args "\",\n  \"client_threads\": " threads ",\n  \"rounds\": " rounds ",\n  \"rows\": ["
  sep = ""
  for (k = 1; k <= nk; k++) {
    split(keys[k], p, SUBSEP); m = p[1]; t = p[2]; pl = p[3]
    if (m == "busy_with_10k_idle_vs_alone") continue
    nr = 0; kvs = ""; rds = ""; rs = ""
    for (r = 1; r <= rounds; r++) {
      if (!((r, "kv", m, t, pl) in v) || !((r, "redis", m, t, pl) in v)) continue
      a = v[r, "kv", m, t, pl]; b = v[r, "redis", m, t, pl]
      kvv[++nr] = a; rdv[nr] = b; ratio[nr] = (b > 0 ? a / b : 0)
      kvs = kvs (nr > 1 ? ", " : "") a; rds = rds (nr > 1 ? ", " : "") b; rs = rs (nr > 1 ? ", " : "") sprintf("%.4f", ratio[nr])
    }
    if (nr == 0) continue
    for (i = 1; i <= nr; i++) { rc[i] = ratio[i] } sort_(rc, nr); lo = rc[1]; hi = rc[nr]
    mk = median(kvv, nr); mr = median(rdv, nr); mratio = median(ratio, nr)
    tg = ((m, pl) in target) ? target[m, pl] : ""
    ok = ""
    if (tg != "") { split(tg, q, " "); ok = (q[1] == ">=" ? mratio >= q[2] : mratio <= q[2]) ? "met" : "MISSED" }
    printf "%-30s %-5s %3s %12.6g %12.6g %8.3f [%.3f..%.3f] %8s %s\n", m, t, (pl == 0 ? "-" : pl), mk, mr, mratio, lo, hi, tg, ok
    json = json sep "\n    {\"metric\": \"" m "\", \"test\": \"" t "\", \"pipeline\": " pl ", \"kv\": [" kvs "], \"redis\": [" rds "], \"ratio\": [" rs "], \"ratio_median\": " sprintf("%.4f", mratio) ", \"ratio_min\": " sprintf("%.4f", lo) ", \"ratio_max\": " sprintf("%.4f", hi) ", \"target\": \"" tg "\", \"met\": " (ok == "" ? "null" : (ok == "met" ? "true" : "false")) "}"
    sep = ","
  }
  json = json "\n  ],\n  \"idle\": ["
  sep = ""
  for (s = 1; s <= 2; s++) {
    server = (s == 1 ? "kv" : "redis"); n = 0; vals = ""
    for (r = 1; r <= rounds; r++) if ((r, server, "busy_with_10k_idle_vs_alone", "get", 1) in v) {
      iv[++n] = v[r, server, "busy_with_10k_idle_vs_alone", "get", 1]; vals = vals (n > 1 ? ", " : "") iv[n]
    }
    if (n == 0) continue
    mi = median(iv, n)
    printf "%-30s %-5s %3s %12.4f %12s %22s %8s %s\n", "busy with 10k idle / alone", "get", 1, mi, "(" server ")", "", ">= 0.9", (server == "kv" ? (mi >= 0.9 ? "met" : "MISSED") : "")
    json = json sep "\n    {\"server\": \"" server "\", \"busy_with_10k_idle_vs_alone\": [" vals "], \"median\": " sprintf("%.4f", mi) "}"
    sep = ","
  }
  json = json "\n  ]\n}\n"
  printf "%s", json > out
}' "$samples"
echo
echo "compare-servers: ratios are kv-server ÷ redis-server per round (rps: higher favours kv; p99, CPU and memory: lower favours kv)"
echo "compare-servers: $(( $(date +%s) - start )) s; JSON summary in $out"
