// Helpers the report's section builders share: JSON inputs, the spectrum chart's axes, medians and
// intervals of a series, the latency percentile counters of a kv_bench case, and the texts of
// values with intervals.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stats/interval.h"
#include "tools/compare/html/chart.h"
#include "tools/compare/result_set.h"

namespace kv::compare::html {

// One input file read as JSON: the kv-load and gate sections read the document itself.
struct JsonInput {
  std::string source;  // the file, for messages
  nlohmann::json doc;
};

// A latency spectrum chart (HdrHistogram's plot), without series: x the percentile on the log
// 1/(1-p) axis, y the latency in `unit` ("µs", "ms") on a log scale.
LineChart SpectrumChart(std::string title, std::string_view unit, int width, int height);

// The exact interval of the median of `metric` (MedianOf, result_set.h; stats::MedianInterval at
// `confidence`); nullopt with too few repetitions (fewer than 6 at 95 %).
std::optional<stats::Interval> MedianInterval(const Series* series, std::string_view metric,
                                              double confidence);

// The percentile of a latency counter named "p<digits>_us" (the point after the second digit:
// "p50_us" 50, "p999_us" 99.9, "p9999_us" 99.99); nullopt for any other name.
std::optional<double> PercentileOfCounter(std::string_view name);

// The latency counters of `series` as (percentile, counter name), ascending by percentile.
std::vector<std::pair<double, std::string>> PercentileCounters(const Series& series);

// "1.23 [1.10, 1.31]" (Number() of each), or the estimate alone without an interval.
std::string WithInterval(double estimate, const std::optional<stats::Interval>& interval);

// The last path component of a file name ("results/x/kv_bench.json" -> "kv_bench.json").
std::string BaseName(std::string_view path);

// "95 %" for 0.95.
std::string LevelText(double confidence);

}  // namespace kv::compare::html
