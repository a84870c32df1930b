# Shell helpers shared by the comparison scripts (sourced, not run). Each prints its error with the
# calling script's name ($kv_script) and exits 2, the scripts' usage-error status.

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
