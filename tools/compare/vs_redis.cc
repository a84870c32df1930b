// kv-server vs redis-server from one result file.
#include "tools/compare/vs_redis.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "stats/summary.h"
#include "tools/compare/names.h"

namespace kv::compare {
namespace {

std::optional<double> MedianOf(const Series* series, std::string_view metric) {
  if (series == nullptr) return std::nullopt;
  std::vector<double> values = series->Values(metric);
  if (values.empty()) return std::nullopt;
  return stats::Median(values);
}

std::optional<double> Ratio(std::optional<double> num, std::optional<double> den) {
  if (!num || !den || *den == 0) return std::nullopt;
  return *num / *den;
}

std::vector<std::string> ErrorsOf(const Series* series) {
  std::vector<std::string> out;
  if (series == nullptr) return out;
  for (const std::string& e : series->errors) {
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
  return out;
}

// The context fields kv_bench writes that say what was measured where, in display order.
constexpr std::string_view kContextKeys[] = {"host",          "build_type",        "kv_version",
                                             "kv_git_commit", "kv_server_version", "redis_version",
                                             "grid"};

}  // namespace

std::optional<double> GeometricMean(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  double log_sum = 0;
  for (double v : values) {
    if (!(v > 0)) return std::nullopt;
    log_sum += std::log(v);
  }
  return std::exp(log_sum / static_cast<double>(values.size()));
}

Result<VsRedisReport> VsRedis(const ResultSet& set) {
  VsRedisReport report;
  report.source = set.source;
  for (std::string_view key : kContextKeys) {
    if (auto it = set.context.find(std::string(key)); it != set.context.end()) {
      report.context.emplace_back(key, it->second);
    }
  }
  std::vector<VsRedisRow> unpaired;
  std::vector<double> ops_ratios;
  std::vector<double> p99_ratios;
  for (const Series& s : set.series) {
    TargetAndCase tc = SplitTarget(s.name);
    if (tc.case_name.empty() || (tc.target != "kv" && tc.target != "redis")) continue;
    const Series* kv = set.Find("kv/" + tc.case_name);
    const Series* redis = set.Find("redis/" + tc.case_name);
    // Each case once: at its kv row, or at its redis row when there is no kv row.
    if (tc.target == "redis" && kv != nullptr) continue;
    VsRedisRow row;
    row.case_name = tc.case_name;
    row.has_kv = kv != nullptr;
    row.has_redis = redis != nullptr;
    row.kv_ops = MedianOf(kv, "items_per_second");
    row.redis_ops = MedianOf(redis, "items_per_second");
    row.kv_p50_us = MedianOf(kv, "p50_us");
    row.redis_p50_us = MedianOf(redis, "p50_us");
    row.kv_p99_us = MedianOf(kv, "p99_us");
    row.redis_p99_us = MedianOf(redis, "p99_us");
    row.ops_ratio = Ratio(row.kv_ops, row.redis_ops);
    row.p99_ratio = Ratio(row.redis_p99_us, row.kv_p99_us);
    row.kv_errors = ErrorsOf(kv);
    row.redis_errors = ErrorsOf(redis);
    report.has_kv |= row.has_kv;
    report.has_redis |= row.has_redis;
    if (row.has_kv && row.has_redis) {
      if (row.ops_ratio) ops_ratios.push_back(*row.ops_ratio);
      if (row.p99_ratio) p99_ratios.push_back(*row.p99_ratio);
      ++report.paired;
      report.rows.push_back(std::move(row));
    } else {
      unpaired.push_back(std::move(row));
    }
  }
  if (report.paired == 0 && unpaired.empty()) {
    return Error{set.source +
                 ": no kv/<case> or redis/<case> results (vs-redis reads kv_bench's Google "
                 "Benchmark JSON)"};
  }
  report.rows.insert(report.rows.end(), unpaired.begin(), unpaired.end());
  report.geomean_ops_ratio = GeometricMean(ops_ratios);
  report.geomean_p99_ratio = GeometricMean(p99_ratios);
  return report;
}

}  // namespace kv::compare
