#!/usr/bin/env bash
# kv-server against redis-server with the stock tools only: alternating rounds, each
# server started fresh and alone, the same redis-benchmark flags for both. Reports the ratios
# kv ÷ redis per row as the median over the rounds with its 95 % interval and verdict (`kv-compare
# interval`, which needs >= 6 rounds; KV_COMPARE or build/release, else build/ci) and the targets
# (README, Performance), and writes a JSON summary (per round values and ratios, the interval).
#
#   scripts/compare-servers.sh [--rounds N] [--requests N] [--requests-p16 N] [--tests LIST|all]
#                              [--client-threads N] [--kv PATH] [--kv-args "ARGS"] [--out FILE]
#                              [--pipelines 1|16|1,16] [--no-memory] [--no-idle] [--list-tests]
#   defaults: 6 rounds, 200,000 requests at -P 1 and 2,000,000 at -P 16, tests set,get,incr,
#   pipelines 1,16
#   --tests: redis-benchmark -t names, comma-separated (ping_inline ping_mbulk set get incr lpush
#     rpush lpop rpop sadd hset spop zadd zpopmin lrange_100 lrange_300 lrange_500 lrange_600 mset;
#     ping and lrange as in -t: all of theirs); all: every one, redis-benchmark's default list.
#   --list-tests: print the tests --tests selects, one a line, and exit.
#
# Per round and server: for -P 1 and -P 16 and each test, in the order given (pops take what the
#   pushes before them left, as in redis-benchmark's default run),
#   redis-benchmark -p PORT -c 50 -r 100000 -n N -t TEST -P P --csv [--threads T]
#   except lrange_M: mylist is filled first (unmeasured, >= 600 values), then the measured run
#   sends LRANGE mylist 0 M-1 (-t lrange_M would also time its own LPUSH fill), N x 100 / M
#   requests for M > 100 (at least 1,000: a reply of M elements costs about M / 100 times one of
#   100, so each test runs for a similar time);
# with the server's CPU time read before and after (the run time of all its threads in ns from
# /proc/PID/task/*/schedstat; utime + stime from /proc/PID/stat, in 10 ms ticks, where schedstat
# is missing: a tick is 1-10 % of a run of 40,000 requests; the user part always in ticks), and the
# client's CPU ÷ wall time (client_cpu_busy: about 1.0 per client thread = the client set the pace);
# memory (first, on the fresh server): RSS growth while 1,000,000 keys key:%012d with 3-byte values are written (redis-cli --pipe);
# idle: -c 50 GET throughput alone, then with 10,000 idle connections (redis-benchmark -I) open,
#   3 pairs alternated; the ratio of the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
kv_script=compare-servers
. scripts/lib.sh

rounds=6
pipelines="1 16"
requests=200000
requests_p16=2000000
tests=set,get,incr
client_threads=1
kv=""
kv_args=""
out=""
do_memory=1
do_idle=1
list_tests=0
number() {
  case "$2" in '' | *[!0-9]*) echo "compare-servers: $1: '$2' is not a positive number" >&2; exit 2 ;; esac
  [ "$2" -gt 0 ] || { echo "compare-servers: $1 must be > 0" >&2; exit 2; }
}
while [ "$#" -gt 0 ]; do
  case "$1" in
    --rounds) kv_need "$@"; number "$1" "$2"; rounds=$2; shift 2 ;;
    --requests) kv_need "$@"; number "$1" "$2"; requests=$2; shift 2 ;;
    --requests-p16) kv_need "$@"; number "$1" "$2"; requests_p16=$2; shift 2 ;;
    --tests) kv_need "$@"; tests=$2; shift 2 ;;
    --client-threads) kv_need "$@"; number "$1" "$2"; client_threads=$2; shift 2 ;;
    --kv) kv_need "$@"; kv=$2; shift 2 ;;
    --kv-args) kv_need "$@"; kv_args=$2; shift 2 ;;
    --out) kv_need "$@"; out=$2; shift 2 ;;
    --no-memory) do_memory=0; shift ;;
    --no-idle) do_idle=0; shift ;;
    --pipelines)
      kv_need "$@"
      case "$2" in
        1 | 16) pipelines=$2 ;;
        1,16) pipelines="1 16" ;;
        *) echo "compare-servers: --pipelines: '$2' (1, 16 or 1,16)" >&2; exit 2 ;;
      esac
      shift 2
      ;;
    --list-tests) list_tests=1; shift ;;
    -h | --help) kv_usage; exit 0 ;;
    *) kv_unknown_argument "$1" ;;
  esac
done
# redis-benchmark's default tests, in its order (redis-benchmark -t accepts each name).
all_tests=(ping_inline ping_mbulk set get incr lpush rpush lpop rpop sadd hset spop zadd zpopmin
           lrange_100 lrange_300 lrange_500 lrange_600 mset)
case ",$tests," in *,,*) echo "compare-servers: --tests: '$tests': an empty name" >&2; exit 2 ;; esac
test_list=()
IFS=, read -r -a asked <<< "$tests"
for name in "${asked[@]}"; do
  case "$name" in
    all) test_list+=("${all_tests[@]}") ;;
    ping) test_list+=(ping_inline ping_mbulk) ;;
    lrange) test_list+=(lrange_100 lrange_300 lrange_500 lrange_600) ;;
    *)
      if [[ " ${all_tests[*]} " != *" $name "* ]]; then
        echo "compare-servers: --tests: unknown test '$name' (known: all ${all_tests[*]}," \
          "ping, lrange)" >&2
        exit 2
      fi
      test_list+=("$name") ;;
  esac
done
if [ "$list_tests" = 1 ]; then printf '%s\n' "${test_list[@]}"; exit 0; fi

kv_require_tools redis-server redis-benchmark redis-cli awk
kv=$(kv_find_server "$kv")
kv_compare=$(kv_find_compare)
out=${out:-results/compare-servers/$(date -u +%Y%m%dT%H%M%SZ).json}
mkdir -p "$(dirname "$out")"
read -r -a kv_extra <<< "$kv_args"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$do_idle" = 1 ] && [ "$(ulimit -n)" -lt 10200 ]; then
  echo "compare-servers: the idle test needs 10,200 open files (ulimit -n is $(ulimit -n)); skipping it" >&2
  do_idle=0
fi

kv_work_dir
samples=$work/samples.tsv  # round server metric test pipeline value
: > "$samples"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$samples"; }
hz=$(getconf CLK_TCK)
# The server's CPU time in ns: every thread's run time (schedstat), else utime + stime in ticks.
if [ -r /proc/self/schedstat ]; then
  cpu_ns() { cat /proc/"$1"/task/*/schedstat 2> /dev/null | awk '{s += $1} END {printf "%.0f", s}'; }
else
  cpu_ns() { awk -v hz="$hz" '{printf "%.0f", ($14 + $15) * 1e9 / hz}' "/proc/$1/stat"; }
fi
user_ticks() { awk '{print $14}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cli() { redis-cli -p "$port" "$@"; }

start_server() {  # $1 = kv | redis; sets server_pid and port
  if [ "$1" = kv ]; then
    kv_start_server "$kv" "$work/kv.log" --maxclients 20000 "${kv_extra[@]}"
  else
    kv_start_server redis "$work/redis.log" --maxclients 20000
  fi
  port=$server_port
}


# Runs redis-benchmark with the server's CPU sampled around it; records rps, p99 and CPU s per
# million requests under (test, pipeline).
bench() {  # round server test pipeline n [extra redis-benchmark flags...]
  local round=$1 server=$2 test=$3 pipeline=$4 n=$5 line c0 c1 u0 u1
  shift 5
  c0=$(cpu_ns "$server_pid")
  u0=$(user_ticks "$server_pid")
  # bash's time keyword reports the client's own CPU: near 1.0 per thread means the load
  # generator, not the server, set the pace.
  local TIMEFORMAT='%R %U %S'
  local what=(-t "$test")
  case "$test" in
    lrange_*)
      # -t lrange_M would time its LPUSH fill of N values too: fill once, unmeasured, and time
      # exactly redis-benchmark's LRANGE_M command.
      what=(LRANGE mylist 0 $((${test#lrange_} - 1)))
      local len
      len=$(cli llen mylist)
      if [ "${len:-0}" -lt 600 ]; then
        redis-benchmark -p "$port" -c 50 -n 1000 -t lpush -q > /dev/null 2>&1
      fi
      c0=$(cpu_ns "$server_pid")
      u0=$(user_ticks "$server_pid")
      ;;
  esac
  { time redis-benchmark -p "$port" -c 50 -r 100000 -n "$n" -P "$pipeline" --csv \
      --threads "$client_threads" "$@" "${what[@]}" 2>/dev/null | tail -1 > "$work/line"; } 2> "$work/time"
  line=$(cat "$work/line")
  c1=$(cpu_ns "$server_pid")
  u1=$(user_ticks "$server_pid")
  # "SET","rps","avg","min","p50","p95","p99","max"
  local rps p99
  rps=$(echo "$line" | awk -F'"' '{print $4}')
  p99=$(echo "$line" | awk -F'"' '{print $14}')
  if [ "$rps" = inf ]; then
    echo "compare-servers: $test -P $pipeline against $server ended within redis-benchmark's 1 ms resolution (rps \"inf\"): ask for more requests (--requests / --requests-p16)" >&2
    exit 1
  fi
  case "$rps" in '' | *[!0-9.]*) echo "compare-servers: redis-benchmark failed against $server: $line" >&2; exit 1 ;; esac
  record "$round" "$server" rps "$test" "$pipeline" "$rps"
  record "$round" "$server" p99_ms "$test" "$pipeline" "$p99"
  record "$round" "$server" cpu_s_per_mreq "$test" "$pipeline" \
    "$(awk -v d=$((c1 - c0)) -v n="$n" 'BEGIN {printf "%.4f", d / 1e9 / n * 1e6}')"
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

test_requests() {  # test n: the requests to send (lrange_M beyond 100: n x 100 / M, >= 1,000)
  local m
  case "$1" in
    lrange_*)
      m=${1#lrange_}
      if [ "$m" -gt 100 ]; then
        m=$(($2 * 100 / m))
        if [ "$m" -lt 1000 ]; then m=$(($2 < 1000 ? $2 : 1000)); fi
        echo "$m"
        return
      fi
      ;;
  esac
  echo "$2"
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
    kv_also_stop=$!  # the idle clients
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
    kv_stop $kv_also_stop
    kv_also_stop=""
    for _ in $(seq 1 300); do
      [ "$(connected_clients)" -lt 100 ] && break
      sleep 0.1
    done
  done
  record "$1" "$2" busy_with_10k_idle_vs_alone get 1 \
    "$(awk -v a="$(median_rps "$1" "$2-alone")" -v w="$(median_rps "$1" "$2-idle")" 'BEGIN {printf "%.4f", w / a}')"
}

echo "compare-servers: kv-server $kv ${kv_args:+($kv_args) }vs $(redis-server --version | cut -d' ' -f1-3); $rounds round(s); redis-benchmark -c 50 -r 100000 --threads $client_threads; load $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
for round in $(seq 1 "$rounds"); do
  order="kv redis"
  [ $((round % 2)) -eq 0 ] && order="redis kv"
  for server in $order; do
    start_server "$server"
    # Memory first, on the fresh server: freed memory that an allocator keeps would hide growth.
    [ "$do_memory" = 1 ] && memory "$round" "$server"
    for pipeline in $pipelines; do
      n=$requests
      [ "$pipeline" = 16 ] && n=$requests_p16
      for test in "${test_list[@]}"; do bench "$round" "$server" "$test" "$pipeline" "$(test_requests "$test" "$n")"; done
    done
    [ "$do_idle" = 1 ] && idle "$round" "$server"
    kv_stop_server
    echo "compare-servers: round $round $server done ($(( $(date +%s) - start )) s)"
  done
done

# Ratios kv ÷ redis per round; over the rounds the median ratio with its 95 % interval and verdict
# from `kv-compare interval` (the one implementation of the statistics; an interval needs >= 6
# rounds), min..max kept in the JSON. Directions: rps higher is better; p99, CPU and memory lower;
# the client's own figures are diagnostics (higher / lower); the idle figure is a ratio per server.
awk -F'\t' -v out="$out" -v kvc="$kv_compare" -v kv="$kv" -v kv_args="$kv_args" \
    -v threads="$client_threads" \
    -v rounds="$rounds" -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -v commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    -v machine="$(uname -srm), $(nproc) CPUs" -v redis="$(redis-server --version | cut -d' ' -f3)" '
function sort_(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
function median(a, n) { sort_(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
function fail(msg) { print "compare-servers: " msg > "/dev/stderr"; exit 1 }
function jnum(x) { return x == "null" || x == "" ? "null" : sprintf("%.4f", x) }
# The value of key in a flat JSON object (a number, null or a string without quotes).
function jfield(j, key,   s) {
  if (!match(j, "\"" key "\":(\"[^\"]*\"|[^,}]*)")) return ""
  s = substr(j, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
  gsub(/"/, "", s)
  return s
}
# kv-compare interval on vals (space-separated ratios), --lower-is-better when lower; words
# ("smaller larger", "higher lower") replace "faster slower". Sets J_text (its line), J_median,
# J_low, J_high, J_coverage ("null" without an interval) and J_verdict.
function judge(vals, lower, words,   cmd, j, w) {
  cmd = "\047" kvc "\047 interval" (lower ? " --lower-is-better" : "") vals
  J_text = ""
  if ((cmd | getline J_text) <= 0) fail("kv-compare failed: " cmd)
  close(cmd)
  if (((cmd " --format json") | getline j) <= 0) fail("kv-compare failed: " cmd " --format json")
  close(cmd " --format json")
  J_median = jfield(j, "median"); J_low = jfield(j, "low"); J_high = jfield(j, "high")
  J_coverage = jfield(j, "coverage"); J_verdict = jfield(j, "verdict")
  if (J_verdict == "" || J_median == "") fail("unexpected kv-compare output: " j)
  if (words != "" && (J_verdict == "faster" || J_verdict == "slower")) {
    split(words, w, " ")
    J_verdict = (J_verdict == "faster" ? w[1] : w[2])
    sub(/(faster|slower)$/, J_verdict, J_text)
  }
}
function no_ratio() {
  J_text = "n/a: no round with both values > 0"; J_verdict = "too noisy to tell"
  J_median = J_low = J_high = J_coverage = "null"
}
# A target ("<= 0.6", ">= 1.2") is met when the median ratio meets it; "(interval reaches X)" when
# the interval end X lies on the other side of it.
function target_status(tg, m, lo, hi,   q, t, ge, end_) {
  if (tg == "") return ""
  if (m == "null") return "n/a"
  split(tg, q, " "); t = q[2] + 0; ge = (q[1] == ">="); m += 0
  if (ge ? m >= t : m <= t) {
    if (lo == "null") return "met (no interval)"
    end_ = (ge ? lo : hi) + 0
    return (ge ? end_ < t : end_ > t) ? sprintf("met (interval reaches %.3f)", end_) : "met"
  }
  if (lo == "null") return "MISSED (no interval)"
  end_ = (ge ? hi : lo) + 0
  return (ge ? end_ >= t : end_ <= t) ? sprintf("MISSED (interval reaches %.3f)", end_) : "MISSED"
}
function json_value(x) { return x == "" ? "null" : x }
{ v[$1, $2, $3, $4, $5] = $6; key = $3 SUBSEP $4 SUBSEP $5; if (!(key in seen)) { seen[key] = 1; keys[++nk] = key } }
END {
  target["rps", 1] = ">= 1.2"; target["rps", 16] = ">= 1.5"; target["cpu_s_per_mreq", 1] = "<= 0.6"
  target["p99_ms", 1] = "<= 1.0"; target["p99_ms", 16] = "<= 1.0"; target["rss_bytes_per_key", 0] = "<= 0.7"
  row = "%-30s %-11s %3s %12s %12s   %-42s %s\n"
  printf "\n" row, "metric", "test", "P", "kv", "redis", "kv/redis median [95% interval] verdict", "target"
  json = "{\n  \"schema\": \"kv-compare-servers/1\",\n  \"date\": \"" date "\",\n  \"commit\": \"" commit "\",\n  \"machine\": \"" machine "\",\n  \"redis_version\": \"" redis "\",\n  \"kv_server\": \"" kv "\",\n  \"kv_args\": \"" kv_args "\",\n  \"client_threads\": " threads ",\n  \"rounds\": " rounds ",\n  \"rows\": ["
  sep = ""
  for (k = 1; k <= nk; k++) {
    split(keys[k], p, SUBSEP); m = p[1]; t = p[2]; pl = p[3]
    if (m == "busy_with_10k_idle_vs_alone") continue
    nr = 0; nv = 0; kvs = ""; rds = ""; rs = ""; vals = ""
    for (r = 1; r <= rounds; r++) {
      if (!((r, "kv", m, t, pl) in v) || !((r, "redis", m, t, pl) in v)) continue
      a = v[r, "kv", m, t, pl]; b = v[r, "redis", m, t, pl]
      kvv[++nr] = a + 0; rdv[nr] = b + 0
      x = "null"
      # A ratio with a 0 (too few requests for the CPU clock) is left out of the interval.
      if (a + 0 > 0 && b + 0 > 0) { rv[++nv] = a / b; x = sprintf("%.4f", a / b); vals = vals " " sprintf("%.10g", a / b) }
      kvs = kvs (nr > 1 ? ", " : "") json_value(a); rds = rds (nr > 1 ? ", " : "") json_value(b); rs = rs (nr > 1 ? ", " : "") x
    }
    if (nr == 0) continue
    mk = median(kvv, nr); mr = median(rdv, nr)
    lower = (m ~ /^(p99_ms|cpu_s_per_mreq|user_cpu_s_per_mreq|rss_bytes_per_key)$/)
    words = (m == "rss_bytes_per_key" ? "smaller larger" : m ~ /^client_/ ? "higher lower" : "")
    if (nv > 0) { judge(vals, lower, words); sort_(rv, nv); lo = sprintf("%.4f", rv[1]); hi = sprintf("%.4f", rv[nv]) }
    else { no_ratio(); lo = hi = "null" }
    tg = ((m, pl) in target) ? target[m, pl] : ""
    st = target_status(tg, J_median, J_low, J_high)
    note = (nv < nr ? sprintf(" (%d of %d rounds measured 0: left out)", nr - nv, nr) : "")
    printf row, m, t, (pl == 0 ? "-" : pl), sprintf("%.6g", mk), sprintf("%.6g", mr), J_text, (tg == "" ? "" : tg " " st) note
    json = json sep "\n    {\"metric\": \"" m "\", \"test\": \"" t "\", \"pipeline\": " pl ", \"kv\": [" kvs "], \"redis\": [" rds "], \"ratio\": [" rs "], \"ratio_median\": " jnum(J_median) ", \"ratio_low\": " jnum(J_low) ", \"ratio_high\": " jnum(J_high) ", \"coverage\": " jnum(J_coverage) ", \"verdict\": \"" J_verdict "\", \"ratio_min\": " lo ", \"ratio_max\": " hi ", \"target\": \"" tg "\", \"met\": " (tg == "" || J_median == "null" ? "null" : (st ~ /^met/ ? "true" : "false")) ", \"target_status\": \"" st "\"}"
    sep = ","
  }
  json = json "\n  ],\n  \"idle\": ["
  sep = ""
  for (s = 1; s <= 2; s++) {
    server = (s == 1 ? "kv" : "redis"); n = 0; nv = 0; ivals = ""; vals = ""
    for (r = 1; r <= rounds; r++) if ((r, server, "busy_with_10k_idle_vs_alone", "get", 1) in v) {
      x = v[r, server, "busy_with_10k_idle_vs_alone", "get", 1]; n++
      ivals = ivals (n > 1 ? ", " : "") json_value(x)
      if (x + 0 > 0) { iv[++nv] = x + 0; vals = vals " " x }
    }
    if (n == 0) continue
    if (nv > 0) judge(vals, 0, ""); else no_ratio()
    st = (server == "kv" ? target_status(">= 0.9", J_median, J_low, J_high) : "")
    printf row, "busy with 10k idle / alone", "get", 1, (server == "kv" ? "(kv)" : ""), (server == "kv" ? "" : "(redis)"), J_text, (st == "" ? "" : ">= 0.9 " st)
    json = json sep "\n    {\"server\": \"" server "\", \"busy_with_10k_idle_vs_alone\": [" ivals "], \"median\": " jnum(J_median) ", \"ratio_low\": " jnum(J_low) ", \"ratio_high\": " jnum(J_high) ", \"coverage\": " jnum(J_coverage) ", \"verdict\": \"" J_verdict "\"}"
    sep = ","
  }
  json = json "\n  ]\n}\n"
  printf "%s", json > out
}' "$samples"
echo
echo "compare-servers: ratios are kv-server ÷ redis-server per round; per row the median over the rounds, its 95 % interval and"
echo "  the verdict (kv-compare interval; an interval needs >= 6 rounds). faster / slower: kv-server's rps higher / lower, its p99"
echo "  and CPU per request lower / higher; memory per key: smaller / larger; client_*: the load generator's figures, higher / lower."
echo "  A target is met when the median ratio meets it; \"(interval reaches X)\": the interval's end X lies across the target."
if [ "$do_idle" = 1 ]; then
  echo "  busy with 10k idle / alone: per server, the GET rps with 10,000 idle connections open ÷ without (slower: they cost rps)."
fi
echo "compare-servers: $(( $(date +%s) - start )) s; JSON summary in $out"
