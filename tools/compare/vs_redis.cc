// A target vs the reference (kv-server vs redis-server by default) from one result file.
#include "tools/compare/vs_redis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "base/numbers.h"
#include "stats/summary.h"
#include "tools/compare/compare.h"
#include "tools/compare/names.h"
#include "tools/compare/table.h"

namespace kv::compare {
namespace {

std::optional<double> Ratio(std::optional<double> num, std::optional<double> den) {
  if (!num || !den || *den == 0) return std::nullopt;
  return *num / *den;
}

std::vector<std::string> ErrorsOf(const Series* series) {
  std::vector<std::string> out;
  if (series == nullptr) return out;
  for (const std::string& e : series->errors) {
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
  return out;
}

// The context fields kv_bench writes that say what was measured where, in display order.
constexpr std::string_view kContextKeys[] = {"host",
                                             "build_type",
                                             "kv_version",
                                             "kv_git_commit",
                                             "kv_server_version",
                                             "redis_version",
                                             "grid",
                                             "kv_kernel",
                                             "kv_compiler",
                                             "kv_cpus",
                                             "kv_cpu_governor",
                                             "kv_thp",
                                             "kv_load_avg_before",
                                             "kv_rtt_us_measured",
                                             "kv_server_args",
                                             "redis_args",
                                             "kv_targets",
                                             "kv_reference",
                                             "kv_server_stats"};

}  // namespace

VsRedisVerdict JudgeVsRedis(const std::optional<stats::Interval>& interval, size_t n,
                            double equal_band) {
  switch (stats::JudgeRatio(interval, n, equal_band)) {
    case stats::Finding::kHigher:
      return VsRedisVerdict::kFaster;
    case stats::Finding::kLower:
      return VsRedisVerdict::kSlower;
    case stats::Finding::kNoClearDifference:
      return VsRedisVerdict::kNoClearDifference;
    case stats::Finding::kTooNoisy:
      break;
  }
  return VsRedisVerdict::kTooNoisy;
}

namespace {

std::optional<std::string> ContextValue(const ResultSet& set, const char* key) {
  auto it = set.context.find(key);
  if (it == set.context.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::string_view VsRedisVerdictName(VsRedisVerdict verdict) {
  switch (verdict) {
    case VsRedisVerdict::kFaster:
      return "faster";
    case VsRedisVerdict::kSlower:
      return "slower";
    case VsRedisVerdict::kNoClearDifference:
      return "no clear difference";
    case VsRedisVerdict::kTooNoisy:
      return "too noisy to tell";
    case VsRedisVerdict::kClientBound:
      return "client-bound";
  }
  return "?";
}

std::optional<double> ParseCpuCount(std::string_view text) {
  double count = 0;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const size_t dash = part.find('-');
    if (dash == std::string_view::npos) {
      auto n = ParseNumber<long>(part);
      if (!n || *n < 0) return std::nullopt;
      // A single number is a count ("2"); in a list it names one CPU ("0,2").
      count += comma == std::string_view::npos && count == 0 ? static_cast<double>(*n) : 1;
      continue;
    }
    auto lo = ParseNumber<long>(part.substr(0, dash));
    auto hi = ParseNumber<long>(part.substr(dash + 1));
    if (!lo || !hi || *lo < 0 || *hi < *lo) return std::nullopt;
    count += static_cast<double>(*hi - *lo + 1);
  }
  if (count <= 0) return std::nullopt;
  return count;
}

RunConditions JudgeConditions(const ResultSet& set) {
  RunConditions c;
  if (auto cpus = ContextValue(set, "kv_cpus")) c.cpus = ParseCpuCount(*cpus);
  if (!c.cpus) {
    if (auto n = ContextValue(set, "num_cpus")) c.cpus = ParseCpuCount(*n);
  }
  double sum = 0;
  size_t n = 0;
  for (const Series& s : set.series) {
    for (double v : s.Values("other_cpu_cores")) {
      sum += v;
      ++n;
    }
  }
  if (n > 0) c.other_cpu_cores = sum / static_cast<double>(n);
  if (auto load = ContextValue(set, "kv_load_avg_before")) {
    std::string_view text = *load;
    auto first = ParseNumber<double>(text.substr(0, text.find(' ')));
    if (first && std::isfinite(*first)) c.load_before = *first;
  }
  if (!c.other_cpu_cores && !c.load_before) return c;
  std::vector<std::string> parts;
  bool by_cores = false;
  bool by_load = false;
  if (c.other_cpu_cores) {
    by_cores = c.cpus && *c.other_cpu_cores >= kDisturbedOtherCoresShare * *c.cpus;
    parts.push_back("other processes used " + FormatDouble("%.2f", *c.other_cpu_cores) +
                    " cores on average during the runs");
  }
  if (c.load_before) {
    // The load average before the run also counts whatever ran just before it (a previous
    // benchmark, a build): it decides only when the run did not measure other processes' CPU.
    by_load = !c.other_cpu_cores && c.cpus && *c.load_before >= kDisturbedLoadShare * *c.cpus;
    parts.push_back("load average before " + FormatDouble("%.2f", *c.load_before));
  }
  c.disturbed = by_cores || by_load;
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  std::string cpus = c.cpus ? FormatDouble("%g", *c.cpus) + " CPUs" : "unknown CPU count";
  if (c.disturbed) {
    c.summary = "machine disturbed: " + text + " (" + cpus +
                "; disturbed at >= " + FormatDouble("%g", kDisturbedOtherCoresShare * 100) +
                " % of the CPUs used by others or, when that was not measured, a load average >= " +
                FormatDouble("%g", kDisturbedLoadShare * 100) +
                " % of them); ratios are less certain than their intervals say";
  } else {
    c.summary = "machine quiet: " + text + " (" + cpus + ")";
  }
  return c;
}

std::optional<double> GeometricMean(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  double log_sum = 0;
  for (double v : values) {
    if (!(v > 0)) return std::nullopt;
    log_sum += std::log(v);
  }
  return std::exp(log_sum / static_cast<double>(values.size()));
}

Result<VsRedisReport> VsRedis(const ResultSet& set, const VsRedisOptions& options) {
  VsRedisReport report;
  report.source = set.source;
  report.pair = options.pair.value_or(set.pair);
  const std::string& target = report.pair.target;
  const std::string& reference = report.pair.reference;
  report.confidence = options.confidence;
  report.conditions = JudgeConditions(set);
  std::vector<std::string> geomean_cases;
  for (std::string_view key : kContextKeys) {
    if (auto it = set.context.find(std::string(key)); it != set.context.end()) {
      report.context.emplace_back(key, it->second);
    }
  }
  // What each of the pair was (kv_bench's kv_target_<name>).
  for (const std::string& name : {target, reference}) {
    if (auto it = set.context.find("kv_target_" + name); it != set.context.end()) {
      report.context.emplace_back("kv_target_" + name, it->second);
    }
  }
  std::vector<VsRedisRow> unpaired;
  std::vector<double> ops_ratios;
  std::vector<double> p99_ratios;
  for (const Series& s : set.series) {
    TargetAndCase tc = SplitTarget(s.name);
    if (tc.case_name.empty() || (tc.target != target && tc.target != reference)) continue;
    const Series* kv = set.Find(target + "/" + tc.case_name);
    const Series* redis = set.Find(reference + "/" + tc.case_name);
    // Each case once: at its target row, or at its reference row when there is no target row.
    if (tc.target == reference && kv != nullptr) continue;
    VsRedisRow row;
    row.case_name = tc.case_name;
    row.has_kv = kv != nullptr;
    row.has_redis = redis != nullptr;
    row.kv_ops = MedianOf(kv, "items_per_second");
    row.redis_ops = MedianOf(redis, "items_per_second");
    row.kv_p50_us = MedianOf(kv, "p50_us");
    row.redis_p50_us = MedianOf(redis, "p50_us");
    row.kv_p99_us = MedianOf(kv, "p99_us");
    row.redis_p99_us = MedianOf(redis, "p99_us");
    row.ops_ratio = Ratio(row.kv_ops, row.redis_ops);
    row.p99_ratio = Ratio(row.redis_p99_us, row.kv_p99_us);
    row.kv_errors = ErrorsOf(kv);
    row.redis_errors = ErrorsOf(redis);
    row.kv_client_cpu_util = MedianOf(kv, "client_cpu_util");
    row.redis_client_cpu_util = MedianOf(redis, "client_cpu_util");
    row.client_bound = row.kv_client_cpu_util.value_or(0) >= kClientBoundUtil ||
                       row.redis_client_cpu_util.value_or(0) >= kClientBoundUtil;
    if (kv != nullptr && redis != nullptr) {
      std::vector<double> ops = TargetRatios(set, report.pair, tc.case_name, "items_per_second");
      std::vector<double> p99;  // reference ÷ target
      for (double r : TargetRatios(set, report.pair, tc.case_name, "p99_us")) {
        if (r > 0) p99.push_back(1 / r);
      }
      row.pairs = ops.size();
      row.ops_interval = stats::MedianInterval(ops, options.confidence);
      row.p99_interval = stats::MedianInterval(p99, options.confidence);
      row.ops_verdict = JudgeVsRedis(row.ops_interval, ops.size(), options.equal_band);
      row.p99_verdict = JudgeVsRedis(row.p99_interval, p99.size(), options.equal_band);
      if (row.client_bound) {
        row.ops_verdict = VsRedisVerdict::kClientBound;
        row.p99_verdict = VsRedisVerdict::kClientBound;
      } else if (!ops.empty()) {
        geomean_cases.push_back(tc.case_name);
      }
    }
    report.has_kv |= row.has_kv;
    report.has_redis |= row.has_redis;
    if (row.has_kv && row.has_redis) {
      if (row.ops_ratio) ops_ratios.push_back(*row.ops_ratio);
      if (row.p99_ratio) p99_ratios.push_back(*row.p99_ratio);
      ++report.paired;
      report.rows.push_back(std::move(row));
    } else {
      unpaired.push_back(std::move(row));
    }
  }
  if (report.paired == 0 && unpaired.empty()) {
    return Error{set.source + ": no " + target + "/<case> or " + reference +
                 "/<case> results (vs-redis reads kv_bench's Google Benchmark JSON; --target and "
                 "--reference name the pair)"};
  }
  const size_t needed = stats::MedianIntervalMinSamples(options.confidence);
  size_t fewest = needed;
  for (const VsRedisRow& r : report.rows) {
    if (r.pairs > 0 && r.pairs < fewest) fewest = r.pairs;
  }
  if (fewest < needed) {
    report.too_few_repetitions =
        std::to_string(fewest) + " repetitions per case: an exact " +
        FormatDouble("%g", options.confidence * 100) + "% interval of the median needs at least " +
        std::to_string(needed) + " (kv_bench --benchmark_repetitions=" + std::to_string(needed) +
        ", or KV_BENCH_REPETITIONS for scripts/bench.sh); such cases are too noisy to tell";
  }
  report.rows.insert(report.rows.end(), unpaired.begin(), unpaired.end());
  report.geomean_ops_ratio = GeometricMean(ops_ratios);
  report.geomean_p99_ratio = GeometricMean(p99_ratios);
  if (geomean_cases.size() >= 2) {
    std::vector<double> per_rep =
        GeomeanRatios(set, report.pair, geomean_cases, "items_per_second");
    report.geomean_cases = geomean_cases.size();
    report.geomean_ops_interval = stats::MedianInterval(per_rep, options.confidence);
    report.geomean_ops_verdict =
        JudgeVsRedis(report.geomean_ops_interval, per_rep.size(), options.equal_band);
  }
  return report;
}

}  // namespace kv::compare
