// Shared helpers of the report's section builders (see section_util.h).
#include "tools/compare/html/section_util.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "stats/summary.h"
#include "tools/compare/html/markup.h"
#include "tools/compare/table.h"

namespace kv::compare::html {

LineChart SpectrumChart(std::string title, std::string_view unit, int width, int height) {
  LineChart chart;
  chart.title = std::move(title);
  chart.x = {
      .title = "percentile", .kind = ScaleKind::kPercentile, .include_zero = false, .ticks_at = {}};
  chart.y = {.title = "latency (" + std::string(unit) + ")",
             .kind = ScaleKind::kLog,
             .include_zero = false,
             .ticks_at = {}};
  chart.width = width;
  chart.height = height;
  return chart;
}

std::optional<stats::Interval> MedianInterval(const Series* series, std::string_view metric,
                                              double confidence) {
  if (series == nullptr) return std::nullopt;
  return stats::MedianInterval(series->Values(metric), confidence);
}

std::optional<double> PercentileOfCounter(std::string_view name) {
  if (!name.starts_with("p") || !name.ends_with("_us")) return std::nullopt;
  const std::string_view digits = name.substr(1, name.size() - 4);
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  if (!std::all_of(digits.begin(), digits.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    return std::nullopt;
  }
  std::string number(digits.substr(0, 2));
  if (digits.size() > 2) number += "." + std::string(digits.substr(2));
  const double p = std::stod(number);
  if (!(p > 0 && p < 100)) return std::nullopt;
  return p;
}

std::vector<std::pair<double, std::string>> PercentileCounters(const Series& series) {
  std::set<std::string> names;
  for (const Repetition& rep : series.repetitions) {
    for (const auto& [name, value] : rep.metrics) {
      if (PercentileOfCounter(name)) names.insert(name);
    }
  }
  std::vector<std::pair<double, std::string>> out;
  for (const std::string& name : names) out.emplace_back(*PercentileOfCounter(name), name);
  std::sort(out.begin(), out.end());
  return out;
}

std::string WithInterval(double estimate, const std::optional<stats::Interval>& interval) {
  if (!interval) return Number(estimate);
  return Number(interval->estimate) + " [" + Number(interval->low) + ", " + Number(interval->high) +
         "]";
}

std::string BaseName(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string LevelText(double confidence) { return FormatDouble("%g", confidence * 100) + " %"; }

}  // namespace kv::compare::html
