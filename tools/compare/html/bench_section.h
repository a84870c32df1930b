// The report's sections for kv_bench runs (Google Benchmark JSON): per run, a header with the
// verdict counts and the environment, then per command the throughput of kv-server and
// redis-server as bars with intervals and verdicts, a latency spectrum per case, throughput
// against client count and against pipeline depth, and memory per key. Several runs: a
// comparison of their kv ÷ redis ratios comes first.
#pragma once

#include <vector>

#include "base/result.h"
#include "tools/compare/html/page.h"
#include "tools/compare/result_set.h"

namespace kv::compare::html {

// Adds the sections of `runs` (Google Benchmark result sets) to `page`. The statistics are
// kv-compare vs-redis's (VsRedis at `confidence` and `equal_band`). Error: a run without any
// kv/<case> or redis/<case> benchmark.
Status AddBenchSections(const std::vector<ResultSet>& runs, double confidence, double equal_band,
                        Page& page);

}  // namespace kv::compare::html
