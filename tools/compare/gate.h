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

struct GateOptions {
  bool force = false;  // compare despite different settings, failed runs or too few repetitions
  std::optional<std::vector<GateMode>> modes;  // overrides policy.gate_modes
};

struct GateRow {
  Comparison comparison;
  bool gated = false;  // this mode and metric decide the gate
  bool fails = false;  // gated, regressed, significant (p < alpha) with enough repetitions
};

struct GateReport {
  int exit_code = kExitPass;
  std::string baseline_source;
  std::string current_source;
  std::vector<GateMode> modes;
  std::vector<GateRow> rows;  // raw rows, then ratio rows
  std::vector<TargetResult> targets;
  std::vector<std::string> reasons;   // why it did not pass (regressions, or cannot compare)
  std::vector<std::string> warnings;  // reported, not failing (noisy series, forced checks)
};

// Decides the gate:
//  kExitCannotCompare when the files are not comparable (CheckComparable), a current benchmark
//    failed, or a gated comparison has fewer than policy.min_repetitions values a side (these three
//    are overridden by --force, the rows are then reported but do not fail), or no gated
//    comparison exists at all (nothing in common; ratio mode without kv/X + redis/X pairs);
//  kExitRegression when a gated row regressed beyond its threshold with p < alpha, or an absolute
//    target with "gate": true was missed — even when the run is too noisy overall: a clean series
//    that regressed is evidence regardless of the noisy ones;
//  kExitCannotCompare when none regressed but more than policy.max_noisy_fraction of the gated
//    comparisons are noisy (the run cannot show that nothing regressed; --force passes it);
//  kExitPass otherwise. Noisy rows never fail; they are listed as warnings.
GateReport RunGate(const ResultSet& baseline, const ResultSet& current, const Policy& policy,
                   const GateOptions& options);

}  // namespace kv::compare
