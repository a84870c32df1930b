#!/usr/bin/env python3
"""Writes a saturation-search document (schema kv-load-search/1) by driving kv-load step by step.

Until `kv-load --slo` exists this stands in for it, for the report's sample inputs only: each step
is one real `kv-load --rps R --json` run against the server, its kv-load/2 test object kept as the
step's "test" (with the two full histograms replaced by null to keep the sample small; kv-compare
reads the percentiles, not the histograms). The search follows the contract: raise the offered
rate geometrically from --start until a step breaks an objective, falls short of the offered rate
or has errors; bisect to within --tolerance; re-check the answer once.

usage: generate_search_samples.py KV_LOAD PORT OUT.json [--objective p99<=2ms] [--clients 20]
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time

SHORTFALL = 0.95  # achieved below this fraction of the offered rate: the server fell behind


def parse_objective(text):
    # "p99<=2ms" -> (99.0, 2.0)
    p, limit = text.split("<=")
    assert p.startswith("p") and limit.endswith("ms"), text
    return float(p[1:]), float(limit[:-2])


def percentile_key(p):
    return {50.0: "p50", 90.0: "p90", 95.0: "p95", 99.0: "p99", 99.9: "p99_9",
            99.99: "p99_99"}[p]


def run_step(args, rate, index, phase, objectives):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [args.kv_load, "-p", str(args.port), "-t", args.test, "-c", str(args.clients),
               "--rps", str(rate), "--duration", str(args.step_s), "--warmup",
               str(args.warmup_s), "-r", "10000", "--json", out.name, "-q"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        doc = json.load(open(out.name))
    test = doc["tests"][0]
    test["histogram"] = None
    test["corrected_histogram"] = None
    reasons = []
    for text, p, limit in objectives:
        value = test["corrected_latency_ms"][percentile_key(p)]
        if value > limit:
            reasons.append({"kind": "objective", "objective": text, "value_ms": value})
    if test["rps"] < SHORTFALL * rate:
        reasons.append({"kind": "shortfall", "achieved_rps": test["rps"]})
    if test["errors"] > 0:
        reasons.append({"kind": "errors", "count": test["errors"]})
    saturated = test["client"]["busiest_thread"] >= 0.9 or test["client"]["client_bound"]
    step = {"index": index, "phase": phase, "offered_rps": float(rate), "met": not reasons,
            "reasons": reasons, "client_saturated": saturated, "test": test}
    print(f"{phase:8} {rate:10.0f} offered, {test['rps']:10.1f} achieved, corrected p99 "
          f"{test['corrected_latency_ms']['p99']:.3f} ms: {'met' if not reasons else reasons}",
          file=sys.stderr)
    return step, doc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kv_load")
    parser.add_argument("port", type=int)
    parser.add_argument("out")
    parser.add_argument("--objective", default="p99<=2ms")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--test", default="get")
    parser.add_argument("--start", type=float, default=2000)
    parser.add_argument("--growth", type=float, default=2.0)
    parser.add_argument("--tolerance", type=float, default=0.05)
    parser.add_argument("--step-s", type=float, default=1.0)
    parser.add_argument("--warmup-s", type=float, default=0.3)
    parser.add_argument("--max-rate", type=float, default=1e6)
    args = parser.parse_args()
    objectives = [(t, *parse_objective(t)) for t in args.objective.split(",")]
    started = time.monotonic()
    steps = []
    last_doc = None
    answer = None  # the step that met at the highest rate
    broken = None  # the step that broke at the lowest rate
    rate = args.start
    while rate <= args.max_rate:
        step, last_doc = run_step(args, rate, len(steps), "raise", objectives)
        steps.append(step)
        if not step["met"]:
            broken = step
            break
        answer = step
        rate *= args.growth
    while answer is not None and broken is not None and \
            broken["offered_rps"] / answer["offered_rps"] - 1 > args.tolerance:
        rate = round((answer["offered_rps"] + broken["offered_rps"]) / 2)
        step, last_doc = run_step(args, rate, len(steps), "bisect", objectives)
        steps.append(step)
        if step["met"]:
            answer = step
        else:
            broken = step
    if answer is not None:
        step, last_doc = run_step(args, answer["offered_rps"], len(steps), "recheck", objectives)
        steps.append(step)
        if not step["met"]:
            # The rate broke on the re-check: it is the lowest broken rate now, and the answer
            # is the highest rate below it that met.
            broken = step
            met_below = [s for s in steps if s["met"] and s["offered_rps"] < step["offered_rps"]]
            answer = max(met_below, key=lambda s: s["offered_rps"]) if met_below else None
    client_limited = broken is not None and broken["client_saturated"]
    limited_by = "max_rate" if broken is None else (
        "client" if client_limited else broken["reasons"][0]["kind"])
    lower_bound = broken is None or client_limited
    objective_text = ",".join(t for t, _, _ in objectives)
    if answer is None:
        verdict = f"{args.test.upper()}: no rate met {objective_text}, not even " \
                  f"{steps[0]['offered_rps']:.0f} rps"
    else:
        verdict = f"{args.test.upper()}: {answer['offered_rps']:.0f} rps met {objective_text}" + (
            f"; {broken['offered_rps']:.0f} rps broke it ({limited_by})" if broken else "") + (
            " (a lower bound: the client limited the search)" if lower_bound else "")
    config = last_doc["config"]
    config["rps"] = None
    config["duration_s"] = args.step_s
    doc = {
        "schema": "kv-load-search/1",
        "schema_version": 1,
        "tool": "kv-load",
        "version": last_doc["version"],
        "config": config,
        "server": last_doc["server"],
        "searches": [{
            "title": last_doc["tests"][0]["title"],
            "objectives": [{"text": t, "percentile": p, "limit_ms": limit}
                           for t, p, limit in objectives],
            "settings": {"tolerance": args.tolerance, "start_rps": args.start,
                         "growth": args.growth, "step_s": args.step_s,
                         "warmup_s": args.warmup_s, "min_requests": 2000, "max_time_s": 120},
            "answer_rps": answer["offered_rps"] if answer else None,
            "answer_achieved_rps": answer["test"]["rps"] if answer else None,
            "first_broken": {"offered_rps": broken["offered_rps"],
                             "reasons": broken["reasons"]} if broken else None,
            "limited_by": limited_by,
            "lower_bound": lower_bound,
            "verdict": verdict,
            "elapsed_s": round(time.monotonic() - started, 3),
            "steps": steps,
        }],
    }
    with open(args.out, "w") as f:
        json.dump(doc, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(verdict, file=sys.stderr)


if __name__ == "__main__":
    main()
