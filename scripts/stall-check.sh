#!/usr/bin/env bash
# Stalls while a large collection is deleted, kv-server against redis-server: a probe client sends
# PING about every millisecond (one at a time) and records the longest wait for its reply, while
# another client fills one collection of N elements and then removes it (DEL, or PEXPIRE 1 and
# active expiry) and waits until the server has released it (INFO lazyfree_pending_objects 0).
# Prints per server, case and removal the worst PING wait in ms during the removal and the release
# (from the DEL or PEXPIRE until the key is gone and nothing is pending, plus --tail, plus a SET
# of a 4 KiB value after that), the worst in a quiet window of the same length after it, with the
# same polling and nothing being freed (quiet: the machine's and the clients' own noise, which on
# a shared 2-core machine reaches 4-6 ms over a few seconds of 1 ms PINGs), how long the release
# took, and how long that SET took (ms: the first allocation of 1 KiB or more after the release,
# where glibc merges the small chunks it kept unmerged).
#
#   scripts/stall-check.sh [--cases set,hash,zset,list] [--how del,expire] [--servers kv,redis]
#                          [--elements N] [--tail S] [--kv PATH]
#   defaults: every case and removal, both servers, 1,000,000 elements, --tail 1 (seconds the
#   probe goes on after the release; more for a server that does not report lazyfree_pending)
#
# redis-server runs with its defaults: lazyfree-lazy-user-del and lazyfree-lazy-expire are no in
# 7.0, so its DEL and its expiry free the collection synchronously.
set -euo pipefail
cd "$(dirname "$0")/.."
kv_script=stall-check
. scripts/lib.sh

cases=set,hash,zset,list
hows=del,expire
servers=kv,redis
elements=1000000
tail_s=1
kv=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --cases) kv_need "$@"; cases=$2; shift 2 ;;
    --how) kv_need "$@"; hows=$2; shift 2 ;;
    --servers) kv_need "$@"; servers=$2; shift 2 ;;
    --elements) kv_need "$@"; elements=$2; shift 2 ;;
    --tail) kv_need "$@"; tail_s=$2; shift 2 ;;
    --kv) kv_need "$@"; kv=$2; shift 2 ;;
    -h | --help) kv_usage; exit 0 ;;
    *) kv_unknown_argument "$1" ;;
  esac
done
case "$elements" in '' | *[!0-9]* | 0) echo "stall-check: --elements: '$elements'" >&2; exit 2 ;; esac
case "$tail_s" in '' | *[!0-9.]*) echo "stall-check: --tail: '$tail_s'" >&2; exit 2 ;; esac
for c in ${cases//,/ }; do
  case "$c" in set | hash | zset | list) ;; *) echo "stall-check: unknown case '$c'" >&2; exit 2 ;; esac
done
for h in ${hows//,/ }; do
  case "$h" in del | expire) ;; *) echo "stall-check: unknown removal '$h'" >&2; exit 2 ;; esac
done
for s in ${servers//,/ }; do
  case "$s" in kv | redis) ;; *) echo "stall-check: unknown server '$s'" >&2; exit 2 ;; esac
done

kv_require_tools redis-server redis-cli
python=/usr/bin/python3  # Debian's: python3-redis lives in its dist-packages, not in a pyenv
"$python" -c 'import redis' 2> /dev/null ||
  { echo "stall-check: $python cannot import redis (python3-redis): run scripts/setup.sh" >&2; exit 2; }
case ",$servers," in *,kv,*) kv=$(kv_find_server "$kv") ;; esac

kv_work_dir

start_server() {  # kv | redis: sets server_pid and port
  if [ "$1" = kv ]; then kv_start_server "$kv" "$work/kv.log"; else kv_start_server redis "$work/redis.log"; fi
  port=$server_port
}

# The measurement: fills the collection, starts the probe (a second process, so that neither waits
# for the other's interpreter), removes the key, waits for the release, prints "worst_ms span_s".
cat > "$work/stall.py" <<'EOF'
import subprocess, sys, time

import redis  # redis-py (python3-redis, scripts/setup.sh)

port, case, how, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
tail_s = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0

def connect():
    return redis.Redis(host="127.0.0.1", port=port, socket_keepalive=False)

def probe():  # runs as its own process: PINGs until stdin closes, prints the worst wait per phase
    c = connect()
    c.ping()  # connected before the first timed PING
    import select
    worst = {"idle": 0.0, "remove": 0.0, "quiet": 0.0}
    phase = "idle"
    while True:
        r, _, _ = select.select([sys.stdin], [], [], 0)
        if r:
            word = sys.stdin.readline().strip()
            if not word:
                break
            phase = word
            continue
        t0 = time.perf_counter()
        c.ping()
        worst[phase] = max(worst[phase], time.perf_counter() - t0)
        time.sleep(0.001)
    print("%.1f %.1f" % (worst["quiet"] * 1000, worst["remove"] * 1000), flush=True)

try:
    if case == "probe":
        probe()
        sys.exit(0)

    c = connect()
    c.flushall()
    batch = 100
    pipe = c.pipeline(transaction=False)
    for i in range(0, n, batch):
        members = range(i, min(i + batch, n))
        if case == "set":
            pipe.sadd("k", *("member:%d" % j for j in members))
        elif case == "hash":
            pipe.hset("k", mapping={"field:%d" % j: "value:%d" % j for j in members})
        elif case == "zset":
            pipe.zadd("k", {"member:%d" % j: j for j in members})
        else:
            pipe.rpush("k", *("element:%d" % j for j in members))
        if len(pipe) == 50:
            pipe.execute()
    pipe.execute()
except redis.exceptions.RedisError as e:
    raise SystemExit("stall-check: %s" % e)

p = subprocess.Popen([sys.executable, __file__, str(port), "probe", how, "0"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
time.sleep(0.5)
p.stdin.write("remove\n")
p.stdin.flush()
t0 = time.perf_counter()
if how == "del":
    c.delete("k")
else:
    c.pexpire("k", 1)
while True:
    gone = c.exists("k") == 0
    if gone and c.info("memory").get("lazyfree_pending_objects", 0) == 0:
        break
    if time.perf_counter() - t0 > 120:
        raise SystemExit("stall-check: not released after 120 s")
    time.sleep(0.01)
span = time.perf_counter() - t0
time.sleep(tail_s)
# The next allocation of 1 KiB or more after the release: glibc merges the freed chunks it keeps
# unmerged (fastbins) there, all at once.
t1 = time.perf_counter()
c.set("after", b"x" * 4096)
first_set_ms = (time.perf_counter() - t1) * 1000
time.sleep(0.2)
# The quiet window: as long as the removal's, with the same polling, nothing left to free.
p.stdin.write("quiet\n")
p.stdin.flush()
t2 = time.perf_counter()
while time.perf_counter() - t2 < span + tail_s:
    c.exists("k")
    c.info("memory")
    time.sleep(0.01)
out, _ = p.communicate("")
quiet_ms, remove_ms = out.split()
print("%s %s %.2f %.1f" % (remove_ms, quiet_ms, span, first_set_ms))
EOF

printf '%-6s %-6s %-7s %14s %8s %8s %13s\n' server case removal worst_stall_ms quiet_ms span_s set_4k_after
for s in ${servers//,/ }; do
  for c in ${cases//,/ }; do
    for h in ${hows//,/ }; do
      start_server "$s"
      read -r worst quiet span set4k < <("$python" "$work/stall.py" "$port" "$c" "$h" "$elements" "$tail_s")
      kv_stop_server
      printf '%-6s %-6s %-7s %14s %8s %8s %13s\n' "$s" "$c" "$h" "$worst" "$quiet" "$span" "$set4k"
    done
  done
done
