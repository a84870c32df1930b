// Gate decision: which comparisons count, whether they are trustworthy, and the exit code.
#include "tools/compare/gate.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "tools/compare/names.h"
#include "tools/compare/table.h"

namespace kv::compare {
namespace {

std::string RowLabel(const Comparison& c) {
  return (c.mode == GateMode::kRatio ? c.pair.Label() + " " + c.benchmark : c.benchmark) + " " +
         c.metric;
}

std::string RegressionReason(const Comparison& c, const MetricPolicy& metric, double level,
                             size_t family, int looks) {
  const stats::Interval& r = *c.ratio;
  return "regressed: " + RowLabel(c) + ": " + FormatDouble("%.6g", c.baseline.value_or(0)) +
         " -> " + FormatDouble("%.6g", c.current.value_or(0)) + " (current÷baseline " +
         FormatDouble("%.3f", r.estimate) + " [" + FormatDouble("%.3f", r.low) + ", " +
         FormatDouble("%.3f", r.high) + "], " + FormatDouble("%+.1f%%", (r.estimate - 1) * 100) +
         ", threshold " + FormatDouble("%.1f%%", metric.threshold * 100) +
         ", p=" + FormatDouble("%.4f", c.p_value.value_or(1)) + " < " +
         FormatDouble("%.4g", level) + " = alpha/" + std::to_string(family) +
         (looks > 1 ? "/" + std::to_string(looks) + " looks" : "") + ")";
}

std::string IntervalText(const Comparison& c) {
  if (!c.ratio) return "n/a";
  return "[" + FormatDouble("%.3f", c.ratio->low) + ", " + FormatDouble("%.3f", c.ratio->high) +
         "]";
}

// Whether the row's interval rules out a regression as large as the metric's threshold.
bool ExcludesRegression(const Comparison& c, const MetricPolicy& metric) {
  if (!c.ratio || std::min(c.n_baseline, c.n_current) < stats::kMinVerdictSamples) return false;
  return metric.direction == Direction::kHigherIsBetter ? c.ratio->low >= 1 - metric.threshold
                                                        : c.ratio->high <= 1 + metric.threshold;
}

// Smallest two-sided p an exact Mann-Whitney test of n1 vs n2 values can give: 2 / C(n1+n2, n1).
double SmallestP(size_t n1, size_t n2) {
  double c = 1;
  for (size_t i = 1; i <= n1; ++i) {
    c = c * static_cast<double>(n2 + i) / static_cast<double>(i);
  }
  return std::min(1.0, 2 / c);
}

bool Compared(const Comparison& c) {
  return c.verdict != Verdict::kNew && c.verdict != Verdict::kMissing;
}

// The command a row belongs to ("" for an all-cases row): the case name's first element.
std::string RowCommand(const Comparison& c) {
  const std::string name =
      c.mode == GateMode::kRaw ? SplitTarget(c.benchmark).case_name : c.benchmark;
  if (name == kAllCasesRow) return "";
  return CommandOf(name);
}

}  // namespace

bool RegressionBeyond(const Comparison& c, const MetricPolicy& metric) {
  if (!c.ratio) return false;
  return metric.direction == Direction::kHigherIsBetter ? c.ratio->estimate < 1 - metric.threshold
                                                        : c.ratio->estimate > 1 + metric.threshold;
}

GateReport RunGate(const ResultSet& baseline, const ResultSet& current, const Policy& policy,
                   const GateOptions& options) {
  GateReport report;
  report.baseline_source = baseline.source;
  report.current_source = current.source;
  report.modes = options.modes.value_or(policy.gate_modes);
  report.confidence = policy.confidence;
  report.look = std::max(1, options.look);
  report.looks = std::max(report.look, options.looks);
  auto gates = [&](GateMode mode) {
    for (GateMode m : report.modes) {
      if (m == mode) return true;
    }
    return false;
  };
  // Problems that --force turns into warnings.
  std::vector<std::string> forceable;
  if (Status s = CheckComparable(baseline, current); !s) forceable.push_back(s.error());
  for (const Series& s : current.series) {
    for (const std::string& e : s.errors) {
      forceable.push_back(s.name + " failed in " + current.source + ": " + e);
    }
  }

  std::vector<Comparison> rows = CompareRaw(baseline, current, policy);
  std::vector<Comparison> ratio_rows = CompareRatios(baseline, current, policy);
  rows.insert(rows.end(), ratio_rows.begin(), ratio_rows.end());

  // Which rows gate: raw rows in raw mode; ratio mode: the aggregate rows, single cases only
  // when the policy says so or the metric has no aggregate row.
  std::set<std::string> metrics_with_aggregates;
  for (const Comparison& c : rows) {
    if (c.aggregate) metrics_with_aggregates.insert(c.metric);
  }
  auto is_gated = [&](const Comparison& c) {
    const MetricPolicy* metric = policy.FindMetric(c.metric);
    if (!gates(c.mode) || metric == nullptr || !metric->gate) return false;
    if (c.mode == GateMode::kRaw || c.aggregate || policy.gate_single_cases) return true;
    return !metrics_with_aggregates.contains(c.metric);
  };
  // Bonferroni families: gated, compared rows per (mode, metric).
  std::map<std::pair<GateMode, std::string>, size_t> family;
  for (const Comparison& c : rows) {
    if (is_gated(c) && Compared(c)) ++family[{c.mode, c.metric}];
  }

  size_t gated_compared = 0;
  size_t noisy = 0;
  // Clean all-cases rows (every gated metric's) judge the whole server even when single cases
  // are too noisy.
  bool suite_rows = false;
  bool suite_noisy = false;
  size_t too_few = 0;
  std::string too_few_example;
  std::vector<std::string> rerun;  // commands of inconclusive gated rows
  bool rerun_all = false;
  std::string unreachable;
  for (Comparison& c : rows) {
    const MetricPolicy* metric = policy.FindMetric(c.metric);
    GateRow row;
    row.comparison = std::move(c);
    const Comparison& cmp = row.comparison;
    row.gated = is_gated(cmp);
    if (row.gated && Compared(cmp)) {
      ++gated_compared;
      const size_t m = family[{cmp.mode, cmp.metric}];
      const double level = policy.alpha / static_cast<double>(m * report.looks);
      row.level = level;
      bool enough = cmp.n_baseline >= static_cast<size_t>(policy.min_repetitions) &&
                    cmp.n_current >= static_cast<size_t>(policy.min_repetitions);
      if (!enough && too_few++ == 0) {
        too_few_example = RowLabel(cmp) + " has " + std::to_string(cmp.n_baseline) +
                          " (baseline) and " + std::to_string(cmp.n_current) + " (current)";
      }
      if (enough && unreachable.empty() && SmallestP(cmp.n_baseline, cmp.n_current) >= level) {
        unreachable = "with " + std::to_string(cmp.n_baseline) + " vs " +
                      std::to_string(cmp.n_current) + " repetitions no p-value can go below " +
                      FormatDouble("%.4g", level) + " (alpha " + FormatDouble("%g", policy.alpha) +
                      " / " + std::to_string(m) + " gated " + cmp.metric + " rows" +
                      (report.looks > 1 ? " / " + std::to_string(report.looks) + " looks" : "") +
                      "): regressions cannot fail this gate; run more repetitions";
      }
      row.fails = enough && cmp.verdict == Verdict::kRegressed && cmp.p_value &&
                  *cmp.p_value < level && RegressionBeyond(cmp, *metric);
      // Inconclusive for the gate: the interval cannot exclude a regression of the threshold.
      const bool inconclusive = !row.fails && !ExcludesRegression(cmp, *metric);
      if (cmp.benchmark == kAllCasesRow) {
        suite_rows = true;
        if (inconclusive) suite_noisy = true;
      }
      if (inconclusive) {
        ++noisy;
        const std::string command = RowCommand(cmp);
        if (command.empty()) {
          rerun_all = true;
        } else if (std::find(rerun.begin(), rerun.end(), command) == rerun.end()) {
          rerun.push_back(command);
        }
        report.warnings.push_back("too noisy to tell, not judged: " + RowLabel(cmp) +
                                  " (interval " + IntervalText(cmp) + " reaches a " +
                                  FormatDouble("%.0f%%", metric->threshold * 100) + " regression" +
                                  (cmp.note.empty() ? "" : "; " + cmp.note) + ")");
      }
      if (row.fails)
        report.reasons.push_back(RegressionReason(cmp, *metric, level, m, report.looks));
    }
    report.rows.push_back(std::move(row));
  }
  if (!unreachable.empty()) report.warnings.push_back(unreachable);
  if (too_few > 0) {
    forceable.push_back(
        std::to_string(too_few) + " gated comparison(s) have fewer than " +
        std::to_string(policy.min_repetitions) +
        " repetitions a side (policy min_repetitions), e.g. " + too_few_example +
        "; run the suite with --benchmark_repetitions=" + std::to_string(policy.min_repetitions));
  }

  // A noisy run cannot show that nothing regressed, but a clean series that regressed
  // significantly is evidence all the same: too much noise only makes a run without regressions
  // inconclusive (decided below, after the targets).
  std::string too_noisy;
  const bool suite_judged = suite_rows && !suite_noisy;
  if (!suite_judged && gated_compared > 0 &&
      static_cast<double>(noisy) >
          static_cast<double>(gated_compared) * policy.max_noisy_fraction) {
    too_noisy =
        ("too noisy to judge: " + std::to_string(noisy) + " of " + std::to_string(gated_compared) +
         " gated comparisons are too noisy to tell (policy max_noisy_fraction " +
         FormatDouble("%g", policy.max_noisy_fraction) +
         "); rerun on a quieter machine or with a longer --benchmark_min_time");
  }

  report.targets = CheckTargets(current, policy.targets);
  for (const TargetResult& t : report.targets) {
    if (!t.error.empty()) report.warnings.push_back("target " + t.target.name + ": " + t.error);
    if (t.status != TargetStatus::kMissed) continue;
    for (const TargetCheck& check : t.checks) {
      if (check.met) continue;
      std::string text = "target missed: " + t.target.name + ": " + check.benchmark + " " +
                         t.target.metric + " = " + FormatDouble("%.6g", check.value);
      if (t.target.gate) {
        report.reasons.push_back(text);
      } else {
        report.warnings.push_back(text + " (reported only)");
      }
    }
  }

  std::vector<std::string> fatal;
  if (CountOverlap(baseline, current) == 0) {
    fatal.push_back("no benchmarks in common between " + baseline.source + " and " +
                    current.source);
  } else if (gated_compared == 0) {
    fatal.push_back("nothing to gate in mode " + GateModesName(report.modes) +
                    (gates(GateMode::kRatio)
                         ? " (ratio mode needs " + current.pair.target + "/X and " +
                               current.pair.reference +
                               "/X in both files; use --mode raw without the reference target, "
                               "or name the pair with --target/--reference)"
                         : ""));
  }
  if (!fatal.empty() || (!forceable.empty() && !options.force)) {
    report.exit_code = kExitCannotCompare;
    report.reasons = fatal;
    std::vector<std::string>& sink = options.force ? report.warnings : report.reasons;
    sink.insert(sink.end(), forceable.begin(), forceable.end());
    return report;
  }
  for (const std::string& f : forceable) report.warnings.push_back("forced: " + f);
  if (report.reasons.empty() && report.look < report.looks && (rerun_all || !rerun.empty())) {
    if (!rerun_all) report.rerun_commands = rerun;
    report.rerun_filter = RerunFilter(report.rerun_commands, current.pair);
    report.exit_code = kExitMoreRepetitions;
    return report;
  }
  if (!too_noisy.empty()) {
    if (!report.reasons.empty() || options.force) {
      report.warnings.push_back((options.force ? "forced: " : "") + too_noisy);
    } else {
      report.exit_code = kExitCannotCompare;
      report.reasons.push_back(too_noisy);
      return report;
    }
  }
  report.exit_code = report.reasons.empty() ? kExitPass : kExitRegression;
  return report;
}

std::string RerunFilter(const std::vector<std::string>& commands, const TargetPair& pair) {
  if (commands.empty()) return "";
  std::string filter = "^(" + pair.target + "|" + pair.reference + ")/(";
  for (size_t i = 0; i < commands.size(); ++i) filter += (i > 0 ? "|" : "") + commands[i];
  return filter + ")/";
}

}  // namespace kv::compare
