#!/usr/bin/env bash
# Issue 17's verification of kv-load --slo against kv-server and redis-server on this machine:
# per server and test, KV_SLO_RUNS saturation searches (alternating the servers, each started
# once on a free loopback port), the rate R (median of the answers) and its spread
# (max - min) / median, then fixed-rate open-loop runs at R and 1.25 R (does the objective hold?),
# and finally `kv-compare search` of the two sets of searches (skipped, with a note, when that
# kv-compare lacks the subcommand).
#
#   scripts/slo-check.sh
#   environment: KV_BUILD_DIR (default build/release, else build/ci): kv-load, kv-server,
#                kv-compare; KV_SLO (default 'p99<=1ms'); KV_SLO_RUNS (default 5);
#                KV_SLO_TESTS (default 'get set'); KV_SLO_MAX_TIME (default 120 s per search);
#                KV_SLO_FIXED_S (default 10 s per fixed-rate run); KV_SLO_OUT (a directory to
#                keep the JSON files in; default: a temporary one, removed at the end);
#                KV_SLO_LOAD_ARGS (default '-c 50 -r 100000': the workload of every run);
#                KV_SLO_SEARCH_ARGS (more kv-load flags for the searches only, e.g.
#                '--slo-start 8000'); KV_SLO_PIN (SERVER_CPUS:CLIENT_CPUS, e.g. 0:1: each server,
#                all its threads, on SERVER_CPUS and every kv-load on CLIENT_CPUS, with taskset,
#                so that the client and the server do not take turns on one core)
# Exit status: 0 when every run ended (whatever the figures, including "no rate met the
# objective"), 1 when a server or kv-load failed, 2 on bad settings.
set -euo pipefail
cd "$(dirname "$0")/.."
kv_script="slo-check"
. scripts/lib.sh

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then kv_usage; exit 0; fi
build=${KV_BUILD_DIR:-build/release}
if [ ! -x "$build/kv-load" ] && [ -z "${KV_BUILD_DIR:-}" ]; then build=build/ci; fi
slo=${KV_SLO:-p99<=1ms}
runs=${KV_SLO_RUNS:-5}
tests=${KV_SLO_TESTS:-get set}
max_time=${KV_SLO_MAX_TIME:-120}
fixed_s=${KV_SLO_FIXED_S:-10}
read -r -a load_args <<< "${KV_SLO_LOAD_ARGS:--c 50 -r 100000}"
read -r -a search_args <<< "${KV_SLO_SEARCH_ARGS:-}"
case "$runs" in '' | *[!0-9]* | 0) echo "$kv_script: KV_SLO_RUNS: '$runs' is not a positive number" >&2; exit 2 ;; esac
pin=${KV_SLO_PIN:-}
client=()  # the prefix of every kv-load command
if [ -n "$pin" ]; then
  case "$pin" in
    *[!0-9,:-]* | *:*:* | :* | *:) echo "$kv_script: KV_SLO_PIN: '$pin' is not SERVER_CPUS:CLIENT_CPUS" >&2; exit 2 ;;
    *:*) ;;
    *) echo "$kv_script: KV_SLO_PIN: '$pin' is not SERVER_CPUS:CLIENT_CPUS" >&2; exit 2 ;;
  esac
  kv_require_tools taskset
  taskset -c "${pin#*:}" true 2>/dev/null ||
    { echo "$kv_script: KV_SLO_PIN: cannot run on CPUs '${pin#*:}'" >&2; exit 2; }
  client=(taskset -c "${pin#*:}")
fi
for tool in kv-load kv-server; do
  [ -x "$build/$tool" ] || { echo "$kv_script: no $build/$tool (build it, or set KV_BUILD_DIR)" >&2; exit 2; }
done
kv_require_tools redis-server redis-cli python3

kv_work_dir
out=${KV_SLO_OUT:-$work}
mkdir -p "$out"
declare -A pid port

start_server() {  # $1 = kv | redis; sets pid[$1], port[$1]
  if [ "$1" = kv ]; then
    kv_start_server "$build/kv-server" "$work/kv.log" --maxclients 20000
  else
    kv_start_server redis "$work/redis.log" --maxclients 20000
  fi
  pid[$1]=$server_pid
  port[$1]=$server_port
  kv_also_stop="$kv_also_stop $server_pid"  # both servers stay up: stopped at exit
  if [ -n "$pin" ] && ! taskset -a -p -c "${pin%%:*}" "$server_pid" > /dev/null 2>&1; then
    echo "$kv_script: KV_SLO_PIN: cannot pin $1 to CPUs '${pin%%:*}'" >&2
    exit 2
  fi
}

alive() {  # $1 = kv | redis
  kill -0 "${pid[$1]}" 2>/dev/null || { echo "$kv_script: $1 died; its log:" >&2; cat "$work/$1.log" >&2; exit 1; }
}

# search SERVER TEST RUN: one kv-load --slo, its JSON kept as $out/SERVER-TEST-RUN.json.
search() {
  local file=$out/$1-$2-$3.json status=0
  ${client[@]+"${client[@]}"} "$build/kv-load" -p "${port[$1]}" -t "$2" "${load_args[@]}" ${search_args[@]+"${search_args[@]}"} --slo "$slo" \
    --slo-max-time "$max_time" -q --no-progress --json "$file" > "$work/line" || status=$?
  printf '  %-5s %-4s run %d: %s\n' "$1" "$2" "$3" "$(cat "$work/line")"
  # 2: no rate met the objective (a figure, kept); anything else: the run failed.
  if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
    echo "$kv_script: kv-load --slo against $1 exited $status" >&2
    exit 1
  fi
}

# fixed SERVER TEST RATE: an open-loop run at RATE; prints offered, achieved, corrected p99.
fixed() {
  local file=$work/fixed-$1-$2.json
  ${client[@]+"${client[@]}"} "$build/kv-load" -p "${port[$1]}" -t "$2" "${load_args[@]}" --rps "$3" --duration "$fixed_s" \
    --warmup 1 -q --json "$file" > /dev/null
  python3 - "$file" "$slo" <<'PY'
import json, re, sys
t = json.load(open(sys.argv[1]))["tests"][0]
key = {"50": "p50", "90": "p90", "95": "p95", "99": "p99", "99.9": "p99_9", "99.99": "p99_99"}
verdicts = []
for obj in sys.argv[2].split(","):
    m = re.match(r"\s*[pP]([0-9.]+)\s*(<=|<)\s*([0-9.]+)\s*(us|µs|ms|s)\s*$", obj)
    pct, op, limit, unit = m.groups()
    limit_ms = float(limit) * {"us": 1e-3, "µs": 1e-3, "ms": 1, "s": 1e3}[unit]
    name = key.get(pct)
    if name is None:
        verdicts.append(f"{obj.strip()}: not in kv-load/2's percentiles")
        continue
    v = t["corrected_latency_ms"][name]
    ok = v < limit_ms if op == "<" else v <= limit_ms
    verdicts.append(f"p{pct} {v:.3f} ms {'meets' if ok else 'BREAKS'} {obj.strip()}")
short = t["rps"] < t["target_rps"] * 0.95
print(f"offered {t['target_rps']:.0f} rps, achieved {t['rps']:.0f} rps"
      f"{' (SHORT)' if short else ''}, errors {t['errors']}; " + "; ".join(verdicts))
PY
}

start_server kv
start_server redis
echo "slo-check: $slo, $runs searches per server and test (${tests}), kv-load ${load_args[*]} ${search_args[*]+${search_args[*]}}"
echo "  kv-server:    $build/kv-server on port ${port[kv]}"
echo "  redis-server: $(redis-server --version | awk '{print $3}') on port ${port[redis]}"
echo "  JSON files:   $out"
if [ -n "$pin" ]; then echo "  pinned:       servers on CPUs ${pin%%:*}, kv-load on CPUs ${pin#*:}"; fi
for test in $tests; do
  echo
  echo "== $test: searches (kv-server and redis-server alternate) =="
  for run in $(seq 1 "$runs"); do
    for server in kv redis; do
      alive "$server"
      search "$server" "$test" "$run"
    done
  done
  for server in kv redis; do
    files=()
    for run in $(seq 1 "$runs"); do files+=("$out/$server-$test-$run.json"); done
    summary=$(python3 - "${files[@]}" <<'PY'
import json, statistics, sys
answers, bounds = [], 0
for f in sys.argv[1:]:
    s = json.load(open(f))["searches"][0]
    if s["answer_rps"] is not None:
        answers.append(s["answer_rps"])
    bounds += bool(s["lower_bound"])
none = len(sys.argv) - 1 - len(answers)
if not answers:
    print(f"0 no rate met the objective in any of the {none} searches")
    sys.exit()
med = statistics.median(answers)
spread = (max(answers) - min(answers)) / med
print(f"{med:.0f} R={med:.0f} rps over {len(answers)} searches: min {min(answers):.0f}, "
      f"max {max(answers):.0f}, spread (max-min)/median {spread * 100:.1f} %"
      f"{' (above 10 %)' if spread > 0.10 else ''}"
      f"{f'; {bounds} lower bound(s)' if bounds else ''}"
      f"{f'; {none} found no rate' if none else ''}")
PY
    )
    rate=${summary%% *}
    echo "  $server: ${summary#* }"
    if [ "$rate" -gt 0 ]; then
      alive "$server"
      echo "    fixed rate at R:      $(fixed "$server" "$test" "$rate")"
      alive "$server"
      echo "    fixed rate at 1.25 R: $(fixed "$server" "$test" $((rate * 5 / 4)))"
    fi
  done
done

echo
echo "== kv-compare search: kv-server ÷ redis-server =="
compare=$build/kv-compare
if [ -x "$compare" ]; then
  for test in $tests; do
    kv_files=() redis_files=()
    for run in $(seq 1 "$runs"); do
      kv_files+=("$out/kv-$test-$run.json")
      redis_files+=("$out/redis-$test-$run.json")
    done
    status=0
    "$compare" search "$(IFS=,; echo "${kv_files[*]}")" "$(IFS=,; echo "${redis_files[*]}")" ||
      status=$?
    if [ "$status" -ne 0 ]; then
      echo "  (kv-compare search exited $status: this kv-compare may not have the subcommand yet;" \
        "the figures above stand on their own)"
    fi
  done
else
  echo "  skipped: no $compare (the figures above stand on their own)"
fi
