// The CI regression gate: baseline vs current under a policy, decided as an exit code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tools/compare/compare.h"
#include "tools/compare/policy.h"
#include "tools/compare/result_set.h"
#include "tools/compare/targets.h"

namespace kv::compare {

inline constexpr int kExitPass = 0;
inline constexpr int kExitRegression = 1;
inline constexpr int kExitCannotCompare = 2;
// Only before the last look of a sequential gate (GateOptions::look < looks): nothing regressed,
// but some gated row is still inconclusive; run more repetitions of GateReport::rerun_commands.
inline constexpr int kExitMoreRepetitions = 3;

struct GateOptions {
  bool force = false;  // compare despite different settings, failed runs or too few repetitions
  std::optional<std::vector<GateMode>> modes;  // overrides policy.gate_modes
  // Sequential testing: this is look `look` of at most `looks` at growing data (scripts/gate.sh:
  // 2). alpha is spent evenly over the looks (Bonferroni: every row at every look is tested at
  // alpha / (m * looks)), so the family-wise false-alarm rate stays <= alpha however the looks
  // are stopped.
  int look = 1;
  int looks = 1;
};

struct GateRow {
  Comparison comparison;
  bool gated = false;  // this mode, metric and row kind decide the gate
  // Gated rows: the per-row significance level alpha / m (m: gated rows of this metric and mode).
  std::optional<double> level;
  bool fails = false;  // gated, regressed beyond the threshold, p < level, enough repetitions
};

// Whether the row's current÷baseline estimate moved in the metric's bad direction by more than its
// threshold (false without an estimate).
bool RegressionBeyond(const Comparison& c, const MetricPolicy& metric);

struct GateReport {
  int exit_code = kExitPass;
  std::string baseline_source;
  std::string current_source;
  std::vector<GateMode> modes;
  std::vector<GateRow> rows;  // raw rows, then ratio rows
  std::vector<TargetResult> targets;
  std::vector<std::string> reasons;   // why it did not pass (regressions, or cannot compare)
  std::vector<std::string> warnings;  // reported, not failing (noisy series, forced checks)
  double confidence = 0.95;           // the policy's interval level
  int look = 1;
  int looks = 1;
  // kExitMoreRepetitions: the commands (first element of a case name) whose gated rows were
  // inconclusive, in row order; empty when every command needs more (an all-cases row was), and
  // the kv_bench filter that selects them ("" = the whole grid).
  std::vector<std::string> rerun_commands;
  std::string rerun_filter;
};

// "^(kv|redis)/(INCR|SET)/": the kv_bench filter of those commands' cases on the pair's targets.
std::string RerunFilter(const std::vector<std::string>& commands, const TargetPair& pair = {});

// Decides the gate. Gated rows: raw rows in raw mode; in ratio mode the per-command and all-cases
// rows (single cases too when policy.gate_single_cases, or when a metric has no aggregate row).
// A gated row fails when its verdict is "regressed" (the interval lies on the bad side of 1), its
// estimate is beyond the metric's threshold, and its Mann-Whitney p < alpha / m (Bonferroni over
// the m gated rows of that metric and mode), with at least min_repetitions a side.
//  kExitCannotCompare when the files are not comparable (CheckComparable), a current benchmark
//    failed, or a gated comparison has fewer than policy.min_repetitions values a side (these three
//    are overridden by --force, the rows are then reported but do not fail), or no gated
//    comparison exists at all (nothing in common; ratio mode without target/X + reference/X
//    pairs, see ResultSet::pair);
//  kExitRegression when a gated row fails (above), or an absolute
//    target with "gate": true was missed — even when the run is too noisy overall: a clean series
//    that regressed is evidence regardless of the noisy ones;
//  kExitCannotCompare when none regressed but more than policy.max_noisy_fraction of the gated
//    comparisons are inconclusive — their interval reaches a regression as large as the
//    threshold — and so is an all-cases row (the run cannot show that nothing regressed;
//    --force passes it);
//  kExitMoreRepetitions instead of a pass or of "too noisy" when options.look < options.looks and
//    some gated row is inconclusive (its interval reaches a regression of the threshold);
//  kExitPass otherwise. Rows too noisy to tell never fail; they are listed as warnings.
GateReport RunGate(const ResultSet& baseline, const ResultSet& current, const Policy& policy,
                   const GateOptions& options);

}  // namespace kv::compare
