#!/usr/bin/env bash
# A local Redis Cluster for kv-load --cluster: 3 masters and 3 replicas of Debian's redis-server on
# loopback ports BASE..BASE+5, created with redis-cli --cluster create --cluster-replicas 1.
#
#   scripts/cluster.sh start [--dir D] [--base-port P]   # prints the ports, one per line
#   scripts/cluster.sh stop  [--dir D]
#   defaults: --dir /tmp/kv-cluster, --base-port 7000
#
# start waits (up to 30 s) until every node reports cluster_state:ok. Each node's pid is in
# D/node-PORT.pid; stop asks every node to SHUTDOWN NOSAVE, then kills what is left by pid and
# removes D. A failed start stops what it started.
set -euo pipefail
kv_script=cluster.sh
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $kv_script start|stop [--dir D] [--base-port P]" >&2; exit 2; }
[ $# -ge 1 ] || usage
action=$1; shift
dir=/tmp/kv-cluster
base=7000
while [ $# -gt 0 ]; do
  case $1 in
    --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
    --base-port) [ $# -ge 2 ] || usage; base=$2; shift 2 ;;
    *) usage ;;
  esac
done
case $base in ''|*[!0-9]*) echo "$kv_script: --base-port must be a number" >&2; exit 2 ;; esac
if [ "$base" -lt 1024 ] || [ "$base" -gt 55529 ]; then
  echo "$kv_script: --base-port must be in [1024, 55529] (the cluster bus uses port+10000)" >&2
  exit 2
fi
ports=()
for i in 0 1 2 3 4 5; do ports+=($((base + i))); done

stop_cluster() {
  local pidfile pid port n
  [ -d "$dir" ] || return 0
  for pidfile in "$dir"/node-*.pid; do
    [ -e "$pidfile" ] || continue
    port=${pidfile##*/node-}; port=${port%.pid}
    redis-cli -p "$port" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  done
  for pidfile in "$dir"/node-*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ] && [ -e "/proc/$pid" ] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
      for n in $(seq 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
      if [ -e "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$pidfile"
  done
  rm -rf "$dir"
}

case $action in
  stop)
    stop_cluster
    ;;
  start)
    kv_require_tools redis-server redis-cli
    for p in "${ports[@]}"; do
      if (exec 3<> "/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        echo "$kv_script: port $p is in use (another cluster? scripts/cluster.sh stop)" >&2
        exit 1
      fi
    done
    mkdir -p "$dir"
    trap 'stop_cluster' ERR INT TERM
    for p in "${ports[@]}"; do
      redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes \
        --cluster-config-file "$dir/nodes-$p.conf" --cluster-node-timeout 5000 \
        --dir "$dir" --save "" --appendonly no --daemonize yes \
        --pidfile "$dir/node-$p.pid" --logfile "$dir/node-$p.log"
    done
    for p in "${ports[@]}"; do
      for n in $(seq 100); do
        redis-cli -p "$p" PING >/dev/null 2>&1 && break
        [ "$n" -lt 100 ] || { echo "$kv_script: node $p did not start (see $dir/node-$p.log)" >&2; false; }
        sleep 0.1
      done
    done
    hosts=()
    for p in "${ports[@]}"; do hosts+=("127.0.0.1:$p"); done
    redis-cli --cluster create "${hosts[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 ||
      { echo "$kv_script: redis-cli --cluster create failed (see $dir/create.log)" >&2; false; }
    for n in $(seq 300); do
      ok=0
      for p in "${ports[@]}"; do
        redis-cli -p "$p" CLUSTER INFO 2>/dev/null | grep -q '^cluster_state:ok' && ok=$((ok + 1))
      done
      [ "$ok" -eq 6 ] && break
      [ "$n" -lt 300 ] || { echo "$kv_script: cluster_state is not ok after 30 s" >&2; false; }
      sleep 0.1
    done
    trap - ERR INT TERM
    printf '%s\n' "${ports[@]}"
    ;;
  *) usage ;;
esac
