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


SCENARIOS = {
    "connect": connect,
    "transaction": transaction,
    "watch": watch,
    "lock": lock,
    "script": script,
    "pubsub": pubsub,
    "errors": errors,
    "wrong_type": wrong_type,
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
