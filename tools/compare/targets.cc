// Absolute target checks, including the derived metrics avg_us and kv_redis_ratio (the file's
// target ÷ reference: ResultSet::pair).
#include "tools/compare/targets.h"

#include "stats/summary.h"
#include "tools/compare/names.h"
#include "tools/compare/pattern.h"

namespace kv::compare {
namespace {

std::optional<double> MedianMetric(const Series& series, std::string_view metric) {
  std::vector<double> values = series.Values(metric);
  if (values.empty()) return std::nullopt;
  return stats::Median(values);
}

}  // namespace

std::string_view TargetStatusName(TargetStatus status) {
  switch (status) {
    case TargetStatus::kMet:
      return "met";
    case TargetStatus::kMissed:
      return "missed";
    case TargetStatus::kNotMeasured:
      return "not measured";
  }
  return "?";
}

std::optional<double> TargetMetricValue(const ResultSet& set, const Series& series,
                                        std::string_view metric) {
  if (auto direct = MedianMetric(series, metric)) return direct;
  if (metric == "avg_us") {
    if (auto mean = MedianMetric(series, "mean_us")) return mean;  // kv_bench's LATENCY_* cases
    // Little's law for a closed loop: clients × pipeline requests are always outstanding, so the
    // mean time each spends in the system is that many divided by the throughput.
    auto clients = NameParameter(series.name, "clients");
    auto pipeline = NameParameter(series.name, "pipeline").value_or(1);
    auto ops = MedianMetric(series, "items_per_second");
    if (!clients || !ops || *ops <= 0) return std::nullopt;
    return static_cast<double>(*clients * pipeline) / *ops * 1e6;
  }
  if (metric == "kv_redis_ratio") {
    TargetAndCase tc = SplitTarget(series.name);
    if (tc.target != set.pair.target || tc.case_name.empty()) return std::nullopt;
    const Series* redis = set.Find(set.pair.reference + "/" + tc.case_name);
    if (redis == nullptr) return std::nullopt;
    auto kv_ops = MedianMetric(series, "items_per_second");
    auto redis_ops = MedianMetric(*redis, "items_per_second");
    if (!kv_ops || !redis_ops || *redis_ops <= 0) return std::nullopt;
    return *kv_ops / *redis_ops;
  }
  return std::nullopt;
}

std::vector<TargetResult> CheckTargets(const ResultSet& set, const std::vector<Target>& targets) {
  std::vector<TargetResult> results;
  for (const Target& target : targets) {
    TargetResult result;
    result.target = target;
    auto match = Pattern::Compile(target.match);
    if (!match) {
      result.error = match.error();
      results.push_back(std::move(result));
      continue;
    }
    for (const Series& series : set.series) {
      if (!match->Search(series.name)) continue;
      auto value = TargetMetricValue(set, series, target.metric);
      if (!value) continue;
      bool met = target.op == TargetOp::kGreater ? *value > target.value : *value < target.value;
      result.checks.push_back({series.name, *value, met});
    }
    if (!result.checks.empty()) {
      result.status = TargetStatus::kMet;
      for (const TargetCheck& check : result.checks) {
        if (!check.met) result.status = TargetStatus::kMissed;
      }
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace kv::compare
