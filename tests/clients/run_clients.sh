#!/usr/bin/env bash
# CTest clients_<client>: one real client library's scenarios against redis-server (all must pass)
# and against kv-server (the enabled ones), then each kv-server observation compared with Redis's.
#   tests/clients/run_clients.sh CLIENT KV_SERVER [SCENARIO...|all]
#     CLIENT: redis-py | node-redis | ioredis; SCENARIO: the ones kv-server runs (none: Redis only;
#     "all": every scenario, to see which pass now). Exit 0 all passed and identical, 1 a failure
#     or a difference, 2 usage, 77 skipped (no redis-server).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kv_script=run_clients.sh
# shellcheck source=../../scripts/lib.sh
source "$here/../../scripts/lib.sh"

if [ $# -lt 2 ]; then
  sed -n '4,7p' "$0" >&2
  exit 2
fi
client=$1
kv=$2
shift 2
fail() { echo "FAIL: $*" >&2; exit 1; }

python=/usr/bin/python3  # Debian's: python3-redis lives in its dist-packages, not in a pyenv
case "$client" in
  redis-py)
    runner=("$python" "$here/redis_py_test.py")
    "$python" -c 'import redis' 2> /dev/null ||
      fail "redis-py: $python cannot import redis (python3-redis): run scripts/setup.sh"
    ;;
  node-redis | ioredis)
    command -v node > /dev/null || fail "$client: node not found: run scripts/setup.sh"
    package=$([ "$client" = node-redis ] && echo redis || echo ioredis)
    [ -f "$here/node_modules/$package/package.json" ] ||
      fail "$client: tests/clients/node_modules/$package is missing: run scripts/setup.sh"
    runner=(node "$here/${client//-/_}_test.mjs")
    ;;
  *) echo "$kv_script: unknown client '$client' (redis-py, node-redis, ioredis)" >&2; exit 2 ;;
esac
command -v redis-server > /dev/null || { echo "SKIP: redis-server not found"; exit 77; }
[ -x "$kv" ] || { echo "$kv_script: no kv-server at '$kv'" >&2; exit 2; }

read -r -a known <<< "$("${runner[@]}" --list)"
kv_scenarios=("$@")
if [ "${kv_scenarios[*]-}" = all ]; then kv_scenarios=("${known[@]}"); fi
for s in "${kv_scenarios[@]}"; do
  [[ " ${known[*]} " == *" $s "* ]] || { echo "$kv_script: $client has no scenario '$s'" \
    "(it has: ${known[*]})" >&2; exit 2; }
done

work=$(mktemp -d)
server_pid=
client_pid=
stop_server() {  # SIGTERM, then up to 5 s for the exit; sets server_status (exit code or "hung")
  local pid=$server_pid
  server_pid=
  server_status=0
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2> /dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2> /dev/null; then
    kill -KILL "$pid" 2> /dev/null || true
    server_status=hung
  fi
  wait "$pid" 2> /dev/null || { [ "$server_status" = hung ] || server_status=$?; }
}
cleanup() {
  if [ -n "$client_pid" ]; then kill -TERM "$client_pid" 2> /dev/null || true; fi
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_redis: redis-server on a free loopback port; sets server_pid and port.
start_redis() {
  local attempt
  for attempt in 1 2 3; do
    port=$(kv_free_port)
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
      > "$work/redis.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
      if ! kill -0 "$server_pid" 2> /dev/null; then break; fi
      if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then return 0; fi
      sleep 0.05
    done
    stop_server
  done
  cat "$work/redis.log" >&2
  fail "redis-server did not start"
}

# start_kv: kv-server on a port it chooses (its ready line names it); sets server_pid and port.
start_kv() {
  "$kv" --port 0 --bind 127.0.0.1 > "$work/kv.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do
    port=$(sed -n 's/^kv-server ready port=\([0-9]*\) .*/\1/p' "$work/kv.log")
    if [ -n "$port" ]; then return 0; fi
    kill -0 "$server_pid" 2> /dev/null || break
    sleep 0.05
  done
  cat "$work/kv.log" >&2
  fail "kv-server did not start"
}

# run_scenarios NAME SCENARIO...: the client against the running server; observations to
# $work/NAME.out, failures to $work/NAME.err; returns the client's status.
run_scenarios() {
  local name=$1 status=0
  shift
  # In the background, so that a signal to this script runs its trap at once.
  timeout 120 "${runner[@]}" 127.0.0.1 "$port" "$@" > "$work/$name.out" 2> "$work/$name.err" &
  client_pid=$!
  wait "$client_pid" || status=$?
  client_pid=
  return "$status"
}

status=0
start_redis
run_scenarios redis "${known[@]}" || status=$?
stop_server
echo "== $client against redis-server: ${#known[@]} scenarios"
cat "$work/redis.out"
if [ "$status" != 0 ]; then
  cat "$work/redis.err" >&2
  fail "$client against redis-server: exit $status (every scenario must pass against Redis)"
fi

if [ ${#kv_scenarios[@]} -eq 0 ]; then
  echo "== kv-server: no scenario enabled for $client"
  echo "PASS: $client: ${#known[@]} scenarios against redis-server"
  exit 0
fi

start_kv
kv_status=0
run_scenarios kv "${kv_scenarios[@]}" || kv_status=$?
stop_server
cat "$work/kv.err" >&2
if [ "$server_status" != 0 ]; then
  cat "$work/kv.log" >&2
  fail "kv-server exit: $server_status (expected 0 after SIGTERM)"
fi

passed=0
failed=()
for s in "${kv_scenarios[@]}"; do
  grep -F "\"scenario\":\"$s\"}" "$work/redis.out" > "$work/redis.$s" || true
  grep -F "\"scenario\":\"$s\"}" "$work/kv.out" > "$work/kv.$s" || true
  if [ ! -s "$work/kv.$s" ]; then
    echo "== $s: FAILED against kv-server (see the message above)"
    failed+=("$s")
  elif cmp -s "$work/redis.$s" "$work/kv.$s"; then
    echo "== $s: identical"
    passed=$((passed + 1))
  else
    echo "== $s: DIFFERENT (--- redis-server, +++ kv-server)"
    for side in redis kv; do
      "$python" -m json.tool --sort-keys "$work/$side.$s" > "$work/$side.$s.pretty"
    done
    diff -u --label redis-server --label kv-server "$work/redis.$s.pretty" "$work/kv.$s.pretty" ||
      true
    failed+=("$s")
  fi
done
echo "$client against kv-server: $passed passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ] || fail "$client: kv-server differs from redis-server in: ${failed[*]}"
[ "$kv_status" = 0 ] || fail "$client against kv-server: exit $kv_status"
echo "PASS"
