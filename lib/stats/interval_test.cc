// Tests of the bootstrap and Hodges-Lehmann intervals and the verdict rule, against hand-computed
// values and a coverage check on synthetic lognormal data (fixed seeds: deterministic).
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
  EXPECT_FALSE(HodgesLehmannRatio(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1, 0, 2, 3}));
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

TEST(StatsIntervalTest, BootstrapOfFiveValuesSpansTheExtremes) {
  // With 5 values, P(bootstrap median = minimum) = P(>= 3 of 5 draws hit it) = 0.058 > 0.025.
  const std::vector<double> xs = {3, 1, 5, 2, 4};
  auto b = BootstrapMedian(xs);
  ASSERT_TRUE(b.has_value());
  EXPECT_DOUBLE_EQ(b->estimate, 3);
  EXPECT_DOUBLE_EQ(b->low, 1);
  EXPECT_DOUBLE_EQ(b->high, 5);
  // Seeded: the same input gives the same interval.
  std::vector<double> many;
  for (int i = 0; i < 30; ++i) many.push_back(1 + 0.01 * ((i * 7) % 30));
  auto first = BootstrapMedian(many);
  auto second = BootstrapMedian(many);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->low, second->low);
  EXPECT_EQ(first->high, second->high);
  EXPECT_LT(first->low, first->estimate);
  EXPECT_GT(first->high, first->estimate);
}

TEST(StatsIntervalTest, BootstrapDegenerateInputs) {
  EXPECT_FALSE(BootstrapMedian(std::vector<double>{}));
  EXPECT_FALSE(BootstrapMedian(std::vector<double>{1.5}));
  EXPECT_FALSE(BootstrapMedian(std::vector<double>{1, std::numeric_limits<double>::quiet_NaN()}));
  EXPECT_FALSE(BootstrapMedian(std::vector<double>{1, std::numeric_limits<double>::infinity()}));
  auto same = BootstrapMedian(std::vector<double>{2, 2, 2, 2});
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->estimate, 2);
  EXPECT_EQ(same->low, 2);
  EXPECT_EQ(same->high, 2);
  auto hl_same = HodgesLehmannRatio(std::vector<double>{2, 2, 2, 2, 2},
                                    std::vector<double>{2, 2, 2, 2, 2});
  ASSERT_TRUE(hl_same.has_value());
  EXPECT_EQ(hl_same->low, 1);
  EXPECT_EQ(hl_same->high, 1);
  EXPECT_EQ(JudgeRatio(hl_same, 5, 0.05), Finding::kNoClearDifference);
}

// 200 samples of 25 lognormal values (median exactly 1.2): about 95 % of the bootstrap intervals
// must contain 1.2. Binomial(200, 0.95) has standard deviation 3.1: accept 181..199 (3 sd).
TEST(StatsIntervalTest, BootstrapCoverageOnLognormalData) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 0.1);
  const double truth = 1.2;
  int covered = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> xs;
    for (int i = 0; i < 25; ++i) xs.push_back(truth * std::exp(noise(rng)));
    auto b = BootstrapMedian(xs, {.confidence = 0.95,
                                  .resamples = 2000,
                                  .seed = static_cast<uint64_t>(trial)});
    ASSERT_TRUE(b.has_value());
    if (b->low <= truth && truth <= b->high) ++covered;
  }
  EXPECT_GE(covered, 181);
  EXPECT_LE(covered, 199);
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
