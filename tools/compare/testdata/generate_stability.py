#!/usr/bin/env python3
# Regenerates the `kv-compare stability` inputs (stability_*.json): three runs of the same grid
# with hand-picked items_per_second values whose medians and CVs are exact (see
# stability_test.cc for the expected numbers). After changing anything, regenerate
# golden/stability_runs.md with kv-compare and review the diff.
import json, os

OUT = os.path.dirname(os.path.abspath(__file__))
CTX = {"date": "2026-11-22T10:00:00+00:00", "host_name": "ci-box", "executable": "./kv_bench",
       "num_cpus": 2, "library_build_type": "release", "build_type": "Release",
       "grid": "clients=1;pipeline=1", "redis_version": "7.0.15"}

# Per run: case -> (kv repetitions, redis repetitions) in items/s; None = that target is absent,
# "failed" = the benchmark reported error_occurred.
# SET: the machine factor (0.9, 1.0, 1.1) and the per-repetition noise hit kv and redis alike:
#   every ratio is exactly 1.25, kv and redis medians move by 10% (CV 0.1), the ratio not at all.
# GET: kv's median is 20000 in every run (CV 0) while redis moves; in run 2 the median of the
#   per-repetition ratios (1.5) differs from the ratio of the medians (20000/16000 = 1.25).
# INCR: paired in runs 1 and 2; run 3's redis benchmark failed (skipped: no ratio in run 3).
# DEL: paired in run 1 only (skipped). MSET: kv only (not a paired case at all).
RUNS = [
    {"SET/clients:1/pipeline:1": ([18000, 17100, 18900], [14400, 13680, 15120]),
     "GET/clients:1/pipeline:1": ([20000, 21000, 19000], [20000, 20000, 20000]),
     "INCR/clients:1/pipeline:1": ([30000, 30000, 30000], [25000, 25000, 25000]),
     "DEL/clients:1/pipeline:1": ([10000, 10000, 10000], [10000, 10000, 10000]),
     "MSET/clients:1/pipeline:1": ([5000, 5000, 5000], None)},
    {"SET/clients:1/pipeline:1": ([20000, 19000, 21000], [16000, 15200, 16800]),
     "GET/clients:1/pipeline:1": ([20000, 24000, 15000], [12800, 16000, 20000]),
     "INCR/clients:1/pipeline:1": ([30000, 30000, 30000], [24000, 24000, 24000]),
     "DEL/clients:1/pipeline:1": ([10000, 10000, 10000], None),
     "MSET/clients:1/pipeline:1": ([5000, 5000, 5000], None)},
    {"SET/clients:1/pipeline:1": ([22000, 20900, 23100], [17600, 16720, 18480]),
     "GET/clients:1/pipeline:1": ([20000, 20000, 20000], [25000, 25000, 25000]),
     "INCR/clients:1/pipeline:1": ([30000, 30000, 30000], "failed"),
     "MSET/clients:1/pipeline:1": ([5000, 5000, 5000], None)},
]
REPS = 3


def entry(target, case, rep, ips, family):
    name = f"{target}/{case}/real_time"
    d = {"name": name, "family_index": family, "per_family_instance_index": 0,
         "run_name": name, "run_type": "iteration", "repetitions": REPS,
         "repetition_index": rep, "threads": 1, "iterations": 1000}
    if ips == "failed":
        d.update({"error_occurred": True, "error_message": "ERR server closed the connection"})
        return d
    d.update({"real_time": 1e9 / ips, "cpu_time": 0.3e9 / ips, "time_unit": "ns",
              "items_per_second": float(ips)})
    return d


def doc(cases, ctx=CTX):
    benchmarks = []
    # Interleaved as with --benchmark_enable_random_interleaving: repetition by repetition.
    for rep in range(REPS):
        family = 0
        for case, (kv, redis) in cases.items():
            for target, values in (("kv", kv), ("redis", redis)):
                if values is not None:
                    v = values if values == "failed" else values[rep]
                    benchmarks.append(entry(target, case, rep, v, family))
                family += 1
    return {"context": dict(ctx), "benchmarks": benchmarks}


def write(fname, d):
    with open(os.path.join(OUT, fname), "w") as f:
        f.write(json.dumps(d, indent=2) + "\n")


for i, cases in enumerate(RUNS, 1):
    write(f"stability_run{i}.json", doc(cases))
other = dict(CTX)
other["grid"] = "clients=1,10;pipeline=1"
write("stability_other_grid.json", doc(RUNS[1], ctx=other))
# Same grid, but its only paired case is paired in no other run.
write("stability_disjoint.json",
      doc({"HSET/clients:1/pipeline:1": ([9000, 9000, 9000], [8000, 8000, 8000])}))
