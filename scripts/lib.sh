# Shell helpers shared by the comparison scripts (sourced, not run). Each prints its error with the
# calling script's name ($kv_script) and exits 2, the scripts' usage-error status.

# kv_usage: prints the calling script's opening comment block, its --help (the scripts run from
# the repository's root, so the path is known whatever $0 was).
kv_usage() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "scripts/$kv_script.sh"
}

# kv_need "$@": the option in $1 has a value after it.
kv_need() {
  [ "$#" -ge 2 ] || { echo "$kv_script: $1 needs a value" >&2; exit 2; }
}

# kv_unknown_argument ARG: refuses ARG.
kv_unknown_argument() {
  echo "$kv_script: unknown argument '$1' (see --help)" >&2
  exit 2
}

# kv_require_tools TOOL...: every TOOL is on PATH.
kv_require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$kv_script: $tool not found (scripts/setup.sh)" >&2; exit 2; }
  done
}

# kv_find_server [PATH]: prints PATH, or else the first built kv-server (build/ci, build/release).
kv_find_server() {
  local kv=$1 candidate
  if [ -z "$kv" ]; then
    for candidate in build/ci/kv-server build/release/kv-server; do
      if [ -x "$candidate" ]; then kv=$candidate; break; fi
    done
  fi
  if [ -z "$kv" ] || [ ! -x "$kv" ]; then
    echo "$kv_script: no kv-server binary (build it, or pass --kv PATH)" >&2
    exit 2
  fi
  echo "$kv"
}

# kv_work_dir: a temporary directory in $work. At exit it is removed, and the server that
# kv_start_server started last ($server_pid) and the processes listed in $kv_also_stop are
# stopped; INT and TERM exit 130 (so that the same clean-up runs).
kv_work_dir() {
  work=$(mktemp -d)
  server_pid=""
  kv_also_stop=""
  trap 'kv_stop $server_pid $kv_also_stop; rm -rf "$work"' EXIT
  trap 'exit 130' INT TERM
}

# kv_stop PID...: stops (SIGTERM) and reaps each PID that is still there.
kv_stop() {
  local p
  for p in "$@"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}

# kv_stop_server: stops the server kv_start_server started.
kv_stop_server() {
  kv_stop $server_pid
  server_pid=""
}

# kv_free_port: a TCP port on 127.0.0.1 that nothing listens on, below the ephemeral range (where
# the clients' own sockets, 10,000 of them in the idle test, take their ports).
kv_free_port() {
  local low p
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  while :; do
    p=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<> "/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

# kv_start_server WHICH LOG [FLAG...]: starts WHICH (a kv-server binary's path, or "redis" for
# redis-server without persistence or protected mode) on a free 127.0.0.1 port with the FLAGs, its
# output in LOG, and waits for PONG; retries on another port when one was taken meanwhile. Sets
# server_pid (at once, for the caller's cleanup trap) and server_port. Exits 1 with the log when
# it does not start.
kv_start_server() {
  local which=$1 log=$2 p
  shift 2
  for _ in 1 2 3 4 5; do
    p=$(kv_free_port)
    if [ "$which" = redis ]; then
      redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --protected-mode no \
        "$@" > "$log" 2>&1 &
    else
      "$which" --port "$p" "$@" > "$log" 2>&1 &
    fi
    server_pid=$!
    for _ in $(seq 1 100); do
      if [ "$(redis-cli -p "$p" ping 2>/dev/null)" = PONG ]; then server_port=$p; return 0; fi
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.05
    done
    kv_stop_server
    grep -q "in use" "$log" || break
  done
  echo "$kv_script: $(basename "$which") did not start; its log:" >&2
  cat "$log" >&2
  exit 1
}

# kv_find_compare: prints $KV_COMPARE, or else the first built kv-compare (build/release, build/ci)
# that has the `interval` subcommand; checked before any measurement (an older build would
# otherwise fail only at the end of the rounds).
kv_find_compare() {
  local candidates=(build/release/kv-compare build/ci/kv-compare) candidate
  if [ -n "${KV_COMPARE:-}" ]; then candidates=("$KV_COMPARE"); fi
  for candidate in "${candidates[@]}"; do
    if [ -x "$candidate" ] && "$candidate" interval 1 > /dev/null 2>&1; then
      echo "$candidate"
      return
    fi
  done
  echo "$kv_script: no kv-compare with 'interval' (${KV_COMPARE:-build/release or build/ci};" \
    "build it: cmake --build --preset ci --target kv-compare, or set KV_COMPARE)" >&2
  exit 2
}
