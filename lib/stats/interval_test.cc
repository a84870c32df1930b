// Tests of the exact median and Hodges-Lehmann intervals and the verdict rule, against
// hand-computed values and a coverage check on synthetic lognormal data (fixed seeds:
// deterministic).
#include "stats/interval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace kv::stats {
namespace {

TEST(StatsIntervalTest, HodgesLehmannFiveVersusFiveByHand) {
  // Differences b_j - a_i: 6..10, 16..20, 26..30, 36..40, 46..50. For 5 vs 5 the null counts of U
  // start 1, 1, 2, 3 (of 252): P(U <= 2) = 4/252 <= 0.025 < P(U <= 3) = 7/252, so k = 3 and the
  // interval is [D(3), D(23)] = [8, 48] with coverage 1 - 8/252; the estimate is D(13) = 28.
  const std::vector<double> a = {0, 1, 2, 3, 4};
  const std::vector<double> b = {10, 20, 30, 40, 50};
  auto hl = HodgesLehmannShift(a, b);
  ASSERT_TRUE(hl.has_value());
  EXPECT_DOUBLE_EQ(hl->estimate, 28);
  EXPECT_DOUBLE_EQ(hl->low, 8);
  EXPECT_DOUBLE_EQ(hl->high, 48);
  EXPECT_NEAR(hl->confidence, 1 - 8.0 / 252, 1e-12);
  // At 99 %: P(U <= 0) = 1/252 <= 0.005 < 2/252, so k = 1: the extreme differences.
  auto wide = HodgesLehmannShift(a, b, 0.99);
  ASSERT_TRUE(wide.has_value());
  EXPECT_DOUBLE_EQ(wide->low, 6);
  EXPECT_DOUBLE_EQ(wide->high, 50);
  EXPECT_NEAR(wide->confidence, 1 - 2.0 / 252, 1e-12);
}

TEST(StatsIntervalTest, HodgesLehmannSmallestSamples) {
  // 4 vs 4: P(U = 0) = 1/70 <= 0.025 < 2/70: k = 1, the extreme differences.
  auto four = HodgesLehmannShift(std::vector<double>{1, 2, 3, 4}, std::vector<double>{2, 4, 6, 8});
  ASSERT_TRUE(four.has_value());
  EXPECT_DOUBLE_EQ(four->low, -2);
  EXPECT_DOUBLE_EQ(four->high, 7);
  EXPECT_NEAR(four->confidence, 1 - 2.0 / 70, 1e-12);
  // 3 vs 3: P(U = 0) = 1/20 > 0.025: no 95 % interval exists.
  EXPECT_FALSE(HodgesLehmannShift(std::vector<double>{1, 2, 3}, std::vector<double>{4, 5, 6}));
  EXPECT_FALSE(HodgesLehmannShift(std::vector<double>{}, std::vector<double>{1, 2}));
}

TEST(StatsIntervalTest, HodgesLehmannRatioIsTheShiftOfLogs) {
  const std::vector<double> a = {1, 1.1, 0.9, 1.05, 0.95};
  std::vector<double> b;
  for (double x : a) b.push_back(x * 0.8);  // exactly 20 % lower
  auto r = HodgesLehmannRatio(a, b);
  ASSERT_TRUE(r.has_value());
  EXPECT_NEAR(r->estimate, 0.8, 1e-12);
  EXPECT_LT(r->low, 0.8);
  EXPECT_GT(r->high, 0.8);
  EXPECT_FALSE(
      HodgesLehmannRatio(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1, 0, 2, 3}));
}

TEST(StatsIntervalTest, HodgesLehmannLargeSamplesUseTheNormalRank) {
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 60; ++i) {
    a.push_back(i);
    b.push_back(i + 100);
  }
  auto hl = HodgesLehmannShift(a, b);
  ASSERT_TRUE(hl.has_value());
  EXPECT_DOUBLE_EQ(hl->estimate, 100);
  // k = floor(1800 - 1.95996 * sqrt(3600 * 121 / 12)) = floor(1800 - 373.4) = 1426.
  // The difference 100 + d occurs 60 - |d| times; the 1426th smallest is 100 - 7 (53 * 54 / 2 =
  // 1431 >= 1426 > 52 * 53 / 2 = 1378).
  EXPECT_DOUBLE_EQ(hl->low, 93);
  EXPECT_DOUBLE_EQ(hl->high, 107);
}

TEST(StatsIntervalTest, MedianIntervalUsesBinomialOrderStatistics) {
  // 6 values: P(B <= 0) = 1/64 <= 0.025 < P(B <= 1) = 7/64, so k = 1: [min, max], 1 - 2/64.
  auto six = MedianInterval(std::vector<double>{3, 1, 6, 2, 5, 4});
  ASSERT_TRUE(six.has_value());
  EXPECT_DOUBLE_EQ(six->estimate, 3.5);
  EXPECT_DOUBLE_EQ(six->low, 1);
  EXPECT_DOUBLE_EQ(six->high, 6);
  EXPECT_DOUBLE_EQ(six->confidence, 1 - 2.0 / 64);
  // 9 values: P(B <= 1) = 10/512 = 0.0195, P(B <= 2) = 46/512 = 0.0898: k = 2, [x(2), x(8)].
  auto nine = MedianInterval(std::vector<double>{9, 1, 8, 2, 7, 3, 6, 4, 5});
  ASSERT_TRUE(nine.has_value());
  EXPECT_DOUBLE_EQ(nine->low, 2);
  EXPECT_DOUBLE_EQ(nine->high, 8);
  EXPECT_NEAR(nine->confidence, 1 - 20.0 / 512, 1e-12);
  // 12 values: P(B <= 2) = 79/4096 = 0.0193, P(B <= 3) = 299/4096 = 0.073: k = 3.
  std::vector<double> twelve;
  for (int i = 12; i >= 1; --i) twelve.push_back(i);
  auto t = MedianInterval(twelve);
  ASSERT_TRUE(t.has_value());
  EXPECT_DOUBLE_EQ(t->low, 3);
  EXPECT_DOUBLE_EQ(t->high, 10);
  EXPECT_EQ(MedianIntervalMinSamples(0.95), 6u);
  EXPECT_EQ(MedianIntervalMinSamples(0.9), 5u);
  EXPECT_EQ(MedianIntervalMinSamples(0.99), 8u);
  // 5 values cannot give 95 % (2/32 = 6.25 %), but give 90 %: [min, max] with 1 - 2/32.
  EXPECT_FALSE(MedianInterval(std::vector<double>{1, 2, 3, 4, 5}));
  auto five90 = MedianInterval(std::vector<double>{1, 2, 3, 4, 5}, 0.9);
  ASSERT_TRUE(five90.has_value());
  EXPECT_DOUBLE_EQ(five90->confidence, 1 - 2.0 / 32);
  // 1000 values: k from the exact binomial tail, the interval is about median +- 1.96 sqrt(n)/2.
  std::vector<double> many;
  for (int i = 1; i <= 1000; ++i) many.push_back(i);
  auto m = MedianInterval(many);
  ASSERT_TRUE(m.has_value());
  EXPECT_NEAR(m->low, 500 - 31, 2);
  EXPECT_NEAR(m->high, 501 + 31, 2);
  EXPECT_GE(m->confidence, 0.95);
  EXPECT_LT(m->confidence, 0.96);
}

TEST(StatsIntervalTest, DegenerateInputs) {
  EXPECT_FALSE(MedianInterval(std::vector<double>{}));
  EXPECT_FALSE(MedianInterval(std::vector<double>{1.5}));
  EXPECT_FALSE(MedianInterval(std::vector<double>{1, 1, 1, 1, 1, std::nan("")}));
  EXPECT_FALSE(
      MedianInterval(std::vector<double>{1, 1, 1, 1, 1, std::numeric_limits<double>::infinity()}));
  auto same = MedianInterval(std::vector<double>{2, 2, 2, 2, 2, 2});
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->estimate, 2);
  EXPECT_EQ(same->low, 2);
  EXPECT_EQ(same->high, 2);
  auto hl_same =
      HodgesLehmannRatio(std::vector<double>{2, 2, 2, 2, 2}, std::vector<double>{2, 2, 2, 2, 2});
  ASSERT_TRUE(hl_same.has_value());
  EXPECT_EQ(hl_same->low, 1);
  EXPECT_EQ(hl_same->high, 1);
  EXPECT_EQ(JudgeRatio(hl_same, 5, 0.05), Finding::kNoClearDifference);
}

// 200 samples of 25 lognormal values (median exactly 1.2): the exact interval ([x(8), x(18)],
// P(B <= 7) = 0.0216) covers 1.2 with probability 0.957; Binomial(200, 0.957) has standard
// deviation 2.9: accept 183..200 (3 sd below).
TEST(StatsIntervalTest, MedianIntervalCoverageOnLognormalData) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 0.1);
  const double truth = 1.2;
  int covered = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> xs;
    for (int i = 0; i < 25; ++i) xs.push_back(truth * std::exp(noise(rng)));
    auto b = MedianInterval(xs);
    ASSERT_TRUE(b.has_value());
    EXPECT_NEAR(b->confidence, 0.957, 0.001);
    if (b->low <= truth && truth <= b->high) ++covered;
  }
  EXPECT_GE(covered, 183);
}

// The exact HL interval guarantees its level: same check, unpaired lognormal samples 8 vs 8.
TEST(StatsIntervalTest, HodgesLehmannCoverageOnLognormalData) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0, 0.1);
  int covered = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> a;
    std::vector<double> b;
    for (int i = 0; i < 8; ++i) {
      a.push_back(std::exp(noise(rng)));
      b.push_back(0.85 * std::exp(noise(rng)));
    }
    auto r = HodgesLehmannRatio(a, b);
    ASSERT_TRUE(r.has_value());
    EXPECT_GE(r->confidence, 0.95);
    if (r->low <= 0.85 && 0.85 <= r->high) ++covered;
  }
  EXPECT_GE(covered, 181);
}

TEST(StatsIntervalTest, JudgeRatioRule) {
  auto iv = [](double low, double high) { return Interval{(low + high) / 2, low, high, 0.95}; };
  EXPECT_EQ(JudgeRatio(iv(1.02, 1.10), 5, 0.05), Finding::kHigher);
  EXPECT_EQ(JudgeRatio(iv(0.80, 0.99), 5, 0.05), Finding::kLower);
  EXPECT_EQ(JudgeRatio(iv(0.97, 1.04), 5, 0.05), Finding::kNoClearDifference);
  EXPECT_EQ(JudgeRatio(iv(0.90, 1.04), 5, 0.05), Finding::kTooNoisy);
  EXPECT_EQ(JudgeRatio(iv(1.02, 1.10), 2, 0.05), Finding::kTooNoisy);  // n < 3
  EXPECT_EQ(JudgeRatio(std::nullopt, 10, 0.05), Finding::kTooNoisy);
}

}  // namespace
}  // namespace kv::stats
