#!/usr/bin/env python3
# Regenerates bench_run_conditions.json: a kv_bench run with the run-condition fields (context
# kv_* strings, counters client_cpu_util and other_cpu_cores). 6 interleaved repetitions of 3
# cases; other processes used 0.3 cores on average of kv_cpus = 2 (>= 10 %: "disturbed");
# INCR's client threads were saturated (client_cpu_util 0.95: "client-bound"). After changing
# anything, regenerate golden/vs_redis_conditions.txt with kv-compare and review the diff.
import json, os

OUT = os.path.dirname(os.path.abspath(__file__))
CTX = {"date": "2026-11-22T10:00:00+00:00", "host_name": "ci-box", "num_cpus": 2,
       "library_build_type": "release", "build_type": "Release", "host": "ci-box",
       "redis_version": "7.0.15", "grid": "clients=1,10;pipeline=1,16",
       "kv_load_avg_before": "0.52 0.31 0.20", "kv_cpu_governor": "performance",
       "kv_thp": "madvise", "kv_kernel": "Linux 6.1.0", "kv_compiler": "GCC 12.2.0",
       "kv_server_args": "--threads 1", "redis_args": "--save '' --appendonly no",
       "kv_cpus": "2", "kv_rtt_us_measured": "35.2"}
MACHINE = [1.00, 0.95, 1.04, 0.98, 1.02, 0.97]
OTHER = [0.25, 0.35, 0.30, 0.28, 0.32, 0.30]
# case -> (kv ops, redis ops, kv client util, redis client util, kv own noise, redis own noise)
CASES = {
    "SET/clients:1/pipeline:1": (20000, 18000, 0.40, 0.38, [1.0, 1.01, 0.99, 1.005, 0.995, 1.0],
                                 [0.995, 1.0, 1.008, 0.992, 1.004, 1.002]),
    "GET/clients:1/pipeline:1": (21000, 21000, 0.41, 0.41, [1.0, 0.97, 1.03, 0.99, 1.02, 1.01],
                                 [1.01, 1.0, 0.98, 1.02, 0.99, 1.0]),
    "INCR/clients:10/pipeline:16": (500000, 450000, 0.95, 0.93, [1.0, 1.01, 0.99, 1.0, 1.0, 1.0],
                                    [1.0, 0.99, 1.01, 1.0, 1.0, 1.0]),
}


def entry(target, case, rep, ops, util, family):
    name = f"{target}/{case}/real_time"
    return {"name": name, "family_index": family, "per_family_instance_index": 0,
            "run_name": name, "run_type": "iteration", "repetitions": 6,
            "repetition_index": rep, "threads": 1, "iterations": 1000,
            "real_time": 1e9 / ops, "cpu_time": 0.3e9 / ops, "time_unit": "ns",
            "items_per_second": ops, "p50_us": 1e6 / ops * 0.9, "p99_us": 1e6 / ops * 2.0,
            "client_cpu_util": util, "other_cpu_cores": OTHER[rep]}


benchmarks = []
for rep in range(6):
    family = 0
    for case, (kv, redis, kv_util, redis_util, kv_own, redis_own) in CASES.items():
        benchmarks.append(entry("kv", case, rep, kv * MACHINE[rep] * kv_own[rep], kv_util, family))
        benchmarks.append(entry("redis", case, rep, redis * MACHINE[rep] * redis_own[rep],
                                redis_util, family + 1))
        family += 2
with open(os.path.join(OUT, "bench_run_conditions.json"), "w") as f:
    f.write(json.dumps({"context": CTX, "benchmarks": benchmarks}, indent=2) + "\n")
