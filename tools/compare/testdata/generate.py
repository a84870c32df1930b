#!/usr/bin/env python3
# Regenerates the Google Benchmark golden inputs in this directory (deterministic values: a
# "machine" factor per repetition shared by kv and redis, plus each server's own small noise).
# The kv-load, NaN, malformed and schema files are written by hand. After changing anything,
# regenerate golden/*.md with kv-compare and review the diff.
import json, copy, os
OUT = os.path.dirname(os.path.abspath(__file__))
CTX = {
  "date": "2026-11-22T10:00:00+00:00", "host_name": "ci-box", "executable": "./kv_bench",
  "num_cpus": 2, "mhz_per_cpu": 2096, "cpu_scaling_enabled": False,
  "caches": [{"type": "Data", "level": 1, "size": 32768, "num_sharing": 1}],
  "load_avg": [0.5, 0.4, 0.3], "library_build_type": "release",
  "kv_version": "0.1.0", "git_commit": "272d542", "redis_version": "7.0.15",
  "build_type": "Release", "grid": "clients=1,10;pipeline=1,16", "host": "ci-box",
}
# case -> (kv metrics, redis metrics); latencies in us
CASES = {
  "SET/clients:1/pipeline:1": (
    dict(items_per_second=20000, p50_us=45, p99_us=90, server_cpu_us_per_op=9.0, bytes_per_key=80),
    dict(items_per_second=18000, p50_us=50, p99_us=110, server_cpu_us_per_op=11.0, bytes_per_key=90)),
  "GET/clients:1/pipeline:1": (
    dict(items_per_second=22000, p50_us=42, p99_us=85, server_cpu_us_per_op=8.0),
    dict(items_per_second=21000, p50_us=44, p99_us=95, server_cpu_us_per_op=9.0)),
  "SET/clients:10/pipeline:16": (
    dict(items_per_second=400000, p50_us=380, p99_us=900, server_cpu_us_per_op=2.0, bytes_per_key=80),
    dict(items_per_second=350000, p50_us=430, p99_us=1000, server_cpu_us_per_op=2.4, bytes_per_key=90)),
}
LOWER = {"p50_us", "p99_us", "server_cpu_us_per_op"}
# machine factor per repetition (hits kv and redis alike: interleaved) and own noise per rep
MACHINE_A = [1.00, 0.94, 1.05, 0.97, 1.03]
MACHINE_B = [0.96, 1.04, 0.99, 1.06, 0.93]
OWN_KV = [1.00, 1.01, 0.99, 1.005, 0.995]
OWN_REDIS = [0.995, 1.0, 1.008, 0.992, 1.004]

def metrics_at(base, machine, own, scale=None):
    out = {}
    for k, v in base.items():
        if k == "bytes_per_key":
            out[k] = v * (1 + (own - 1) * 0.2)
            continue
        f = machine * own
        if k in LOWER: f = 1 / f
        out[k] = v * f
    if scale:
        for k, s in scale.items():
            if k in out: out[k] *= s
    return out

def run(name, rep, reps, m, iterations=1000):
    full = name + "/real_time"
    ips = m["items_per_second"]
    d = {"name": full, "family_index": 0, "per_family_instance_index": 0, "run_name": full,
         "run_type": "iteration", "repetitions": reps, "repetition_index": rep, "threads": 1,
         "iterations": iterations, "real_time": 1e9 / ips * 1.0, "cpu_time": 1e9 / ips * 0.3,
         "time_unit": "ns"}
    d.update(m)
    return d

def aggregates(name, reps_metrics, reps):
    import statistics as st
    full = name + "/real_time"
    out = []
    keys = reps_metrics[0].keys()
    for agg in ["mean", "median", "stddev", "cv"]:
        d = {"name": full + "_" + agg, "family_index": 0, "per_family_instance_index": 0,
             "run_name": full, "run_type": "aggregate", "repetitions": reps, "threads": 1,
             "aggregate_name": agg, "aggregate_unit": "percentage" if agg == "cv" else "time",
             "iterations": reps, "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ns"}
        for k in keys:
            xs = [r[k] for r in reps_metrics]
            if agg == "mean": v = st.mean(xs)
            elif agg == "median": v = st.median(xs)
            elif agg == "stddev": v = st.stdev(xs) if len(xs) > 1 else 0
            else: v = st.stdev(xs) / st.mean(xs) if len(xs) > 1 else 0
            d[k] = v
        out.append(d)
    return out

def doc(machine, reps=5, kv_scale=None, all_scale=None, cases=CASES, ctx=None, with_aggs=True,
        own_kv=OWN_KV, only_aggs=False, per_case_kv_scale=None):
    benchmarks = []
    fam = 0
    for case, (kvm, rm) in cases.items():
        for target, base, own in (("kv", kvm, own_kv), ("redis", rm, OWN_REDIS)):
            name = target + "/" + case
            rs = []
            for i in range(reps):
                scale = dict(all_scale or {})
                if target == "kv" and per_case_kv_scale and case in per_case_kv_scale:
                    for k, s in per_case_kv_scale[case].items(): scale[k] = scale.get(k, 1) * s
                rs.append(metrics_at(base, machine[i], own[i], scale))
            runs = [run(name, i, reps, rs[i]) for i in range(reps)]
            for r in runs: r["family_index"] = fam
            if not only_aggs: benchmarks += runs
            if with_aggs and reps > 1:
                ags = aggregates(name, rs, reps)
                for a in ags: a["family_index"] = fam
                benchmarks += ags
            fam += 1
    return {"context": dict(ctx or CTX), "benchmarks": benchmarks}

def write(fname, d, text=None):
    with open(os.path.join(OUT, fname), "w") as f:
        f.write(text if text is not None else json.dumps(d, indent=2) + "\n")

write("baseline.json", doc(MACHINE_A))
write("current_same.json", doc(MACHINE_B))
slow = {"items_per_second": 0.80, "p50_us": 1.25, "p99_us": 1.35}
write("current_kv_slow.json", doc(MACHINE_B, per_case_kv_scale={"SET/clients:1/pipeline:1": slow}))
write("current_slow_machine.json",
      doc(MACHINE_B, all_scale={"items_per_second": 0.7, "p50_us": 1.4, "p99_us": 1.4,
                                "server_cpu_us_per_op": 1.4}))
noisy_kv = [0.80, 0.45, 1.15, 0.55, 1.10]
write("current_noisy.json", doc(MACHINE_B, own_kv=noisy_kv))
# Noisy everywhere except SET/clients:10/pipeline:16, which is clean and 20 % slower: evidence of a
# regression that a noisy run still shows.
noisy_slow = doc(MACHINE_B, own_kv=noisy_kv)
clean_slow = doc(MACHINE_B, per_case_kv_scale={"SET/clients:10/pipeline:16": slow})
swap = "kv/SET/clients:10/pipeline:16/"
noisy_slow["benchmarks"] = [
    b for b in noisy_slow["benchmarks"] if not b["name"].startswith(swap)] + [
    b for b in clean_slow["benchmarks"] if b["name"].startswith(swap)]
write("current_noisy_one_slow.json", noisy_slow)
ctx = dict(CTX); ctx["grid"] = "clients=1,10,50;pipeline=1,16"
write("current_other_grid.json", doc(MACHINE_B, ctx=ctx))
reshaped = {k: v for k, v in CASES.items() if not k.startswith("GET")}
reshaped["INCR/clients:1/pipeline:1"] = (dict(items_per_second=21000, p50_us=44, p99_us=90),
                                          dict(items_per_second=20000, p50_us=46, p99_us=99))
write("current_reshaped.json", doc(MACHINE_B, cases=reshaped))
# Without repetitions: Google Benchmark prints one iteration run per benchmark and no aggregates.
single = doc([1.0], reps=1, with_aggs=False)
write("single_run.json", single)
single_slow = doc([1.0], reps=1, with_aggs=False,
                  per_case_kv_scale={"SET/clients:1/pipeline:1": slow})
write("single_run_kv_slow.json", single_slow)
write("aggregates_only.json", doc(MACHINE_A, only_aggs=True))
