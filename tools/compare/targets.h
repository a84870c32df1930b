// Absolute targets (policy "targets"): the original suite's fixed expectations, checked on one
// result file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/compare/policy.h"
#include "tools/compare/result_set.h"

namespace kv::compare {

enum class TargetStatus { kMet, kMissed, kNotMeasured };

std::string_view TargetStatusName(TargetStatus status);

struct TargetCheck {
  std::string benchmark;
  double value = 0;
  bool met = false;
};

struct TargetResult {
  Target target;
  TargetStatus status = TargetStatus::kNotMeasured;  // kMissed when any check missed
  std::vector<TargetCheck> checks;                   // one per matching benchmark with the metric
  std::string error;  // the target's pattern does not compile (then not measured)
};

// The median of `metric` for `series`, including the derived metrics documented in policy.h
// ("avg_us", "kv_redis_ratio"); nullopt when it cannot be computed.
std::optional<double> TargetMetricValue(const ResultSet& set, const Series& series,
                                        std::string_view metric);

// Checks every target on `set`; `match` is a POSIX extended regular expression (see pattern.h).
std::vector<TargetResult> CheckTargets(const ResultSet& set, const std::vector<Target>& targets);

}  // namespace kv::compare
