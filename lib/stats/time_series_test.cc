// Tests of TimeSeries: interval placement, statistics equal to one Histogram of the same values,
// lossless merging across recorders.
#include "stats/time_series.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace kv::stats {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

// Values spread over several magnitudes (ns), so that buckets of different widths are involved.
std::vector<int64_t> SpreadValues(int n, int64_t seed) {
  std::vector<int64_t> out;
  uint64_t x = static_cast<uint64_t>(seed) * 2654435761u + 1;
  for (int i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    out.push_back(static_cast<int64_t>(1000 + (x >> 33) % 5'000'000));
  }
  return out;
}

void ExpectStatsOf(const IntervalStats& s, const std::vector<int64_t>& values) {
  Histogram h;
  double sum = 0;
  for (int64_t v : values) {
    h.Record(v);
    sum += static_cast<double>(v);
  }
  EXPECT_EQ(s.count, h.count());
  EXPECT_DOUBLE_EQ(s.mean, sum / static_cast<double>(values.size()));
  EXPECT_EQ(s.p50, h.ValueAtPercentile(50));
  EXPECT_EQ(s.p90, h.ValueAtPercentile(90));
  EXPECT_EQ(s.p99, h.ValueAtPercentile(99));
  EXPECT_EQ(s.max, h.max());
}

TEST(TimeSeriesTest, EmptyRecorderGivesNoIntervals) {
  TimeSeriesRecorder recorder;
  TimeSeries series = recorder.Finish();
  EXPECT_EQ(series.size(), 0u);
  std::vector<IntervalStats> stats = series.Stats(2);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[1].count, 0);
  EXPECT_EQ(stats[1].p99, 0);
}

TEST(TimeSeriesTest, ValuesLandInTheirIntervalAndGapsStayEmpty) {
  TimeSeriesRecorder recorder(kSecond);
  recorder.Record(-5, 100);                // before the origin: interval 0
  recorder.Record(kSecond - 1, 200);       // still interval 0
  recorder.Record(2 * kSecond, 300);       // interval 2; interval 1 stays empty
  recorder.Record(2 * kSecond - 10, 400);  // earlier than the open interval: counts in it
  TimeSeries series = recorder.Finish();
  ASSERT_EQ(series.size(), 3u);
  std::vector<IntervalStats> stats = series.Stats(4);
  EXPECT_EQ(stats[0].count, 2);
  EXPECT_EQ(stats[0].max, 200);
  EXPECT_DOUBLE_EQ(stats[0].mean, 150);
  EXPECT_EQ(stats[1].count, 0);
  EXPECT_EQ(stats[2].count, 2);
  EXPECT_EQ(stats[2].max, 400);
  EXPECT_EQ(stats[3].count, 0);  // beyond size(): empty
}

TEST(TimeSeriesTest, StatisticsEqualOneHistogramOfTheIntervalsValues) {
  TimeSeriesRecorder recorder(kSecond);
  const std::vector<int64_t> first = SpreadValues(5000, 1);
  const std::vector<int64_t> second = SpreadValues(300, 2);
  for (size_t i = 0; i < first.size(); ++i) recorder.Record(static_cast<int64_t>(i), first[i]);
  for (int64_t v : second) recorder.Record(kSecond + 7, v);
  std::vector<IntervalStats> stats = recorder.Finish().Stats(2);
  ExpectStatsOf(stats[0], first);
  ExpectStatsOf(stats[1], second);
}

TEST(TimeSeriesTest, MergeIsLosslessAcrossRecorders) {
  const std::vector<int64_t> a = SpreadValues(2000, 3);
  const std::vector<int64_t> b = SpreadValues(1500, 4);
  TimeSeriesRecorder ra(kSecond);
  TimeSeriesRecorder rb(kSecond);
  for (int64_t v : a) ra.Record(kSecond / 2, v);
  for (int64_t v : b) rb.Record(kSecond / 2, v);
  rb.Record(3 * kSecond, 42);  // only b reaches interval 3
  TimeSeries merged = ra.Finish();
  merged.Merge(rb.Finish());
  ASSERT_EQ(merged.size(), 4u);
  std::vector<int64_t> both = a;
  both.insert(both.end(), b.begin(), b.end());
  std::vector<IntervalStats> stats = merged.Stats(4);
  ExpectStatsOf(stats[0], both);
  EXPECT_EQ(stats[3].count, 1);
  EXPECT_EQ(stats[3].p50, 42);
}

TEST(TimeSeriesTest, MergeIgnoresAnotherIntervalLength) {
  TimeSeriesRecorder seconds(kSecond);
  seconds.Record(0, 10);
  TimeSeriesRecorder tenths(kSecond / 10);
  tenths.Record(0, 20);
  TimeSeries series = seconds.Finish();
  series.Merge(tenths.Finish());
  EXPECT_EQ(series.Stats(1)[0].count, 1);
}

TEST(TimeSeriesTest, RecorderStartsAgainAfterFinish) {
  TimeSeriesRecorder recorder(kSecond);
  recorder.Record(5 * kSecond, 10);
  EXPECT_EQ(recorder.Finish().size(), 6u);
  recorder.Record(0, 10);
  TimeSeries again = recorder.Finish();
  EXPECT_EQ(again.size(), 1u);
  EXPECT_EQ(again.Stats(1)[0].count, 1);
}

}  // namespace
}  // namespace kv::stats
