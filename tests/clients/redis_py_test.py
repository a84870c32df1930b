#!/usr/bin/python3
# redis-py (Debian's python3-redis 4.3.4) against a Redis-protocol server: runs named scenarios and
# prints one canonical JSON line per scenario of what the client observed (docs/testing.md).
#   redis_py_test.py HOST PORT [SCENARIO...]     (none: all)      redis_py_test.py --list
# redis-py 4.3.4 speaks RESP2 only (RESP3 came with redis-py 5), so it has no resp3 scenario.
import json
import signal
import sys
import time

import redis

SCENARIO_SECONDS = 10  # each scenario is bounded: SIGALRM ends one that hangs
SOCKET_SECONDS = 5


class ScenarioTimeout(Exception):
    pass


def text(value):
    """A reply value as JSON: bytes decoded, containers walked."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, (list, tuple)):
        return [text(v) for v in value]
    if isinstance(value, dict):
        return {text(k): text(v) for k, v in value.items()}
    return value


def error(exc):
    """An exception as the client surfaces it: its class and message."""
    return {"class": type(exc).__name__, "message": str(exc)}


def client(host, port):
    return redis.Redis(host=host, port=port, socket_timeout=SOCKET_SECONDS,
                       socket_connect_timeout=SOCKET_SECONDS)


def connect(host, port):
    r = client(host, port)  # default options
    try:
        return {
            "ping": r.ping(),
            "set": r.set("kvc:connect:k", "v1"),
            "get": text(r.get("kvc:connect:k")),
            "get_missing": r.get("kvc:connect:missing"),
            "echo": text(r.echo("hello")),
        }
    finally:
        r.close()


def transaction(host, port):
    r = client(host, port)
    try:
        pipe = r.pipeline()  # transaction=True by default: MULTI ... EXEC
        pipe.set("kvc:tx:k", "1").incr("kvc:tx:k").get("kvc:tx:k")
        return {"exec": text(pipe.execute())}
    finally:
        r.close()


def watch(host, port):
    r, other = client(host, port), client(host, port)
    key = "kvc:watch:k"
    r.set(key, "5")
    attempts = []

    def body(pipe):
        value = int(pipe.get(key))  # immediate mode while WATCHed
        attempts.append(value)
        if len(attempts) == 1:
            other.incr(key)  # another connection touches the key: this EXEC must abort
        pipe.multi()
        pipe.set(key, value + 10)

    try:
        result = r.transaction(body, key)
        return {"attempts": attempts, "exec": text(result), "final": text(r.get(key))}
    finally:
        r.close()
        other.close()


def lock(host, port):
    r, other = client(host, port), client(host, port)
    try:
        first = r.lock("kvc:lock", timeout=5)
        second = other.lock("kvc:lock", timeout=5)
        observed = {"acquired": first.acquire(blocking=False)}
        observed["ttl_within_timeout"] = 0 < r.pttl("kvc:lock") <= 5000
        observed["owned"] = first.owned()
        observed["second_while_held"] = second.acquire(blocking=False)
        first.release()  # EVALSHA of the release script (EVAL after NOSCRIPT)
        observed["locked_after_release"] = first.locked()
        observed["second_after_release"] = second.acquire(blocking=False)
        try:
            first.release()
            observed["release_not_owned"] = None
        except redis.exceptions.LockError as exc:
            observed["release_not_owned"] = error(exc)
        second.release()
        observed["locked_at_end"] = second.locked()
        return observed
    finally:
        r.close()
        other.close()


def script(host, port):
    r = client(host, port)
    try:
        incr = r.register_script(
            "return {KEYS[1], ARGV[1], redis.call('INCRBY', KEYS[1], ARGV[1])}")
        observed = {"first": text(incr(keys=["kvc:script:k"], args=[5]))}
        observed["exists"] = r.script_exists(incr.sha)
        observed["flush"] = r.script_flush()
        observed["exists_after_flush"] = r.script_exists(incr.sha)
        # NOSCRIPT after the flush: the client loads the script and retries.
        observed["after_flush"] = text(incr(keys=["kvc:script:k"], args=[2]))
        failing = r.register_script("return redis.error_reply('my failure')")
        try:
            failing()
            observed["error_reply"] = None
        except redis.exceptions.ResponseError as exc:
            observed["error_reply"] = error(exc)
        return observed
    finally:
        r.close()


def pubsub(host, port):
    r = client(host, port)
    p = r.pubsub()
    messages = []

    def drain(count):
        deadline = time.monotonic() + SOCKET_SECONDS
        got = 0
        while got < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"pubsub: {count} messages expected, {got} arrived")
            message = p.get_message(timeout=0.5)
            if message is not None:
                messages.append(text(message))
                got += 1

    try:
        p.subscribe("kvc:ch")
        drain(1)
        receivers = [r.publish("kvc:ch", "hello")]
        drain(1)
        p.psubscribe("kvc:pat.*")
        drain(1)
        receivers.append(r.publish("kvc:pat.one", "world"))
        receivers.append(r.publish("kvc:ch", "both"))
        drain(2)
        p.unsubscribe("kvc:ch")
        p.punsubscribe("kvc:pat.*")
        drain(2)
        receivers.append(r.publish("kvc:ch", "nobody"))
        return {"messages": messages, "receivers": receivers}
    finally:
        p.close()
        r.close()


def errors(host, port):
    r = client(host, port)
    observed = {}

    def attempt(name, call):
        try:
            observed[name] = {"reply": text(call())}
        except redis.exceptions.RedisError as exc:
            observed[name] = error(exc)

    try:
        attempt("unknown_command", lambda: r.execute_command("NOSUCHCMD", "a", "b"))
        attempt("wrong_arity", lambda: r.execute_command("GET"))
        r.set("kvc:errors:s", "abc")
        attempt("not_integer", lambda: r.incr("kvc:errors:s"))
        attempt("syntax", lambda: r.execute_command("SET", "kvc:errors:s", "v", "NX", "XX"))
        observed["still_usable"] = r.ping()
        return observed
    finally:
        r.close()


def wrong_type(host, port):
    r = client(host, port)
    observed = {}
    try:
        r.set("kvc:wt:string", "v")
        r.rpush("kvc:wt:list", "x")
        for name, call in (("lpush_on_string", lambda: r.lpush("kvc:wt:string", "x")),
                           ("get_on_list", lambda: r.get("kvc:wt:list"))):
            try:
                observed[name] = {"reply": text(call())}
            except redis.exceptions.RedisError as exc:
                observed[name] = error(exc)
        return observed
    finally:
        r.close()


# ---- sort: seeded random SORT / SORT_RO queries over random data (in database 9) ----
# Each query's reply is observed exactly where Redis's order is defined; where it is not (a set
# left unsorted by a BY without '*'; equal ALPHA BY values, ordered by load order or by the partial
# sort of a LIMIT) the rows are observed as a sorted multiset, or only counted with a LIMIT.
# No value overflows or underflows a double: redis-server 7.0 does not clear errno before its
# strtod, so one ERANGE can fail its later SORTs of other values (kv-server does not copy that).
SORT_SEED, SORT_ROUNDS, SORT_QUERIES = 20261203, 4, 120
SORT_NUMS = [b"1", b"-2", b"3.5", b"01", b"1e3", b" 5", b"0x10", b"inf", b"-inf", b"", b"10",
             b"1.0", b"-0", b"007", b"9223372036854775807", b"-9223372036854775808", b"1e-300"]
SORT_ALPHAS = [b"a", b"b", b"B", b"ab", b"\xc3\xa9", b"Z", b"zz", b"a b", b"-", b"_x"]
SORT_BAD = [b"nan", b"x1", b"abc"]
SORT_BYS = [b"w_*", b"h_*->f", b"h_*->g", b"nosort", b"w_*->f", b"v_*", b"h_*->", b"#", b"*"]
SORT_GETS = [b"#", b"v_*", b"h_*->g", b"h_*->f", b"w_*", b"fixed", b"h_*->nofield"]
SORT_SOURCES = [b"l0", b"l1", b"s0", b"s1", b"z0", b"z1", b"nokey", b"str", b"hash"]


def sort_data(r, rng):
    def num():
        c = rng.random()
        if c < 0.5:
            return str(rng.randint(-50, 50)).encode()
        return repr(rng.uniform(-100, 100)).encode() if c < 0.7 else rng.choice(SORT_NUMS)

    def elem(numeric, nul):
        c = rng.random()
        e = (num() if numeric or c < 0.6 else
             rng.choice(SORT_ALPHAS) + rng.choice([b"", b"1", b"7"]) if c < 0.95 else
             rng.choice(SORT_BAD))
        return e + b"\x00" + rng.choice([b"x", b"y"]) if nul and rng.random() < 0.05 else e

    r.flushdb()
    numeric = rng.random() < 0.6
    pool = sorted({elem(numeric, False) for _ in range(rng.randint(3, 40))})
    pick = lambda: rng.choice(pool) if rng.random() < 0.9 else elem(numeric, False)
    for i in range(2):
        n = rng.choice([0, 1, 5, 20, 150])
        if n:
            r.rpush(b"l%d" % i, *[pick() if rng.random() < 0.95 else elem(numeric, True)
                                   for _ in range(n)])
    r.sadd(b"s0", *[rng.randint(-1000, 1000) for _ in range(rng.choice([1, 5, 600]))])
    r.sadd(b"s1", *[pick() for _ in range(rng.choice([1, 5, 30, 200]))])
    for i in range(2):
        r.zadd(b"z%d" % i, {pick(): rng.randint(-20, 20) for _ in range(rng.choice([1, 30, 200]))})
    r.set(b"str", b"1")
    r.hset(b"hash", b"f", b"1")
    members = set(r.sunion(b"s0", b"s1")) | set(r.zrange(b"z0", 0, -1)) | \
        set(r.zrange(b"z1", 0, -1)) | set(r.lrange(b"l0", 0, -1)) | set(r.lrange(b"l1", 0, -1))
    pipe = r.pipeline(transaction=False)
    for e in sorted(members):
        if rng.random() < 0.8:
            pipe.set(b"w_" + e, num() if rng.random() < 0.9 else rng.choice(SORT_ALPHAS + SORT_BAD))
        if rng.random() < 0.6:
            pipe.hset(b"h_" + e, mapping={b"f": num(), b"g": rng.choice(SORT_ALPHAS) + num()})
        if rng.random() < 0.7:
            pipe.set(b"v_" + e, b"val-" + e)
    pipe.execute()


def sort_query(rng):
    ro = rng.random() < 0.25
    cmd = [b"SORT_RO" if ro else b"SORT", rng.choice(SORT_SOURCES)]
    limits = [b"0", b"1", b"2", b"-1", b"-5", b"10", b"9223372036854775807",
              b"-9223372036854775808", b"x"]
    for _ in range(rng.randint(0, 5)):
        c = rng.random()
        if c < 0.2:
            cmd += [b"BY", rng.choice(SORT_BYS)]
        elif c < 0.35:
            cmd += [b"LIMIT", rng.choice(limits), rng.choice(limits[:-1])]
        elif c < 0.55:
            cmd += [b"GET", rng.choice(SORT_GETS)]
        elif c < 0.8:
            cmd += [rng.choice([b"ASC", b"DESC", b"desc", b"ALPHA", b"alpha"])]
        elif c < 0.93:
            cmd += [b"STORE", b"dst"]
        else:
            cmd += [rng.choice([b"BOGUS", b"LIMIT", b"BY", b"GET", b"STORE"])]
    return cmd


def sort_order(r, cmd, scripted):
    """'exact', 'rows' (a multiset) or 'count': how much of the reply's order Redis defines."""
    dontsort = alpha = store = limited = False
    by, args, i = None, cmd[2:], 0
    while i < len(args):
        a, left = args[i].lower(), len(args) - i - 1
        if a == b"alpha":
            alpha = True
        elif a == b"limit" and left >= 2:
            limited, i = True, i + 2
        elif a == b"store" and left >= 1 and cmd[0] == b"SORT":
            store, i = True, i + 1
        elif a == b"by" and left >= 1:
            by, i = args[i + 1], i + 1
            dontsort = dontsort or b"*" not in by.split(b"\x00")[0]
        elif a == b"get" and left >= 1:
            i += 1
        elif a not in (b"asc", b"desc"):
            return "exact"  # a syntax error
        i += 1
    kind = r.type(cmd[1])
    if kind not in (b"list", b"set", b"zset"):
        return "exact"
    if dontsort and kind == b"set" and (store or scripted):
        dontsort, alpha, by = False, True, None
    if dontsort:
        return "exact" if kind != b"set" else "count" if limited else "rows"
    if not alpha or by is None or (kind == b"list" and not limited):
        return "exact"
    elems = (r.lrange(cmd[1], 0, -1) if kind == b"list" else list(r.smembers(cmd[1]))
             if kind == b"set" else r.zrange(cmd[1], 0, -1))
    star = by.find(b"*")
    arrow = by.find(b"->", star + 1)
    field = by[arrow + 2:] if arrow >= 0 and arrow + 2 < len(by) else None
    keys = [by[:star] + e + by[star + 1:len(by) - (len(field) + 2 if field else 0)] for e in elems]
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.type(key)
    kinds = pipe.execute()
    for key, kind_of in zip(keys, kinds):  # a value of another type is missing, as in SORT
        if field and kind_of == b"hash":
            pipe.hget(key, field)
        elif not field and kind_of == b"string":
            pipe.get(key)
        else:
            pipe.echo(b"")  # a placeholder, read as missing below
    values = [v if v is None or kind_of != (b"hash" if field else b"string") or store else
              v.split(b"\x00")[0] for v, kind_of in zip(pipe.execute(), kinds)]
    values = [None if kind_of != (b"hash" if field else b"string") else v
              for v, kind_of in zip(values, kinds)]
    if len(set(values)) == len(values):
        return "exact"
    return "count" if limited else "rows"


def sort(host, port):
    r = redis.Redis(host=host, port=port, db=9, socket_timeout=SOCKET_SECONDS,
                    socket_connect_timeout=SOCKET_SECONDS)
    rng = __import__("random").Random(SORT_SEED)
    observed = []
    try:
        for _ in range(SORT_ROUNDS):
            sort_data(r, rng)
            for _ in range(SORT_QUERIES):
                cmd = sort_query(rng)
                scripted = rng.random() < 0.1
                order = sort_order(r, cmd, scripted)
                try:
                    if scripted:
                        lua = "return redis.call(unpack(ARGV))"
                        reply = r.execute_command(b"EVAL", lua, 0, *cmd)
                    else:
                        reply = r.execute_command(*cmd)
                    stored = r.lrange(b"dst", 0, -1)
                    if order != "exact":
                        r.delete(b"dst")
                    if order == "rows":
                        width = max(1, sum(1 for a in cmd if a.upper() == b"GET"))
                        rows = lambda v: sorted((v[i:i + width] for i in range(0, len(v), width)),
                                                key=repr) if isinstance(v, list) else v
                        reply, stored = rows(reply), rows(stored)
                    elif order == "count":
                        count = lambda v: len(v) if isinstance(v, list) else v
                        reply, stored = count(reply), count(stored)
                    seen = {"reply": text(reply), "dst": text(stored)}
                except redis.exceptions.ResponseError as exc:
                    seen = error(exc)
                observed.append([text(cmd), order, seen])
        r.flushdb()
        return observed
    finally:
        r.close()


SCENARIOS = {
    "connect": connect,
    "transaction": transaction,
    "watch": watch,
    "lock": lock,
    "script": script,
    "pubsub": pubsub,
    "errors": errors,
    "wrong_type": wrong_type,
    "sort": sort,
}


def on_alarm(signum, frame):
    raise ScenarioTimeout(f"no result within {SCENARIO_SECONDS} s")


def main(argv):
    if argv[1:] == ["--list"]:
        print(" ".join(SCENARIOS))
        return 0
    if len(argv) < 3:
        print(f"usage: {argv[0]} HOST PORT [SCENARIO...] | --list", file=sys.stderr)
        return 2
    host, port, names = argv[1], int(argv[2]), argv[3:] or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print(f"redis-py: unknown scenario(s): {' '.join(unknown)}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGALRM, on_alarm)
    failed = []
    for name in names:
        signal.alarm(SCENARIO_SECONDS)
        try:
            observed = SCENARIOS[name](host, port)
        except Exception as exc:  # any failure of the scenario, reported with its cause
            failed.append(name)
            print(f"redis-py: scenario {name} failed: {type(exc).__name__}: {exc}",
                  file=sys.stderr)
            continue
        finally:
            signal.alarm(0)
        line = {"client": "redis-py", "scenario": name, "observed": observed}
        print(json.dumps(line, sort_keys=True, separators=(",", ":")), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
