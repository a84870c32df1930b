// Latency per time interval over a run (kv-load's per-second series): each interval's values are
// kept as its histogram's non-empty buckets, so per-thread series merge losslessly and an
// interval's percentiles come from its merged counts, never from averaged percentiles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "stats/histogram.h"

namespace kv::stats {

// One interval after merging. Latencies in ns; all 0 when count is 0.
struct IntervalStats {
  int64_t count = 0;
  double mean = 0;  // exact (from the recorded values, not bucket midpoints)
  int64_t p50 = 0;  // Histogram::ValueAtPercentile's convention, capped by max
  int64_t p90 = 0;
  int64_t p99 = 0;
  int64_t max = 0;  // exact
};

// Finished intervals, ready to merge and read. Interval i covers [i, i + 1) × interval_ns after
// the series' origin.
class TimeSeries {
 public:
  explicit TimeSeries(int64_t interval_ns) : interval_ns_(interval_ns) {}

  // Adds other's values interval by interval. Both must have the same interval length; a
  // different one is a programming error and leaves this series unchanged.
  void Merge(const TimeSeries& other);

  int64_t interval_ns() const { return interval_ns_; }
  // Intervals from 0 to the last one holding a value (empty ones in between included).
  size_t size() const { return intervals_.size(); }
  // Statistics of intervals [0, n) (n may exceed size(): the rest are empty), computed with one
  // reused Histogram.
  std::vector<IntervalStats> Stats(size_t n) const;

 private:
  friend class TimeSeriesRecorder;
  struct Interval {
    std::vector<std::pair<int64_t, int64_t>> buckets;  // (highest equivalent value, count), sorted
    int64_t count = 0;
    double sum = 0;  // of the recorded (clamped) values
    int64_t max = 0;
  };

  int64_t interval_ns_;
  std::vector<Interval> intervals_;
};

// One thread's recorder: a Histogram for the interval being recorded, condensed into the
// series when the time moves to a later interval. Recording never allocates except when an
// interval closes (its non-empty buckets are copied out). Not thread-safe: one per thread.
class TimeSeriesRecorder {
 public:
  explicit TimeSeriesRecorder(int64_t interval_ns = 1'000'000'000);

  // Records value_ns in the interval holding t_ns (ns since the origin; a negative time counts in
  // interval 0). Times should not decrease (one thread's replies arrive in order); a time before
  // the interval being recorded counts in that interval.
  void Record(int64_t t_ns, int64_t value_ns);
  // Closes the interval being recorded and returns the series; the recorder starts empty again.
  TimeSeries Finish();

 private:
  void Close();

  TimeSeries series_;
  Histogram current_;
  int64_t current_index_ = -1;  // the interval being recorded; -1: none yet
  double current_sum_ = 0;
};

}  // namespace kv::stats
