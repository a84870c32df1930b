// kv-load's JSON output (--json): a versioned schema with the configuration and, per test,
// counts, errors, duration, rps, percentiles, the merged histogram and the client's CPU use.
// Every number is finite: NaN and Infinity never appear.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "tools/load/options.h"
#include "tools/load/report.h"
#include "tools/load/result.h"

namespace kv::load {

inline constexpr std::string_view kJsonSchema = "kv-load/1";
inline constexpr int kJsonSchemaVersion = 1;

// {"avg","min","p50","p90","p95","p99","p99_9","p99_99","max"} in milliseconds.
nlohmann::json LatencyJson(const stats::Histogram& h);
nlohmann::json TestJson(const TestResult& r);
nlohmann::json ConfigJson(const Options& o);
// The whole document: {"schema","schema_version","tool","version","config","server","tests"}.
nlohmann::json ReportJson(const Options& o, const std::optional<ServerConfig>& server,
                          const std::vector<TestResult>& tests);

}  // namespace kv::load
