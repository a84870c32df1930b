// Latency histogram in the HdrHistogram style: log-linear buckets with 3 significant digits
// (relative error <= 1/1024 < 0.1%), values in NANOSECONDS from 1 ns to 1 hour. Recording is
// constant-time and never allocates; merging is lossless. One histogram per thread, merged at the
// end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"

namespace kv::stats {

// Layout: 2048 sub-buckets of width 1 cover [0, 2048); after that each power-of-two range
// [1024 * 2^k, 2048 * 2^k) is split into 1024 sub-buckets of width 2^k. ~33,400 int64 counts
// (~270 KB) allocated once in the constructor. Copyable; not thread-safe (one per thread).
class Histogram {
 public:
  static constexpr int64_t kLowest = 1;                       // 1 ns
  static constexpr int64_t kHighest = 3600LL * 1000000000LL;  // 1 h in ns
  static constexpr int kSignificantDigits = 3;

  Histogram();

  // Records one value (ns). Values below 1 are recorded as 1, above kHighest as kHighest; both
  // count in clamped() so a report can say so. RecordN ignores count <= 0.
  void Record(int64_t value_ns) { RecordN(value_ns, 1); }
  void RecordN(int64_t value_ns, int64_t count);

  // Adds every count of other (same layout by construction: lossless). min/max/count/clamped
  // combine exactly; mean/stddev combine with Chan's parallel formula.
  void Merge(const Histogram& other);
  void Reset();

  int64_t count() const { return total_; }
  int64_t clamped() const { return clamped_; }
  int64_t min() const;  // exact (after clamping); 0 when empty
  int64_t max() const;  // exact (after clamping); 0 when empty
  // Exact (running Welford mean of the clamped values, not bucket midpoints); 0 when empty.
  double mean() const { return mean_; }
  // Population standard deviation (divides by n), exact like mean(); 0 when empty.
  double stddev() const;
  // Rank r = ceil(p/100 * count) (p clamped to [0, 100]; a relative tolerance of ~1e-15 absorbs
  // floating-point noise so that 99.9% of 1000 values is rank 999), r >= 1. Returns the highest
  // value equivalent to the bucket holding the r-th smallest value (HdrHistogram's convention),
  // capped by max(); so the result is >= the exact percentile and within 1/1024 of it.
  // p = 0 returns min() exactly, p = 100 returns max(). 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;
  // Percentage (0..100) of recorded values <= value_ns, where every value in value_ns's bucket
  // counts as equal to it (HdrHistogram's getPercentileAtOrBelowValue). 0 when empty.
  double PercentileOfValue(int64_t value_ns) const;

  // Visits every non-empty bucket in ascending order: (lowest value, highest value, count).
  void ForEachBucket(const std::function<void(int64_t, int64_t, int64_t)>& fn) const;

  // Compact JSON: {"unit":"ns","significant_digits":3,"count":..,"clamped":..,"min":..,"max":..,
  // "mean":..,"m2":..,"buckets":[[index,count],...]} with only the non-empty buckets, in
  // ascending index order ("m2" is the sum of squared deviations from the mean, kept so that the
  // round trip is exact). FromJson checks the unit, the digits, every field's type, that bucket
  // indices are ascending and in range, counts positive, and that count/min/max agree with the
  // buckets; any violation is an Error naming the problem.
  nlohmann::json ToJson() const;
  static Result<Histogram> FromJson(const nlohmann::json& j);

  // Bucket arithmetic (exposed for tests). Arguments are clamped to [kLowest, kHighest].
  size_t CountsIndex(int64_t value) const;
  int64_t LowestEquivalent(int64_t value) const;
  int64_t HighestEquivalent(int64_t value) const;
  size_t counts_length() const { return counts_.size(); }

 private:
  int64_t ValueFromIndex(size_t index) const;
  int64_t HighestFromIndex(size_t index) const;

  std::vector<int64_t> counts_;  // allocated once in the constructor
  int64_t total_ = 0;
  int64_t clamped_ = 0;
  int64_t min_ = INT64_MAX;
  int64_t max_ = 0;
  double mean_ = 0;  // Welford running mean
  double m2_ = 0;    // Welford sum of squared deviations from the mean
};

}  // namespace kv::stats
