// The original suite's "vs Redis" table: per case, kv-server and redis-server from the same run.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "tools/compare/result_set.h"

namespace kv::compare {

struct VsRedisRow {
  std::string case_name;  // "SET/clients:10/pipeline:16"
  bool has_kv = false;
  bool has_redis = false;
  std::optional<double> kv_ops;  // median items_per_second over repetitions
  std::optional<double> redis_ops;
  std::optional<double> ops_ratio;  // kv ÷ redis throughput: > 1 means kv-server is faster
  std::optional<double> kv_p50_us;  // median p50_us over repetitions
  std::optional<double> redis_p50_us;
  std::optional<double> kv_p99_us;  // median p99_us over repetitions
  std::optional<double> redis_p99_us;
  std::optional<double> p99_ratio;  // redis ÷ kv p99: > 1 means kv-server's tail is lower
  // Messages of failed runs (error_occurred), each message once, in file order.
  std::vector<std::string> kv_errors;
  std::vector<std::string> redis_errors;
};

struct VsRedisReport {
  std::string source;
  // What the run was: host, build type, versions, grid (the context fields kv_bench writes,
  // those present, in that order), as {key, value}.
  std::vector<std::pair<std::string, std::string>> context;
  std::vector<VsRedisRow> rows;  // paired cases first (file order), then unpaired ones
  // Geometric means over the paired rows that have the ratio; nullopt when none has.
  std::optional<double> geomean_ops_ratio;
  std::optional<double> geomean_p99_ratio;
  size_t paired = 0;    // 0: only one target ran (e.g. redis-server was not found); no ratios
  bool has_kv = false;  // some row has a kv/X benchmark
  bool has_redis = false;
};

// Builds the table from one result file. Error (cannot compare) when no case has a kv/X or a
// redis/X benchmark; a run of one target only gives its rows without ratios.
Result<VsRedisReport> VsRedis(const ResultSet& set);

// Geometric mean of positive values; nullopt when empty or any value is not positive.
std::optional<double> GeometricMean(const std::vector<double>& values);

}  // namespace kv::compare
