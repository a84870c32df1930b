// Run-to-run stability: across several runs of the same suite, how much kv's and redis's raw
// throughput moved compared with the kv÷redis ratio measured inside each run.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "stats/interval.h"
#include "tools/compare/result_set.h"
#include "tools/compare/vs_redis.h"

namespace kv::compare {

// The metric `kv-compare stability` looks at.
inline constexpr std::string_view kStabilityMetric = "items_per_second";

// One case in one run.
struct StabilityRun {
  double kv_median = 0;     // median of kv/X over the run's repetitions
  double redis_median = 0;  // median of redis/X
  double ratio_median = 0;  // median of the per-repetition kv÷redis ratios (TargetRatios)
  size_t ratios = 0;        // how many repetitions were paired into ratios
};

// One case across all runs. CVs are fractions (0.1 = 10%): stats::CoefficientOfVariation, i.e.
// sample standard deviation over |mean|, of the per-run medians.
struct StabilityRow {
  std::string case_name;           // "SET/clients:1/pipeline:1"
  std::vector<StabilityRun> runs;  // one per input, in input order
  double kv_cv = 0;
  double redis_cv = 0;
  double ratio_cv = 0;
  // kv ÷ redis over the runs: the median of the runs' ratio medians, its exact interval (the runs
  // are independent samples) and its verdict; no interval (too noisy) with fewer than 6 runs at
  // 95 %.
  double ratio_over_runs = 0;
  std::optional<stats::Interval> ratio_interval;
  VsRedisVerdict verdict = VsRedisVerdict::kTooNoisy;
};

// A case left out, and why (paired in some runs only, or without the metric in one).
struct StabilitySkip {
  std::string case_name;
  std::string reason;
};

struct StabilityReport {
  std::string metric;
  TargetPair pair;  // the first run's: kv_* fields are its target's, redis_* its reference's
  std::vector<std::string> sources;  // the runs, in input order
  std::vector<StabilityRow> rows;    // cases paired in every run, in the first run's order
  std::vector<StabilitySkip> skipped;
  // Medians over rows of each row's CV.
  double median_kv_cv = 0;
  double median_redis_cv = 0;
  double median_ratio_cv = 0;
  size_t ratio_steadier = 0;          // rows whose ratio_cv < kv_cv
  std::vector<std::string> warnings;  // filled by the caller (e.g. comparability forced)
};

// Computes the report from at least two runs (Google Benchmark results with kv/X and redis/X
// cases). A case is a row when it is paired (PairedCases) in every run and each run has at least
// one finite ratio for `metric`; the others are listed in `skipped`. Every number in the report is
// finite. Errors: fewer than two runs; no case is a row. Comparability of the runs is the caller's
// business (CheckComparable).
Result<StabilityReport> Stability(std::span<const ResultSet> runs,
                                  std::string_view metric = kStabilityMetric,
                                  double confidence = 0.95, double equal_band = 0.05);

}  // namespace kv::compare
