// kv-load's JSON output (--json): a versioned schema with the configuration and, per test,
// counts, errors, duration, rps, the wall-clock window, percentiles, the merged histograms, the
// per-second series and the client's CPU use.
// Every number is finite: NaN and Infinity never appear.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "tools/load/options.h"
#include "tools/load/report.h"
#include "tools/load/result.h"

namespace kv::load {

// Version 2 added each test's wall-clock "window" (version 1 files lack it).
inline constexpr std::string_view kJsonSchema = "kv-load/2";
inline constexpr int kJsonSchemaVersion = 2;

// {"avg","min","p50","p90","p95","p99","p99_9","p99_99","max"} in milliseconds.
nlohmann::json LatencyJson(const stats::Histogram& h);
// {"start_unix_s","end_unix_s"}: Unix epoch seconds with µs precision.
nlohmann::json WindowJson(int64_t start_unix_us, int64_t end_unix_us);
// The per-second series (columns of equal length, one entry per interval of the run; empty
// intervals have 0 requests and 0 latencies): {"interval_s": 1, "latency": "corrected" (open loop)
// or "uncorrected", "t_s": [start of each interval], "duration_s": [its length: 1, the last one
// what remains of the run, at least 1 ms], "requests", "rps", "latency_ms": {"avg", "p50", "p90",
// "p99", "max"}}. Percentiles come from each interval's histogram merged over the threads.
nlohmann::json PerSecondJson(const TestResult& r);
nlohmann::json TestJson(const TestResult& r);
nlohmann::json ConfigJson(const Options& o);
// The whole document: {"schema","schema_version","tool","version","config","server","tests"}.
nlohmann::json ReportJson(const Options& o, const std::optional<ServerConfig>& server,
                          const std::vector<TestResult>& tests);

}  // namespace kv::load
