// The gate's policy (baselines/policy.json): which metrics count, how much change matters, how
// sure we must be, and the absolute targets inherited from the original suite.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace kv::compare {

enum class Direction { kHigherIsBetter, kLowerIsBetter };

struct MetricPolicy {
  std::string name;  // a metric key: "items_per_second", "p99_us", ...
  Direction direction = Direction::kHigherIsBetter;
  double threshold = 0.10;  // relative change of the median that matters (0.10 = 10 %)
  bool gate = true;         // false: reported, never fails the gate
};

// What the gate compares. kRaw: each benchmark's own values, baseline vs current. kRatio: per
// case X, kv/X ÷ redis/X from the same file, baseline vs current (machine-independent).
enum class GateMode { kRaw, kRatio };

enum class TargetOp { kGreater, kLess };

// An absolute target checked on the current results: every series whose normalised name matches
// `match` (POSIX extended regular expression, searched) must have median(metric) `op` `value`.
// Metrics are the series' own plus two derived ones: "avg_us" (the series' avg_us counter, else
// its mean_us counter, else Little's law: clients × pipeline ÷ items_per_second) and
// "kv_redis_ratio" (items_per_second of kv/X ÷ redis/X; match against the kv/X name).
struct Target {
  std::string name;
  std::string match;
  std::string metric;
  TargetOp op = TargetOp::kGreater;
  double value = 0;
  bool gate = false;  // true: a miss fails the gate (exit 1); false: reported only
};

struct Policy {
  int version = 1;
  // Family-wise significance level of the gate, per gated metric and mode: the m gated rows of a
  // metric each fail only at two-sided Mann-Whitney p < alpha / m (Bonferroni).
  double alpha = 0.05;
  int min_repetitions = 5;   // per side; fewer and the gate cannot decide (exit 2)
  double confidence = 0.95;  // level of every interval kv-compare prints
  double equal_band = 0.05;  // an interval inside [1 - band, 1 + band]: "no clear difference"
  // Whether single-case ratio rows gate too (false: only the per-command and all-cases rows, so
  // m stays small enough for a 5-repetition run to reach alpha / m; see baselines/README.md).
  bool gate_single_cases = false;
  // When more than this fraction of the gated comparisons is too noisy the gate cannot judge the
  // run (exit 2, overridable with --force): passing a run whose data could not show a regression
  // would be a false "pass".
  double max_noisy_fraction = 0.5;
  std::vector<GateMode> gate_modes = {GateMode::kRatio};
  std::vector<MetricPolicy> metrics;
  std::vector<Target> targets;

  const MetricPolicy* FindMetric(std::string_view name) const;
  bool Gates(GateMode mode) const;
};

// The policy used when none is given; the same as the shipped baselines/policy.json.
Policy DefaultPolicy();

// Parses policy JSON ({"schema": "kv-compare-policy", "version": 1, ...}); fields not given take
// DefaultPolicy()'s values, so a policy may override only what it cares about. Unknown top-level
// keys are errors (a typo must not silently weaken the gate).
Result<Policy> ParsePolicy(std::string_view text, std::string_view source);
Result<Policy> LoadPolicy(const std::string& path);

std::string_view GateModeName(GateMode mode);
// "raw", "ratio" or "raw+ratio".
std::string GateModesName(const std::vector<GateMode>& modes);

}  // namespace kv::compare
