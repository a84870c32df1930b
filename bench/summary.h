// kv_bench_summary's logic: read kv_bench's Google Benchmark JSON and print throughput, p50/p99
// per case for each target and the kv ÷ redis throughput ratio (until kv-compare replaces it).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace kv::bench {

struct CaseResult {
  std::string target;    // "kv", "redis"
  std::string case_key;  // the name without the target and Google Benchmark's suffixes
  double items_per_second = 0;
  double p50_us = -1;  // -1: absent
  double p99_us = -1;
  bool error = false;
  std::string error_message;
};

struct SummaryInput {
  std::map<std::string, std::string> context;  // string fields of the JSON "context"
  std::vector<CaseResult> results;             // in the file's order
};

// Parses Google Benchmark JSON, accepting the bare NaN / Infinity / -Infinity it may contain
// (read as null).
Result<nlohmann::json> ParseBenchmarkJson(std::string_view text);

// One result per (target, case): the "median" aggregate when the run has repetitions with
// aggregates, else the mean of the iteration rows.
Result<SummaryInput> ExtractResults(const nlohmann::json& doc);

// The table: Case | kv ops/s p50 p99 | redis ops/s p50 p99 | kv/redis; with only one target the
// ratio column is omitted.
std::string FormatSummary(const SummaryInput& input);

// "kv/SET/clients:1/pipeline:1/real_time/threads:1" -> {"kv", "SET/clients:1/pipeline:1"}.
std::pair<std::string, std::string> SplitRunName(std::string_view run_name);

}  // namespace kv::bench
