// Run-to-run variation of raw throughput and of the same-run kv÷redis ratio.
#include "tools/compare/stability.h"

#include <cmath>
#include <map>
#include <optional>

#include "stats/summary.h"
#include "tools/compare/compare.h"

namespace kv::compare {
namespace {

constexpr size_t kMinRuns = 2;

bool AllFinite(std::initializer_list<double> values) {
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

// " (redis failed: <message>)" when that side of the case reported an error in this run.
std::string FailureNote(const ResultSet& set, const std::string& case_name) {
  for (const std::string& target : {set.pair.target, set.pair.reference}) {
    const Series* s = set.Find(target + "/" + case_name);
    if (s != nullptr && !s->errors.empty()) {
      return std::string(" (") + target + " failed: " + s->errors.front() + ")";
    }
  }
  return "";
}

// The case in one run, or why it cannot be used.
Result<StabilityRun> RunValues(const ResultSet& set, const std::string& case_name,
                               std::string_view metric) {
  std::vector<double> kv = set.Find(set.pair.target + "/" + case_name)->Values(metric);
  std::vector<double> redis = set.Find(set.pair.reference + "/" + case_name)->Values(metric);
  std::vector<double> ratios = TargetRatios(set, case_name, metric);
  if (kv.empty() || redis.empty() || ratios.empty()) {
    return Error{"no " + std::string(metric) + " " + set.pair.Label() + " ratio in " + set.source +
                 FailureNote(set, case_name)};
  }
  StabilityRun run{.kv_median = stats::Median(kv),
                   .redis_median = stats::Median(redis),
                   .ratio_median = stats::Median(ratios),
                   .ratios = ratios.size()};
  if (!AllFinite({run.kv_median, run.redis_median, run.ratio_median})) {
    return Error{"non-finite " + set.pair.Label() + " ratio in " + set.source};
  }
  return run;
}

double CvOf(const std::vector<StabilityRun>& runs, double StabilityRun::*field) {
  std::vector<double> values;
  values.reserve(runs.size());
  for (const StabilityRun& r : runs) values.push_back(r.*field);
  return stats::CoefficientOfVariation(values);
}

// The row for a case paired in every run, or why it is skipped.
Result<StabilityRow> CaseRow(std::span<const ResultSet> runs, const std::string& case_name,
                             std::string_view metric, double confidence, double equal_band) {
  StabilityRow row;
  row.case_name = case_name;
  for (const ResultSet& set : runs) {
    auto run = RunValues(set, case_name, metric);
    if (!run) return Error{run.error()};
    row.runs.push_back(*run);
  }
  row.kv_cv = CvOf(row.runs, &StabilityRun::kv_median);
  row.redis_cv = CvOf(row.runs, &StabilityRun::redis_median);
  row.ratio_cv = CvOf(row.runs, &StabilityRun::ratio_median);
  if (!AllFinite({row.kv_cv, row.redis_cv, row.ratio_cv})) {
    return Error{"coefficient of variation out of range (values too large)"};
  }
  std::vector<double> ratios;
  for (const StabilityRun& r : row.runs) ratios.push_back(r.ratio_median);
  row.ratio_over_runs = stats::Median(ratios);
  row.ratio_interval = stats::MedianInterval(ratios, confidence);
  row.verdict = JudgeVsRedis(row.ratio_interval, ratios.size(), equal_band);
  return row;
}

}  // namespace

Result<StabilityReport> Stability(std::span<const ResultSet> runs, std::string_view metric,
                                  double confidence, double equal_band) {
  if (runs.size() < kMinRuns) {
    return Error{"stability needs at least " + std::to_string(kMinRuns) + " runs, got " +
                 std::to_string(runs.size())};
  }
  StabilityReport report;
  report.metric = std::string(metric);
  if (!runs.empty()) report.pair = runs.front().pair;
  for (const ResultSet& set : runs) report.sources.push_back(set.source);

  // Every case paired in at least one run, in order of first appearance, with the runs
  // (by index) in which it is paired.
  std::vector<std::string> cases;
  std::map<std::string, std::vector<size_t>> paired_in;
  for (size_t i = 0; i < runs.size(); ++i) {
    for (std::string& c : PairedCases(runs[i])) {
      auto [it, inserted] = paired_in.try_emplace(c);
      if (inserted) cases.push_back(c);
      it->second.push_back(i);
    }
  }

  std::vector<double> kv_cvs;
  std::vector<double> redis_cvs;
  std::vector<double> ratio_cvs;
  for (const std::string& case_name : cases) {
    const std::vector<size_t>& in = paired_in[case_name];
    if (in.size() != runs.size()) {
      std::string missing;
      for (size_t i = 0, j = 0; i < runs.size(); ++i) {
        if (j < in.size() && in[j] == i) {
          ++j;
          continue;
        }
        missing += (missing.empty() ? "" : ", ") + runs[i].source;
      }
      report.skipped.push_back({case_name, "paired (kv and redis) in " + std::to_string(in.size()) +
                                               " of " + std::to_string(runs.size()) +
                                               " runs; not in " + missing});
      continue;
    }
    auto row = CaseRow(runs, case_name, metric, confidence, equal_band);
    if (!row) {
      report.skipped.push_back({case_name, row.error()});
      continue;
    }
    kv_cvs.push_back(row->kv_cv);
    redis_cvs.push_back(row->redis_cv);
    ratio_cvs.push_back(row->ratio_cv);
    if (row->ratio_cv < row->kv_cv) ++report.ratio_steadier;
    report.rows.push_back(std::move(*row));
  }
  if (report.rows.empty()) {
    std::string message = "no case has " + runs.front().pair.target + "/<case> and " +
                          runs.front().pair.reference + "/<case> " + report.metric +
                          " results in all " + std::to_string(runs.size()) + " runs";
    if (!report.skipped.empty()) {
      message += " (" + std::to_string(report.skipped.size()) +
                 " skipped; first: " + report.skipped.front().case_name + ": " +
                 report.skipped.front().reason + ")";
    }
    return Error{message};
  }
  report.median_kv_cv = stats::Median(kv_cvs);
  report.median_redis_cv = stats::Median(redis_cvs);
  report.median_ratio_cv = stats::Median(ratio_cvs);
  return report;
}

}  // namespace kv::compare
