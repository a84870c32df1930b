#!/usr/bin/env bash
# Installs every build and run dependency of kvbench from Debian's repositories.
# Idempotent: returns at once when everything is present. Not root: prints the apt-get line.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libbenchmark-dev libgtest-dev libgmock-dev libhiredis-dev nlohmann-json3-dev liburing-dev
  redis-server redis-tools            # the comparison peer and its stock tools
  liblua5.1-0-dev lua-cjson lua-cjson-dev lua-bitop-dev libssl-dev  # kv-server's Lua scripting
  clang libclang-rt-14-dev            # libFuzzer targets
  linux-perf                          # kv_bench --kv_profile
  procps                              # ps/pgrep used by the orphan checks
  valgrind                            # scripts/callgrind-requests.sh
  chromium libpng-dev                 # the HTML report's browser test (tests/report)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
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
echo "setup: done"
