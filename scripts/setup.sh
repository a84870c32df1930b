#!/usr/bin/env bash
# Installs every build and run dependency of kvbench from Debian's repositories.
# Idempotent: returns at once when everything is present. Not root: prints the apt-get line.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libbenchmark-dev libgtest-dev libgmock-dev libhiredis-dev nlohmann-json3-dev liburing-dev
  redis-server redis-tools            # the comparison peer and its stock tools
  liblua5.1-0-dev lua-cjson lua-cjson-dev lua-bitop-dev  # kv-server's Lua scripting
  libssl-dev                          # SHA1 for scripting; kv-load's --tls
  openssl                             # the TLS tests make their certificates with it
  clang libclang-rt-14-dev            # the asan preset and the libFuzzer targets
  linux-perf                          # kv_bench --kv_profile
  procps                              # ps/pgrep used by the orphan checks
  valgrind                            # scripts/callgrind-requests.sh
  chromium libpng-dev                 # the HTML report's browser test (tests/report)
)

# The real-client tests (tests/clients, docs/testing.md): redis-py from Debian; Node.js and npm from
# Debian only where the machine has none (Debian 12's nodejs is 18: node-redis 6 and ioredis 6 need
# 20, which the check below reports); then the pinned node-redis and ioredis by `npm ci`.
packages+=(python3-redis)
command -v node > /dev/null 2>&1 || packages+=(nodejs)
command -v npm > /dev/null 2>&1 || packages+=(npm)
setup_client_tests() {
  local dir major log
  dir=$(cd "$(dirname "$0")/../tests/clients" && pwd)
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "setup: node $(node --version) is too old for tests/clients (node-redis 6, ioredis 6" \
      "need Node.js >= 20); install a newer nodejs" >&2
    exit 1
  fi
  if cmp -s "$dir/package-lock.json" "$dir/node_modules/.kv-installed-lock"; then return; fi
  echo "setup: npm ci in tests/clients"
  log=$(mktemp)
  if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error --fetch-retries=1 \
          --fetch-timeout=60000) > "$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    echo "setup: npm ci in tests/clients failed (is the npm registry reachable?)" >&2
    exit 1
  fi
  rm -f "$log"
  cp "$dir/package-lock.json" "$dir/node_modules/.kv-installed-lock"
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  setup_client_tests
  exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: run as root:  $cmd" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian's package may start a system redis-server on 6379; kvbench never uses that one (it starts
# its own on free ports), so stop it to keep measurements clean.
if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
setup_client_tests
echo "setup: done"
