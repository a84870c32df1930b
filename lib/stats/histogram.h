// Latency histogram in the HdrHistogram style: log-linear buckets with 3 significant digits
// (relative error <= 0.1%), values in NANOSECONDS from 1 ns to 1 hour. Recording is constant-time
// and never allocates; merging is lossless. One histogram per thread, merged at the end.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace kv::stats {

class Histogram {
 public:
  static constexpr int64_t kLowest = 1;                        // 1 ns
  static constexpr int64_t kHighest = 3600LL * 1000000000LL;   // 1 h in ns
  static constexpr int kSignificantDigits = 3;

  Histogram();

  // Records one value (ns). Values below 1 are recorded as 1, above kHighest as kHighest; both
  // count in clamped() so a report can say so.
  void Record(int64_t value_ns) { RecordN(value_ns, 1); }
  void RecordN(int64_t value_ns, int64_t count);

  // Adds every count of other (same layout by construction: lossless).
  void Merge(const Histogram& other);
  void Reset();

  int64_t count() const { return total_; }
  int64_t clamped() const { return clamped_; }
  int64_t min() const;   // 0 when empty
  int64_t max() const;   // 0 when empty
  double mean() const;   // 0 when empty
  double stddev() const;
  // Smallest recorded value v such that at least p% of values are <= v (p in [0, 100]),
  // reported as the highest value equivalent to v's bucket (HdrHistogram's convention), capped by
  // max(). 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;
  // Percentage of values <= value_ns.
  double PercentileOfValue(int64_t value_ns) const;

  // Visits every non-empty bucket in ascending order: (lowest value, highest value, count).
  void ForEachBucket(const std::function<void(int64_t, int64_t, int64_t)>& fn) const;

  // Compact JSON: {"unit":"ns","significant_digits":3,"count":..,"min":..,"max":..,
  // "buckets":[[index,count],...]} with only the non-empty buckets.
  nlohmann::json ToJson() const;
  static Result<Histogram> FromJson(const nlohmann::json& j);

  // Bucket arithmetic (exposed for tests).
  size_t CountsIndex(int64_t value) const;
  int64_t LowestEquivalent(int64_t value) const;
  int64_t HighestEquivalent(int64_t value) const;

 private:
  int64_t ValueFromIndex(size_t index) const;

  std::vector<int64_t> counts_;  // allocated once in the constructor
  int64_t total_ = 0;
  int64_t clamped_ = 0;
  int64_t min_ = INT64_MAX;
  int64_t max_ = 0;
  double sum_ = 0;     // for mean
  double sum_sq_ = 0;  // for stddev
};

}  // namespace kv::stats
