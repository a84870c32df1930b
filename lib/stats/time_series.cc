// TimeSeries and its per-thread recorder (see time_series.h).
#include "stats/time_series.h"

#include <algorithm>

namespace kv::stats {

void TimeSeries::Merge(const TimeSeries& other) {
  if (other.interval_ns_ != interval_ns_) return;
  if (intervals_.size() < other.intervals_.size()) intervals_.resize(other.intervals_.size());
  for (size_t i = 0; i < other.intervals_.size(); ++i) {
    const Interval& from = other.intervals_[i];
    if (from.count == 0) continue;
    Interval& to = intervals_[i];
    std::vector<std::pair<int64_t, int64_t>> merged;
    merged.reserve(to.buckets.size() + from.buckets.size());
    std::merge(to.buckets.begin(), to.buckets.end(), from.buckets.begin(), from.buckets.end(),
               std::back_inserter(merged));
    // Equal values (the same bucket in both) become one entry.
    size_t out = 0;
    for (size_t j = 0; j < merged.size(); ++j) {
      if (out > 0 && merged[out - 1].first == merged[j].first) {
        merged[out - 1].second += merged[j].second;
      } else {
        merged[out++] = merged[j];
      }
    }
    merged.resize(out);
    to.buckets = std::move(merged);
    to.count += from.count;
    to.sum += from.sum;
    to.max = std::max(to.max, from.max);
  }
}

std::vector<IntervalStats> TimeSeries::Stats(size_t n) const {
  std::vector<IntervalStats> out(n);
  Histogram h;
  for (size_t i = 0; i < n && i < intervals_.size(); ++i) {
    const Interval& interval = intervals_[i];
    if (interval.count == 0) continue;
    h.Reset();
    for (const auto& [value, count] : interval.buckets) h.RecordN(value, count);
    IntervalStats& s = out[i];
    s.count = interval.count;
    s.mean = interval.sum / static_cast<double>(interval.count);
    s.max = interval.max;
    // Recorded at their bucket's highest value, so the histogram's percentiles are the original
    // histogram's except for its cap at the exact maximum, applied here.
    s.p50 = std::min(h.ValueAtPercentile(50), interval.max);
    s.p90 = std::min(h.ValueAtPercentile(90), interval.max);
    s.p99 = std::min(h.ValueAtPercentile(99), interval.max);
  }
  return out;
}

TimeSeriesRecorder::TimeSeriesRecorder(int64_t interval_ns) : series_(interval_ns) {}

void TimeSeriesRecorder::Record(int64_t t_ns, int64_t value_ns) {
  const int64_t index = t_ns <= 0 ? 0 : t_ns / series_.interval_ns_;
  if (index > current_index_) {
    Close();
    current_index_ = index;
  }
  current_.Record(value_ns);
  current_sum_ +=
      static_cast<double>(std::clamp(value_ns, Histogram::kLowest, Histogram::kHighest));
}

// Moves the interval being recorded into the series (current_index_ stays: a later value with an
// earlier time still counts in the interval after it).
void TimeSeriesRecorder::Close() {
  if (current_index_ < 0 || current_.count() == 0) return;
  const size_t index = static_cast<size_t>(current_index_);
  if (series_.intervals_.size() <= index) series_.intervals_.resize(index + 1);
  TimeSeries::Interval& interval = series_.intervals_[index];
  current_.ForEachBucket([&](int64_t, int64_t highest, int64_t count) {
    interval.buckets.emplace_back(highest, count);
  });
  interval.count = current_.count();
  interval.sum = current_sum_;
  interval.max = current_.max();
  current_.Reset();
  current_sum_ = 0;
}

TimeSeries TimeSeriesRecorder::Finish() {
  Close();
  current_index_ = -1;
  TimeSeries out = std::move(series_);
  series_ = TimeSeries(out.interval_ns());
  return out;
}

}  // namespace kv::stats
