#!/usr/bin/env python3
"""Writes the saturation-search inputs (schema kv-load-search/1) of kv-compare's search tests.

Hand-made to the shared contract (docs/kv-compare.md, "Saturation searches"): a few steps per
search, each "test" shaped like kv-load/2's test object (histograms and per-second series left
null: kv-compare reads the percentiles). Deterministic; rerun after changing it:
  python3 tools/compare/testdata/generate_search.py tools/compare/testdata
"""
import json
import os
import sys

CONFIG = {"clients": 50, "cluster": False, "command": [], "data_size": 3, "dbnum": 0,
          "distribution": "uniform", "duration_s": 2.0, "host": "127.0.0.1", "keepalive": 1,
          "keyspace": 10000, "pipeline": 1, "port": 6379, "ratio": None, "reconnect": False,
          "requests": 100000, "resp3": False, "rps": None, "seed": None, "socket": None,
          "threads": 1, "tls": False, "warmup_s": 0.5, "zipf_theta": None}
SETTINGS = {"tolerance": 0.05, "start_rps": 1000, "growth": 2.0, "step_s": 2.0,
            "warmup_s": 0.5, "min_requests": 2000, "max_time_s": 120}


def latency(p50, p99):
    return {"avg": p50 * 1.1, "min": p50 / 4, "p50": p50, "p90": p50 * 1.8, "p95": p50 * 2.5,
            "p99": p99, "p99_9": p99 * 1.6, "p99_99": p99 * 2.2, "max": p99 * 3}


def test_object(title, offered, achieved, p99, errors=0):
    return {"title": title, "mode": "open", "requests": int(achieved * 2), "errors": errors,
            "error_types": [] if errors == 0 else [
                {"type": "ERR", "count": errors, "first_message": "ERR max clients"}],
            "lost_connections": 0, "reconnects": 0, "duration_s": 2.0, "rps": achieved,
            "window": {"start_unix_s": 1796223394.5, "end_unix_s": 1796223396.5},
            "target_rps": offered, "latency_ms": latency(0.2, p99),
            "uncorrected_latency_ms": latency(0.15, p99 * 0.6),
            "corrected_latency_ms": latency(0.2, p99), "histogram": None,
            "corrected_histogram": None, "per_second": None,
            "client": {"threads": 1, "cpu_s": 0.8, "busy_fraction": [0.4],
                       "busiest_thread": 0.4, "client_bound": False, "note": None}}


def step(index, phase, offered, achieved, p99, limit, title, saturated=False):
    reasons = []
    if p99 > limit:
        reasons.append({"kind": "objective", "objective": f"p99<={limit:g}ms", "value_ms": p99})
    if achieved < 0.95 * offered:
        reasons.append({"kind": "shortfall", "achieved_rps": achieved})
    return {"index": index, "phase": phase, "offered_rps": float(offered), "met": not reasons,
            "reasons": reasons, "client_saturated": saturated,
            "test": test_object(title, offered, achieved, p99)}


def search(answer, broken, limit=1.0, title="GET", lower_bound=False, limited_by="objective",
           saturated_at_break=False):
    """A search that met at `answer` and broke at `broken` (either may be None)."""
    steps = []
    rate = 1000.0
    while answer is not None and rate < answer:
        steps.append(step(len(steps), "raise", rate, rate, 0.4, limit, title))
        rate *= 2
    if answer is not None:
        steps.append(step(len(steps), "bisect" if steps else "raise", answer, answer * 0.999,
                          0.8 * limit, limit, title))
    if broken is not None:
        achieved = broken * (0.9 if limited_by in ("shortfall", "client") else 0.998)
        steps.append(step(len(steps), "bisect", broken, achieved, 1.7 * limit, limit, title,
                          saturated_at_break))
    if answer is not None:
        steps.append(step(len(steps), "recheck", answer, answer * 0.998, 0.85 * limit, limit,
                          title))
    first_broken = None
    if broken is not None:
        first_broken = {"offered_rps": float(broken),
                        "reasons": next(s["reasons"] for s in steps
                                        if s["offered_rps"] == broken and not s["met"])}
    objective = f"p99<={limit:g}ms"
    verdict = (f"{title}: {answer:.0f} rps met {objective}" if answer else
               f"{title}: no rate met {objective}") + \
        (f"; {broken:.0f} rps broke it" if broken else "") + \
        (" (a lower bound)" if lower_bound else "")
    return {"title": title,
            "objectives": [{"text": objective, "percentile": 99.0, "limit_ms": limit}],
            "settings": SETTINGS,
            "answer_rps": float(answer) if answer else None,
            "answer_achieved_rps": answer * 0.999 if answer else None,
            "first_broken": first_broken, "limited_by": limited_by,
            "lower_bound": lower_bound, "verdict": verdict, "elapsed_s": 2.5 * len(steps),
            "steps": steps}


def document(searches, **config):
    c = dict(CONFIG)
    c.update(config)
    return {"schema": "kv-load-search/1", "schema_version": 1, "tool": "kv-load",
            "version": "0.1.0", "config": c, "server": {"save": "", "appendonly": "no"},
            "searches": searches}


def main(out_dir):
    files = {
        "search_kv.json": document([search(41000, 43000)]),
        "search_redis.json": document([search(36000, 38000)]),
        # The client saturated before the server broke the objective: a lower bound.
        "search_kv_client.json": document([search(30000, 32000, lower_bound=True,
                                                  limited_by="client",
                                                  saturated_at_break=True)]),
        "search_redis_2ms.json": document([search(40000, 42000, limit=2.0)]),
        "search_redis_d100.json": document([search(36000, 38000)], data_size=100),
        "search_two_tests.json": document([search(41000, 43000, title="SET"),
                                           search(41000, 43000)]),
    }
    for i, (kv, redis, slow) in enumerate(zip([40000, 41000, 42000, 40500, 41500],
                                              [36000, 35000, 37000, 36500, 35500],
                                              [30000, 31000, 29500, 30500, 31500])):
        files[f"search_kv_{i + 1}.json"] = document([search(kv, kv * 1.04)])
        files[f"search_redis_{i + 1}.json"] = document([search(redis, redis * 1.04)])
        files[f"search_kv_slow_{i + 1}.json"] = document([search(slow, slow * 1.04)])
    for name, doc in files.items():
        with open(os.path.join(out_dir, name), "w") as f:
            json.dump(doc, f, sort_keys=True, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
