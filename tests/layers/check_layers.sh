#!/usr/bin/env bash
# The layering rules of lib/ and server/ (each folder's README states its rule), checked on the
# project's own #include "..." lines of product files (tests and *_test_util.h may reach further).
# Usage: check_layers.sh [SOURCE_DIR]. Exit 0 when every include is allowed, 1 with the offenders.
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"

# folder -> the include prefixes its product files may use (its own folder is always allowed).
declare -A allowed=(
  [lib/base]=""
  [lib/resp]="base/"
  [lib/stats]="base/"
  [lib/workload]="base/ resp/"
  [server/config]="base/"
  [server/store]="base/"
  [server/api]="base/"
  [server/engine]="base/ resp/ server/api/ server/config/ server/store/"
  [server/scripting]="base/ resp/ server/api/ server/config/ server/store/ server/engine/"
  [server/commands]="base/ resp/ server/api/ server/config/ server/store/ server/engine/ server/scripting/"
  [server/net]="base/ resp/ server/api/ server/config/"
  [server/app]="base/ resp/ server/api/ server/config/ server/store/ server/engine/ server/scripting/ server/commands/ server/net/"
)
# How a folder's own headers are named in an #include.
own_prefix() { case "$1" in lib/*) echo "${1#lib/}/" ;; *) echo "$1/" ;; esac; }

bad=0
checked=0
for folder in "${!allowed[@]}"; do
  [ -d "$folder" ] || continue
  prefixes="$(own_prefix "$folder") ${allowed[$folder]}"
  while IFS= read -r file; do
    case "$file" in *_test.cc | *_test_util.h) continue ;; esac
    checked=$((checked + 1))
    while IFS= read -r line; do
      inc=${line#*\"}
      inc=${inc%%\"*}
      ok=0
      for p in $prefixes; do
        case "$inc" in "$p"*) ok=1 ;; esac
      done
      if [ "$ok" -eq 0 ]; then
        echo "layers: $file includes \"$inc\": $folder may include only: $prefixes" >&2
        bad=1
      fi
    done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "$file" || true)
  done < <(find "$folder" -maxdepth 1 -type f \( -name '*.h' -o -name '*.cc' \) | sort)
done
if [ "$checked" -eq 0 ]; then
  echo "layers: no source files found under $(pwd)" >&2
  exit 1
fi
[ "$bad" -eq 0 ] && echo "layers: $checked files follow the rules"
exit "$bad"
