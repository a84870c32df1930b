// Baseline vs current comparison rows and their verdicts.
#include "tools/compare/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "stats/summary.h"
#include "tools/compare/names.h"

namespace kv::compare {
namespace {

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100);
  return buf;
}

bool HasMetric(const Series* series, std::string_view metric) {
  return series != nullptr && !series->Values(metric).empty();
}

// kv-load config keys that say where or how results were written, not what was measured.
bool IsIrrelevantLoadSetting(const std::string& key) {
  static const std::set<std::string> kKeys = {
      "host", "port",  "socket", "unix_socket", "json", "json_path", "output",
      "csv",  "quiet", "seed",   "password",    "user", "auth",      "progress"};
  return kKeys.contains(key);
}

void CompareSetting(const ResultSet& b, const ResultSet& c, const std::string& key,
                    std::string& diffs) {
  auto bi = b.context.find(key);
  auto ci = c.context.find(key);
  if (bi == b.context.end() && ci == c.context.end()) return;
  std::string bv = bi == b.context.end() ? "(absent)" : bi->second;
  std::string cv = ci == c.context.end() ? "(absent)" : ci->second;
  if (bv == cv) return;
  diffs += (diffs.empty() ? "" : "; ") + key + ": baseline " + bv + ", current " + cv;
}

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kImproved:
      return "improved";
    case Verdict::kRegressed:
      return "regressed";
    case Verdict::kNoClearDifference:
      return "no clear difference";
    case Verdict::kTooNoisy:
      return "too noisy to tell";
    case Verdict::kNew:
      return "new";
    case Verdict::kMissing:
      return "missing";
  }
  return "?";
}

Comparison CompareSamples(std::span<const double> baseline, std::span<const double> current,
                          const MetricPolicy& metric, const Policy& policy) {
  Comparison row;
  row.metric = metric.name;
  row.n_baseline = baseline.size();
  row.n_current = current.size();
  if (!baseline.empty()) row.baseline = stats::Median(baseline);
  if (!current.empty()) row.current = stats::Median(current);
  if (baseline.size() >= 2) row.cv_baseline = stats::CoefficientOfVariation(baseline);
  if (current.size() >= 2) row.cv_current = stats::CoefficientOfVariation(current);
  if (baseline.empty()) {
    row.verdict = Verdict::kNew;
    return row;
  }
  if (current.empty()) {
    row.verdict = Verdict::kMissing;
    return row;
  }
  if (*row.baseline != 0) {
    row.change = (*row.current - *row.baseline) / std::fabs(*row.baseline);
  } else if (*row.current == 0) {
    row.change = 0;
  }
  if (baseline.size() >= 2 && current.size() >= 2) {
    row.p_value = stats::MannWhitneyU(baseline, current).p_value;
  }
  row.ratio = stats::HodgesLehmannRatio(baseline, current, policy.confidence);
  const size_t n = std::min(baseline.size(), current.size());
  const stats::Finding finding = stats::JudgeRatio(row.ratio, n, policy.equal_band);
  const bool higher = metric.direction == Direction::kHigherIsBetter;
  switch (finding) {
    case stats::Finding::kHigher:
      row.verdict = higher ? Verdict::kImproved : Verdict::kRegressed;
      break;
    case stats::Finding::kLower:
      row.verdict = higher ? Verdict::kRegressed : Verdict::kImproved;
      break;
    case stats::Finding::kNoClearDifference:
      row.verdict = Verdict::kNoClearDifference;
      break;
    case stats::Finding::kTooNoisy:
      row.verdict = Verdict::kTooNoisy;
      if (n < stats::kMinVerdictSamples) {
        row.note =
            "fewer than " + std::to_string(stats::kMinVerdictSamples) + " repetitions a side";
      } else if (!row.ratio) {
        row.note = *row.baseline == 0 || *row.current == 0 ? "baseline or current is 0"
                                                           : "no interval from these samples";
      } else {
        row.note = "not significant; interval wider than ±" + Percent(policy.equal_band);
      }
      break;
  }
  return row;
}

std::vector<Comparison> CompareRaw(const ResultSet& baseline, const ResultSet& current,
                                   const Policy& policy) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const ResultSet* set : {&baseline, &current}) {
    for (const Series& s : set->series) {
      if (seen.insert(s.name).second) names.push_back(s.name);
    }
  }
  std::vector<Comparison> rows;
  for (const std::string& name : names) {
    const Series* b = baseline.Find(name);
    const Series* c = current.Find(name);
    for (const MetricPolicy& metric : policy.metrics) {
      if (!HasMetric(b, metric.name) && !HasMetric(c, metric.name)) continue;
      std::vector<double> bv = b ? b->Values(metric.name) : std::vector<double>{};
      std::vector<double> cv = c ? c->Values(metric.name) : std::vector<double>{};
      Comparison row = CompareSamples(bv, cv, metric, policy);
      row.benchmark = name;
      row.mode = GateMode::kRaw;
      if (c != nullptr && !c->errors.empty() && row.verdict == Verdict::kMissing) {
        row.note = "failed: " + c->errors.front();
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

namespace {

// (repetition index, target ÷ reference) for one case and metric, in the target's repetition order.
std::vector<std::pair<int, double>> IndexedRatios(const ResultSet& set, const TargetPair& pair,
                                                  std::string_view case_name,
                                                  std::string_view metric) {
  std::string case_str(case_name);
  const Series* kv = set.Find(pair.target + "/" + case_str);
  const Series* redis = set.Find(pair.reference + "/" + case_str);
  std::vector<std::pair<int, double>> ratios;
  if (kv == nullptr || redis == nullptr) return ratios;
  std::string key(metric);
  for (const Repetition& kv_rep : kv->repetitions) {
    const Repetition* redis_rep = redis->FindRepetition(kv_rep.index);
    if (redis_rep == nullptr) continue;
    auto k = kv_rep.metrics.find(key);
    auto r = redis_rep->metrics.find(key);
    if (k == kv_rep.metrics.end() || r == redis_rep->metrics.end() || r->second == 0) continue;
    ratios.emplace_back(kv_rep.index, k->second / r->second);
  }
  return ratios;
}

}  // namespace

std::vector<double> TargetRatios(const ResultSet& set, std::string_view case_name,
                                 std::string_view metric) {
  return TargetRatios(set, set.pair, case_name, metric);
}

std::vector<double> TargetRatios(const ResultSet& set, const TargetPair& pair,
                                 std::string_view case_name, std::string_view metric) {
  std::vector<double> ratios;
  for (const auto& [index, ratio] : IndexedRatios(set, pair, case_name, metric)) {
    ratios.push_back(ratio);
  }
  return ratios;
}

std::vector<double> GeomeanRatios(const ResultSet& set, const std::vector<std::string>& cases,
                                  std::string_view metric) {
  return GeomeanRatios(set, set.pair, cases, metric);
}

std::vector<double> GeomeanRatios(const ResultSet& set, const TargetPair& pair,
                                  const std::vector<std::string>& cases, std::string_view metric) {
  // index -> (sum of logs, cases seen)
  std::map<int, std::pair<double, size_t>> acc;
  for (const std::string& c : cases) {
    std::vector<std::pair<int, double>> ratios = IndexedRatios(set, pair, c, metric);
    if (ratios.empty()) return {};
    for (const auto& [index, ratio] : ratios) {
      if (!(ratio > 0) || !std::isfinite(ratio)) continue;
      auto& [sum, n] = acc[index];
      sum += std::log(ratio);
      ++n;
    }
  }
  std::vector<double> out;
  for (const auto& [index, sum_n] : acc) {
    if (sum_n.second != cases.size()) continue;  // only repetitions every case has
    out.push_back(std::exp(sum_n.first / static_cast<double>(cases.size())));
  }
  return out;
}

std::string CommandOf(std::string_view case_name) {
  return std::string(case_name.substr(0, case_name.find('/')));
}

std::string CommandRowName(std::string_view command) {
  return std::string(command) + "/* (geometric mean)";
}

std::vector<std::string> PairedCases(const ResultSet& set) {
  std::vector<std::string> cases;
  for (const Series& s : set.series) {
    TargetAndCase tc = SplitTarget(s.name);
    if (tc.target != set.pair.target || tc.case_name.empty()) continue;
    if (set.Find(set.pair.reference + "/" + tc.case_name) != nullptr) {
      cases.push_back(tc.case_name);
    }
  }
  return cases;
}

std::vector<Comparison> CompareRatios(const ResultSet& baseline, const ResultSet& current,
                                      const Policy& policy) {
  std::vector<std::string> cases;
  std::set<std::string> seen;
  for (const ResultSet* set : {&baseline, &current}) {
    for (std::string& c : PairedCases(*set)) {
      if (seen.insert(c).second) cases.push_back(std::move(c));
    }
  }
  std::vector<Comparison> rows;
  for (const std::string& case_name : cases) {
    for (const MetricPolicy& metric : policy.metrics) {
      std::vector<double> bv = TargetRatios(baseline, case_name, metric.name);
      std::vector<double> cv = TargetRatios(current, case_name, metric.name);
      if (bv.empty() && cv.empty()) continue;
      Comparison row = CompareSamples(bv, cv, metric, policy);
      row.benchmark = case_name;
      row.mode = GateMode::kRatio;
      row.pair = current.pair;
      rows.push_back(std::move(row));
    }
  }
  for (const MetricPolicy& metric : policy.metrics) {
    std::vector<std::string> common;
    for (const std::string& case_name : cases) {
      if (!TargetRatios(baseline, case_name, metric.name).empty() &&
          !TargetRatios(current, case_name, metric.name).empty()) {
        common.push_back(case_name);
      }
    }
    if (common.size() < 2) continue;
    // Per command (first path element), in order of first appearance.
    std::vector<std::string> commands;
    std::map<std::string, std::vector<std::string>> cells;
    for (const std::string& case_name : common) {
      std::string command = CommandOf(case_name);
      auto [it, inserted] = cells.try_emplace(command);
      if (inserted) commands.push_back(command);
      it->second.push_back(case_name);
    }
    auto aggregate_row = [&](const std::vector<std::string>& group, std::string name) {
      std::vector<double> bv = GeomeanRatios(baseline, group, metric.name);
      std::vector<double> cv = GeomeanRatios(current, group, metric.name);
      if (bv.empty() || cv.empty()) return;
      Comparison row = CompareSamples(bv, cv, metric, policy);
      row.benchmark = std::move(name);
      row.mode = GateMode::kRatio;
      row.pair = current.pair;
      row.aggregate = true;
      if (row.note.empty()) {
        row.note = std::to_string(group.size()) + (group.size() == 1 ? " case" : " cases");
      }
      rows.push_back(std::move(row));
    };
    if (commands.size() >= 2) {
      for (const std::string& command : commands) {
        aggregate_row(cells[command], CommandRowName(command));
      }
    }
    aggregate_row(common, std::string(kAllCasesRow));
  }
  return rows;
}

Status CheckComparable(const ResultSet& baseline, const ResultSet& current) {
  if (baseline.format != current.format) {
    return Error{"cannot compare " + std::string(SourceFormatName(baseline.format)) + " (" +
                 baseline.source + ") with " + std::string(SourceFormatName(current.format)) +
                 " (" + current.source + ")"};
  }
  std::string diffs;
  if (baseline.format == SourceFormat::kGoogleBenchmark) {
    for (const char* key : {"grid", "build_type"}) CompareSetting(baseline, current, key, diffs);
    if (baseline.pair != current.pair) {
      diffs += (diffs.empty() ? "" : "; ") + std::string("ratios: baseline ") +
               baseline.pair.Label() + ", current " + current.pair.Label();
    }
  } else {
    std::set<std::string> keys;
    for (const ResultSet* set : {&baseline, &current}) {
      for (const auto& [key, value] : set->context) {
        if (!IsIrrelevantLoadSetting(key)) keys.insert(key);
      }
    }
    for (const std::string& key : keys) CompareSetting(baseline, current, key, diffs);
  }
  if (!diffs.empty()) return Error{"results were measured with different settings: " + diffs};
  return {};
}

size_t CountOverlap(const ResultSet& baseline, const ResultSet& current) {
  size_t n = 0;
  for (const Series& s : baseline.series) {
    if (current.Find(s.name) != nullptr) ++n;
  }
  return n;
}

}  // namespace kv::compare
