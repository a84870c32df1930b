// Baseline vs current: per benchmark and metric, medians, the current÷baseline ratio with its
// confidence interval (Hodges-Lehmann, exact Mann-Whitney interval), p-value and a verdict; raw
// values, the machine-independent same-run ratios target/X ÷ reference/X (kv/X ÷ redis/X unless
// the file names another pair: ResultSet::pair) and their per-command and all-case means.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "stats/interval.h"
#include "tools/compare/policy.h"
#include "tools/compare/result_set.h"

namespace kv::compare {

// kNoClearDifference prints "no clear difference", kTooNoisy "too noisy to tell".
enum class Verdict { kImproved, kRegressed, kNoClearDifference, kTooNoisy, kNew, kMissing };

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
  // current ÷ baseline: Hodges-Lehmann estimate (the median of the m×n ratios) and its exact
  // Mann-Whitney interval at policy.confidence; nullopt when a side has a value <= 0 or the
  // samples are too small for an interval at that level (fewer than 4 a side at 95 %).
  std::optional<stats::Interval> ratio;
  Verdict verdict = Verdict::kNoClearDifference;
  bool aggregate = false;  // a per-command or all-cases ratio row (geometric mean of cases)
  std::string note;        // why the verdict, when it is not obvious
  TargetPair pair;         // ratio rows: target ÷ reference
};

// The verdict for two samples of one metric (stats::JudgeRatio on `ratio`, by direction):
//   empty baseline -> new; empty current -> missing;
//   fewer than 3 values a side or no interval -> too noisy to tell;
//   interval entirely on the good side of 1 -> improved, on the bad side -> regressed;
//   interval inside [1 - policy.equal_band, 1 + policy.equal_band] -> no clear difference;
//   otherwise -> too noisy to tell.
// Whether a regression is large and significant enough to fail the gate is the gate's business
// (RegressionBeyond, gate.h).
Comparison CompareSamples(std::span<const double> baseline, std::span<const double> current,
                          const MetricPolicy& metric, const Policy& policy);

// Raw rows: every benchmark in either file × every policy metric present on either side.
// Benchmarks only in the baseline are "missing", only in the current file "new".
std::vector<Comparison> CompareRaw(const ResultSet& baseline, const ResultSet& current,
                                   const Policy& policy);

// Per-repetition target/X ÷ reference/X values (set.pair) of one metric, pairing repetitions by
// repetition index (both ran in the same process, interleaved, so noise hits them alike). Empty
// when the file has no such pair.
std::vector<double> TargetRatios(const ResultSet& set, std::string_view case_name,
                                 std::string_view metric);
// The same for another pair of the file's targets.
std::vector<double> TargetRatios(const ResultSet& set, const TargetPair& pair,
                                 std::string_view case_name, std::string_view metric);

// Cases X that have both target/X and reference/X (set.pair) in `set`, in file order.
std::vector<std::string> PairedCases(const ResultSet& set);

// The name of the ratio row that summarises every case (see GeomeanRatios).
inline constexpr std::string_view kAllCasesRow = "all cases (geometric mean)";

// Per repetition index present in every one of `cases`: the geometric mean over the cases of
// that repetition's target/X ÷ reference/X ratio. One case's repetition spreads by ~10-20 % on a
// busy 2-core machine; the mean over 16 cases spreads ~4 times less, so a slowdown of the whole
// server is judged even when single cases are too noisy. Empty when a case has no ratio.
std::vector<double> GeomeanRatios(const ResultSet& set, const std::vector<std::string>& cases,
                                  std::string_view metric);
std::vector<double> GeomeanRatios(const ResultSet& set, const TargetPair& pair,
                                  const std::vector<std::string>& cases, std::string_view metric);

// The command of a case: its first path element ("INCR" for "INCR/clients:10/pipeline:16").
std::string CommandOf(std::string_view case_name);

// The name of the per-command row of `command` ("INCR/* (geometric mean)").
std::string CommandRowName(std::string_view command);

// Ratio rows: every case paired in either file × every policy metric; "new"/"missing" when only
// one file has the pair. Then, per metric, over the cases paired in both files: when they span at
// least two commands, one row per command (GeomeanRatios over that command's cases: a regression
// confined to one command is diluted by the others in the all-cases mean), then one kAllCasesRow
// row (when there are at least two cases).
// `Comparison::aggregate` marks the per-command and all-cases rows.
std::vector<Comparison> CompareRatios(const ResultSet& baseline, const ResultSet& current,
                                      const Policy& policy);

// Whether two result sets may be compared at all: same input format, same "grid" and
// "build_type" context and ratio pair (Google Benchmark) or the same load settings (kv-load
// config, except where/how the results were written). Returns the differences as an error.
Status CheckComparable(const ResultSet& baseline, const ResultSet& current);

// Benchmarks present in both files (by normalised name).
size_t CountOverlap(const ResultSet& baseline, const ResultSet& current);

}  // namespace kv::compare
