// Baseline vs current: per benchmark and metric, medians, change, Mann-Whitney p-value and a
// verdict; raw values and the machine-independent kv/X ÷ redis/X ratios.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/compare/policy.h"
#include "tools/compare/result_set.h"

namespace kv::compare {

enum class Verdict { kImproved, kRegressed, kUnchanged, kNoisy, kNew, kMissing };

std::string_view VerdictName(Verdict verdict);

// One row of a diff: one metric of one benchmark (raw) or of one case's kv÷redis ratio.
struct Comparison {
  std::string benchmark;  // normalised name; for ratio rows the case ("SET/clients:1/...")
  GateMode mode = GateMode::kRaw;
  std::string metric;
  size_t n_baseline = 0;
  size_t n_current = 0;
  std::optional<double> baseline;     // median over repetitions
  std::optional<double> current;      // median over repetitions
  std::optional<double> change;       // (current - baseline) / |baseline|; nullopt if baseline is 0
  std::optional<double> p_value;      // two-sided Mann-Whitney U; nullopt with < 2 values a side
  std::optional<double> cv_baseline;  // coefficient of variation; nullopt with < 2 values
  std::optional<double> cv_current;
  Verdict verdict = Verdict::kUnchanged;
  std::string note;  // why the verdict, when it is not obvious
};

// The verdict for two samples of one metric. Rules, in order:
//   empty baseline -> new; empty current -> missing;
//   either side's CV above policy.cv_limit -> noisy (never a regression: the data cannot tell);
//   |change| <= threshold -> unchanged;
//   p-value known and >= alpha -> unchanged (not significant);
//   otherwise improved or regressed by the metric's direction (with fewer than 2 values a side
//   there is no p-value and the threshold alone decides; the gate then refuses to decide, see
//   gate.h).
Comparison CompareSamples(std::span<const double> baseline, std::span<const double> current,
                          const MetricPolicy& metric, const Policy& policy);

// Raw rows: every benchmark in either file × every policy metric present on either side.
// Benchmarks only in the baseline are "missing", only in the current file "new".
std::vector<Comparison> CompareRaw(const ResultSet& baseline, const ResultSet& current,
                                   const Policy& policy);

// Per-repetition kv/X ÷ redis/X values of one metric, pairing repetitions by repetition index
// (both ran in the same process, interleaved, so noise hits them alike). Empty when the file has
// no such pair.
std::vector<double> TargetRatios(const ResultSet& set, std::string_view case_name,
                                 std::string_view metric);

// Cases X that have both kv/X and redis/X in `set`, in file order.
std::vector<std::string> PairedCases(const ResultSet& set);

// The name of the ratio row that summarises every case (see GeomeanRatios).
inline constexpr std::string_view kAllCasesRow = "all cases (geometric mean)";

// Per repetition index present in every one of `cases`: the geometric mean over the cases of
// that repetition's kv/X ÷ redis/X ratio. One case's repetition spreads by ~10-20 % on a busy
// 2-core machine; the mean over 16 cases spreads ~4 times less, so a slowdown of the whole server
// is judged even when single cases are too noisy. Empty when a case has no ratio.
std::vector<double> GeomeanRatios(const ResultSet& set, const std::vector<std::string>& cases,
                                  std::string_view metric);

// Ratio rows: every case paired in either file × every policy metric; "new"/"missing" when only
// one file has the pair. Then, per metric, one kAllCasesRow row over the cases paired in both
// files (when there are at least two).
std::vector<Comparison> CompareRatios(const ResultSet& baseline, const ResultSet& current,
                                      const Policy& policy);

// Whether two result sets may be compared at all: same input format, same "grid" and
// "build_type" context (Google Benchmark) or the same load settings (kv-load config, except
// where/how the results were written). Returns the differences as an error.
Status CheckComparable(const ResultSet& baseline, const ResultSet& current);

// Benchmarks present in both files (by normalised name).
size_t CountOverlap(const ResultSet& baseline, const ResultSet& current);

}  // namespace kv::compare
