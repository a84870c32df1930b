// Histogram tests: bucket layout, percentiles against exact (sorted) percentiles of known and
// random distributions, moments, clamping, RecordN and merging.
#include "stats/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include "stats/histogram_test_util.h"

namespace kv::stats {
namespace {

using testing::Bucket;
using testing::Buckets;

// Percentiles in basis points (1/100 of a percent) so the exact rank is integer arithmetic,
// independent of the floating-point rank computation under test.
constexpr int64_t kPercentilesBp[] = {0, 100, 5000, 9000, 9900, 9990, 9999, 10000};

// Checks every percentile against the sorted values: the histogram reports the highest value
// equivalent to the exact percentile's bucket (capped by max), so it is >= the exact value and
// within 1/1024 (< 0.1%) of it. Also checks count/min/max and the exact moments.
void ExpectMatchesExact(std::vector<int64_t> values) {
  Histogram h;
  for (int64_t v : values) h.Record(v);
  std::sort(values.begin(), values.end());
  const int64_t n = static_cast<int64_t>(values.size());
  ASSERT_EQ(h.count(), n);
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  for (int64_t bp : kPercentilesBp) {
    const int64_t rank = std::max<int64_t>(1, (bp * n + 9999) / 10000);  // ceil(p/100 * n)
    const int64_t exact = bp == 0 ? values.front() : values[static_cast<size_t>(rank - 1)];
    const int64_t got = h.ValueAtPercentile(static_cast<double>(bp) / 100.0);
    SCOPED_TRACE("p=" + std::to_string(static_cast<double>(bp) / 100.0) +
                 " exact=" + std::to_string(exact) + " got=" + std::to_string(got));
    EXPECT_GE(got, exact);
    EXPECT_LE(got, h.max());
    EXPECT_LE(static_cast<double>(got - exact) / static_cast<double>(exact), 1.0 / 1024);
  }
  double sum = 0;
  for (int64_t v : values) sum += static_cast<double>(v);
  const double mean = sum / static_cast<double>(n);
  double ss = 0;
  for (int64_t v : values) ss += (static_cast<double>(v) - mean) * (static_cast<double>(v) - mean);
  EXPECT_NEAR(h.mean(), mean, 1e-9 * mean);
  const double stddev = std::sqrt(ss / static_cast<double>(n));
  EXPECT_NEAR(h.stddev(), stddev, 1e-9 * std::max(stddev, 1.0));
}

TEST(HistogramTest, LayoutIsContiguousWithBoundedRelativeWidth) {
  Histogram h;
  EXPECT_EQ(h.CountsIndex(1), 1u);
  for (int64_t v : {1, 2, 1000, 2047}) {  // unit resolution below 2048
    EXPECT_EQ(h.LowestEquivalent(v), v);
    EXPECT_EQ(h.HighestEquivalent(v), v);
  }
  EXPECT_EQ(h.LowestEquivalent(2049), 2048);
  EXPECT_EQ(h.HighestEquivalent(2048), 2049);
  EXPECT_EQ(h.LowestEquivalent(4099), 4096);
  EXPECT_EQ(h.HighestEquivalent(4096), 4099);
  // Walk every bucket from 1 to kHighest: consecutive indices, no gaps, width/lowest <= 1/1024.
  int64_t v = Histogram::kLowest;
  size_t expected_index = 1;
  while (v <= Histogram::kHighest) {
    ASSERT_EQ(h.CountsIndex(v), expected_index) << v;
    ASSERT_EQ(h.LowestEquivalent(v), v);
    const int64_t hi = h.HighestEquivalent(v);
    ASSERT_EQ(h.CountsIndex(hi), expected_index);
    ASSERT_LE(static_cast<double>(hi - v) / static_cast<double>(v), 1.0 / 1024) << v;
    v = hi + 1;
    ++expected_index;
  }
  EXPECT_EQ(h.counts_length(), expected_index);  // the last bucket holds kHighest
  EXPECT_LT(h.counts_length() * sizeof(int64_t), size_t{300} * 1024);
}

TEST(HistogramTest, EmptyHistogramReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
  EXPECT_EQ(h.stddev(), 0);
  EXPECT_EQ(h.ValueAtPercentile(50), 0);
  EXPECT_EQ(h.PercentileOfValue(1000), 0);
  EXPECT_TRUE(Buckets(h).empty());
}

TEST(HistogramTest, UniformOneToMillionMatchesExactPercentiles) {
  std::vector<int64_t> values;
  for (int64_t v = 1; v <= 1000000; ++v) values.push_back(v);
  ExpectMatchesExact(values);
}

TEST(HistogramTest, GeometricSpreadMicrosecondToTenSecondsMatchesExactPercentiles) {
  std::vector<int64_t> values;
  constexpr int kSteps = 200000;  // 1 us * 10^(7 k / kSteps): seven decades
  for (int k = 0; k <= kSteps; ++k) {
    values.push_back(std::llround(1000.0 * std::pow(10.0, 7.0 * k / kSteps)));
  }
  EXPECT_EQ(values.back(), 10000000000);
  ExpectMatchesExact(values);
}

TEST(HistogramTest, ConstantIsReportedExactly) {
  Histogram h;
  for (int i = 0; i < 1000; ++i) h.Record(12345678);
  for (int64_t bp : kPercentilesBp) {
    EXPECT_EQ(h.ValueAtPercentile(static_cast<double>(bp) / 100.0), 12345678);  // capped by max
  }
  EXPECT_EQ(h.mean(), 12345678.0);
  EXPECT_EQ(h.stddev(), 0.0);
  ExpectMatchesExact(std::vector<int64_t>(1000, 12345678));
}

TEST(HistogramTest, RandomSamplesMatchExactPercentiles) {
  for (uint64_t seed : {1u, 42u, 2024u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> lognormal(std::log(50000.0), 1.5);  // ~50 us median
    std::uniform_int_distribution<int64_t> uniform(1, Histogram::kHighest);
    std::vector<int64_t> values;
    for (int i = 0; i < 100000; ++i) {
      values.push_back(std::clamp<int64_t>(std::llround(lognormal(rng)), 1, Histogram::kHighest));
    }
    ExpectMatchesExact(values);
    values.clear();
    for (int i = 0; i < 20000; ++i) values.push_back(uniform(rng));
    ExpectMatchesExact(values);
  }
}

TEST(HistogramTest, RankToleranceAndHighestEquivalentConvention) {
  Histogram h;
  for (int64_t v = 1; v <= 1000; ++v) h.Record(v);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 999);  // rank ceil(999.0000000000001) must be 999
  EXPECT_EQ(h.ValueAtPercentile(50), 500);
  EXPECT_EQ(h.ValueAtPercentile(0.05), 1);  // rank ceil(0.5) = 1
  Histogram g;
  for (int64_t v = 1; v <= 10000; ++v) g.Record(v);
  // Rank 9999 holds 9999 in bucket [9992, 9999]; rank 5000 holds 5000 in [5000, 5003].
  EXPECT_EQ(g.ValueAtPercentile(99.99), 9999);
  EXPECT_EQ(g.ValueAtPercentile(50), 5003);
  EXPECT_EQ(g.ValueAtPercentile(100), 10000);
  EXPECT_EQ(g.ValueAtPercentile(150), 10000);  // clamped to 100
  EXPECT_EQ(g.ValueAtPercentile(-1), 1);       // clamped to 0: min
}

TEST(HistogramTest, PercentileOfValue) {
  Histogram h;
  for (int64_t v = 1; v <= 1000; ++v) h.Record(v);
  EXPECT_DOUBLE_EQ(h.PercentileOfValue(500), 50.0);
  EXPECT_DOUBLE_EQ(h.PercentileOfValue(1000), 100.0);
  EXPECT_DOUBLE_EQ(h.PercentileOfValue(0), 0.0);
  EXPECT_DOUBLE_EQ(h.PercentileOfValue(Histogram::kHighest), 100.0);
  Histogram g;
  for (int64_t v = 1; v <= 10000; ++v) g.Record(v);
  // 9000 lies in [8192, 16384) where buckets are 8 wide: its bucket is [9000, 9007], so the 9007
  // values 1..9007 count as <= 9000.
  EXPECT_EQ(g.LowestEquivalent(9000), 9000);
  EXPECT_DOUBLE_EQ(g.PercentileOfValue(9000), 90.07);
}

TEST(HistogramTest, ClampingAtBothEnds) {
  Histogram h;
  h.Record(0);
  h.Record(-5);
  h.Record(1);
  h.Record(Histogram::kHighest + 1);
  h.Record(INT64_MAX);
  h.Record(Histogram::kHighest);
  EXPECT_EQ(h.count(), 6);
  EXPECT_EQ(h.clamped(), 4);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), Histogram::kHighest);
  EXPECT_EQ(h.ValueAtPercentile(0), 1);
  EXPECT_EQ(h.ValueAtPercentile(50), 1);
  EXPECT_EQ(h.ValueAtPercentile(51), Histogram::kHighest);
  EXPECT_DOUBLE_EQ(h.mean(), (3.0 + 3.0 * static_cast<double>(Histogram::kHighest)) / 6);
  const auto buckets = Buckets(h);
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0], Bucket(1, 1, 3));
  EXPECT_EQ(std::get<2>(buckets[1]), 3);
  EXPECT_LE(std::get<0>(buckets[1]), Histogram::kHighest);
  EXPECT_GE(std::get<1>(buckets[1]), Histogram::kHighest);
}

TEST(HistogramTest, RecordNEqualsRepeatedRecord) {
  Histogram a;
  Histogram b;
  const std::pair<int64_t, int64_t> entries[] = {{100, 5}, {123456789, 3}, {7, 1}, {5000, 11}};
  for (const auto& [v, n] : entries) {
    a.RecordN(v, n);
    for (int64_t i = 0; i < n; ++i) b.Record(v);
  }
  a.RecordN(42, 0);   // ignored
  a.RecordN(42, -3);  // ignored
  EXPECT_EQ(a.count(), 20);
  EXPECT_EQ(Buckets(a), Buckets(b));
  EXPECT_EQ(a.min(), 7);
  EXPECT_EQ(a.max(), 123456789);
  EXPECT_NEAR(a.mean(), b.mean(), 1e-9 * b.mean());
  EXPECT_NEAR(a.stddev(), b.stddev(), 1e-9 * b.stddev());
  // Exact moments: (500 + 370370367 + 7 + 55000) / 20.
  EXPECT_NEAR(a.mean(), 370425874.0 / 20, 1e-6);
}

TEST(HistogramTest, MergeOfHalvesEqualsWhole) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(std::log(200000.0), 2.0);
  Histogram whole;
  Histogram first;
  Histogram second;
  for (int i = 0; i < 50000; ++i) {
    // Every 997th value is <= 0 and gets clamped, so clamped() must merge too.
    const int64_t v = i % 997 == 0 ? -i : std::llround(dist(rng));
    whole.Record(v);
    (i % 3 == 0 ? first : second).Record(v);
  }
  ASSERT_GT(whole.clamped(), 0);
  first.Merge(second);
  EXPECT_EQ(Buckets(first), Buckets(whole));
  EXPECT_EQ(first.count(), whole.count());
  EXPECT_EQ(first.clamped(), whole.clamped());
  EXPECT_EQ(first.min(), whole.min());
  EXPECT_EQ(first.max(), whole.max());
  EXPECT_NEAR(first.mean(), whole.mean(), 1e-9 * whole.mean());
  EXPECT_NEAR(first.stddev(), whole.stddev(), 1e-9 * whole.stddev());
  for (int64_t bp : kPercentilesBp) {
    const double p = static_cast<double>(bp) / 100.0;
    EXPECT_EQ(first.ValueAtPercentile(p), whole.ValueAtPercentile(p));
  }
}

TEST(HistogramTest, MergeWithEmptyAndWithItself) {
  Histogram h;
  h.Record(10);
  h.Record(30);
  Histogram empty;
  h.Merge(empty);
  EXPECT_EQ(h.count(), 2);
  empty.Merge(h);
  EXPECT_EQ(Buckets(empty), Buckets(h));
  EXPECT_EQ(empty.min(), 10);
  EXPECT_DOUBLE_EQ(empty.mean(), 20.0);
  h.Merge(h);  // aliasing is allowed: doubles every count
  EXPECT_EQ(h.count(), 4);
  EXPECT_EQ(Buckets(h), (std::vector<Bucket>{{10, 10, 2}, {30, 30, 2}}));
  EXPECT_DOUBLE_EQ(h.mean(), 20.0);
  EXPECT_DOUBLE_EQ(h.stddev(), 10.0);
}

TEST(HistogramTest, ResetEmptiesEverything) {
  Histogram h;
  h.Record(0);
  h.Record(5000);
  h.Reset();
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.clamped(), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.mean(), 0);
  EXPECT_TRUE(Buckets(h).empty());
  h.Record(77);
  EXPECT_EQ(h.min(), 77);
  EXPECT_EQ(h.max(), 77);
  EXPECT_EQ(h.mean(), 77.0);
}

}  // namespace
}  // namespace kv::stats
