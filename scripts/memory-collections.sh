#!/usr/bin/env bash
# Memory of collections, kv-server against redis-server: RSS growth (VmRSS of the server process
# before and after) while a data set is written with redis-cli --pipe into a fresh server, each
# server started alone, rounds alternated. Prints per case and round the growth of each server in
# MB and the ratio kv ÷ redis (the issue's target: <= 1).
#
#   scripts/memory-collections.sh [--cases set,hash,hashes,zset] [--rounds N] [--kv PATH]
#                                 [--kv-args "ARGS"]
#   defaults: every case, 1 round; --kv-args adds kv-server flags (e.g. "--hugepages no": huge
#   pages round the heap's resident size up to 2 MB steps)
#
# Cases (members, fields and values as the hash measurements in docs/server-collections.md):
#   set     1,000,000 members member:N in one set (SADD of 100 members per command)
#   hash    1,000,000 fields field:N with values value:N in one hash (HSET of 10 pairs per command)
#   hashes  100,000 hashes hash:N of 10 fields field:I / value:I each
#   zset    1,000,000 members member:N with score N in one sorted set (ZADD of 100 pairs per command)
set -euo pipefail
cd "$(dirname "$0")/.."
kv_script=memory-collections
. scripts/lib.sh

cases=set,hash,hashes,zset
rounds=1
kv=""
kv_args=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --cases) kv_need "$@"; cases=$2; shift 2 ;;
    --rounds) kv_need "$@"; rounds=$2; shift 2 ;;
    --kv) kv_need "$@"; kv=$2; shift 2 ;;
    --kv-args) kv_need "$@"; kv_args=$2; shift 2 ;;
    -h | --help) kv_usage; exit 0 ;;
    *) kv_unknown_argument "$1" ;;
  esac
done
case "$rounds" in '' | *[!0-9]* | 0) echo "memory-collections: --rounds: '$rounds'" >&2; exit 2 ;; esac
for c in ${cases//,/ }; do
  case "$c" in set | hash | hashes | zset) ;; *) echo "memory-collections: unknown case '$c'" >&2; exit 2 ;; esac
done

kv_require_tools redis-server redis-cli awk
kv=$(kv_find_server "$kv")

kv_work_dir
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cli() { redis-cli -p "$port" "$@"; }

# The data sets as RESP commands, and what a correct server then reports (command, expected).
gen() {  # case
  case "$1" in
    set) awk 'BEGIN { for (i = 0; i < 1000000; i += 100) {
                        printf "*102\r\n$4\r\nSADD\r\n$5\r\nmyset\r\n"
                        for (j = i; j < i + 100; j++) { m = "member:" j; printf "$%d\r\n%s\r\n", length(m), m } } }' ;;
    hash) awk 'BEGIN { for (i = 0; i < 1000000; i += 10) {
                         printf "*22\r\n$4\r\nHSET\r\n$6\r\nmyhash\r\n"
                         for (j = i; j < i + 10; j++) { f = "field:" j; v = "value:" j
                           printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(f), f, length(v), v } } }' ;;
    hashes) awk 'BEGIN { for (i = 0; i < 100000; i++) { k = "hash:" i
                           printf "*22\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n", length(k), k
                           for (j = 0; j < 10; j++) { f = "field:" j; v = "value:" j
                             printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(f), f, length(v), v } } }' ;;
    zset) awk 'BEGIN { for (i = 0; i < 1000000; i += 100) {
                         printf "*202\r\n$4\r\nZADD\r\n$6\r\nmyzset\r\n"
                         for (j = i; j < i + 100; j++) { s = j ""; m = "member:" j
                           printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(m), m } } }' ;;
  esac
}
check() {  # case: prints the size the server reports
  case "$1" in
    set) cli scard myset ;;
    hash) cli hlen myhash ;;
    hashes) cli dbsize ;;
    zset) cli zcard myzset ;;
  esac
}
expected() { case "$1" in set | hash | zset) echo 1000000 ;; hashes) echo 100000 ;; esac; }

start_server() {  # kv | redis: sets server_pid and port
  # shellcheck disable=SC2086  # kv_args: flags split at spaces
  if [ "$1" = kv ]; then kv_start_server "$kv" "$work/kv.log" $kv_args; else kv_start_server redis "$work/redis.log"; fi
  port=$server_port
}

growth_kb() {  # server case: RSS growth in kB on a fresh server
  start_server "$1"
  sleep 0.2
  local r0 r1 n
  r0=$(rss_kb "$server_pid")
  redis-cli -p "$port" --pipe < "$work/$2.resp" > "$work/pipe.out"
  n=$(check "$2")
  r1=$(rss_kb "$server_pid")
  kv_stop_server
  if [ "$n" != "$(expected "$2")" ]; then
    echo "memory-collections: $1 reports $n after the $2 data set (expected $(expected "$2"))" >&2
    cat "$work/pipe.out" >&2
    exit 1
  fi
  echo $((r1 - r0))
}

printf '%-8s %5s %12s %12s %10s\n' case round kv_MB redis_MB kv/redis
for c in ${cases//,/ }; do
  gen "$c" > "$work/$c.resp"
  for round in $(seq 1 "$rounds"); do
    # Alternate which server goes first, so neither always meets a warmer page cache.
    if [ $((round % 2)) = 1 ]; then
      k=$(growth_kb kv "$c"); r=$(growth_kb redis "$c")
    else
      r=$(growth_kb redis "$c"); k=$(growth_kb kv "$c")
    fi
    awk -v c="$c" -v n="$round" -v k="$k" -v r="$r" \
      'BEGIN { printf "%-8s %5d %12.1f %12.1f %10.3f\n", c, n, k / 1024, r / 1024, k / r }'
  done
  rm -f "$work/$c.resp"
done
