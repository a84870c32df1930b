// Summary statistics on hand-computed samples; Mann-Whitney U against published and independently
// derived p-values.
//
// Expected p-values were derived with a Python 3 script using only the standard library: U is
// counted directly as pairs (a > b, ties 1/2), not from ranks; exact p-values by enumerating all
// C(n1+n2, n1) splits of the pooled sample with itertools.combinations and counting those with
// U >= max(U, n1*n2 - U), doubled and clipped to 1; asymptotic p-values as
// 2 * 0.5 * erfc(z / sqrt(2)) with z = (max(U, n1*n2 - U) - n1*n2/2 - 0.5) / sigma and
// sigma = sqrt(n1*n2/12 * ((n+1) - sum(t^3 - t)/(n(n-1)))), t the size of each tie group.
#include "stats/summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace kv::stats {
namespace {

TEST(SummaryTest, EmptyAndSingleSamples) {
  const std::vector<double> empty;
  EXPECT_EQ(Mean(empty), 0);
  EXPECT_EQ(Median(empty), 0);
  EXPECT_EQ(StdDev(empty), 0);
  EXPECT_EQ(Mad(empty), 0);
  EXPECT_EQ(CoefficientOfVariation(empty), 0);
  const std::vector<double> one = {7.5};
  EXPECT_EQ(Mean(one), 7.5);
  EXPECT_EQ(Median(one), 7.5);
  EXPECT_EQ(StdDev(one), 0);
  EXPECT_EQ(Mad(one), 0);
  EXPECT_EQ(CoefficientOfVariation(one), 0);
}

TEST(SummaryTest, MeanAndMedian) {
  EXPECT_DOUBLE_EQ(Mean(std::vector<double>{1, 2, 3, 4}), 2.5);
  EXPECT_DOUBLE_EQ(Median(std::vector<double>{5, 1, 3}), 3);       // odd: middle of 1 3 5
  EXPECT_DOUBLE_EQ(Median(std::vector<double>{4, 1, 3, 2}), 2.5);  // even: (2 + 3) / 2
  EXPECT_DOUBLE_EQ(Median(std::vector<double>{-1, 100, 2}), 2);
}

TEST(SummaryTest, StdDevUsesNMinusOne) {
  // {2,4,4,4,5,5,7,9}: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32; 32/7.
  const std::vector<double> xs = {2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_DOUBLE_EQ(StdDev(xs), std::sqrt(32.0 / 7.0));
  EXPECT_DOUBLE_EQ(CoefficientOfVariation(xs), std::sqrt(32.0 / 7.0) / 5.0);
  // Large offset: the two-pass formula has no cancellation. {1e9+1, 1e9+2, 1e9+3}: sd 1.
  EXPECT_DOUBLE_EQ(StdDev(std::vector<double>{1e9 + 1, 1e9 + 2, 1e9 + 3}), 1.0);
}

TEST(SummaryTest, MadIsUnscaled) {
  // Median 2; |x - 2| = {1,1,0,0,2,4,7} -> sorted 0 0 1 1 2 4 7 -> median 1.
  EXPECT_DOUBLE_EQ(Mad(std::vector<double>{1, 1, 2, 2, 4, 6, 9}), 1.0);
  // Median 2.5; deviations {1.5, 0.5, 0.5, 97.5} -> (0.5 + 1.5) / 2 = 1.
  EXPECT_DOUBLE_EQ(Mad(std::vector<double>{1, 2, 3, 100}), 1.0);
}

TEST(SummaryTest, CoefficientOfVariationUsesAbsoluteMean) {
  // {-2, -4}: mean -3, sd sqrt(2).
  EXPECT_DOUBLE_EQ(CoefficientOfVariation(std::vector<double>{-2, -4}), std::sqrt(2.0) / 3.0);
  EXPECT_EQ(CoefficientOfVariation(std::vector<double>{-1, 1}), 0);  // mean 0
}

TEST(MannWhitneyTest, ScipyDocumentationExampleExact) {
  // scipy.stats.mannwhitneyu docs: males vs females, U = 17, exact p = 0.1111111111111111.
  // By enumeration: 7 of the C(9,5) = 126 splits have U >= 17, so p = 2 * 7/126 = 1/9.
  const std::vector<double> males = {19, 22, 16, 29, 24};
  const std::vector<double> females = {20, 11, 17, 12};
  const auto r = MannWhitneyU(males, females);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.u, 17);
  EXPECT_NEAR(r.p_value, 1.0 / 9.0, 1e-14);
}

TEST(MannWhitneyTest, ScipyDocumentationExampleAsymptotic) {
  // mu = 5*4/2 = 10, no ties: sigma = sqrt(5*4*10/12) = sqrt(16.666...) = 4.08248290463863,
  // z = (17 - 10 - 0.5) / 4.08248290463863 = 1.5921683328090657,
  // p = erfc(z / sqrt(2)) = 0.11134688653314048; scipy's docs print 0.11134688653314041.
  const std::vector<double> males = {19, 22, 16, 29, 24};
  const std::vector<double> females = {20, 11, 17, 12};
  const auto r = MannWhitneyU(males, females, MannWhitneyMethod::kAsymptotic);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.u, 17);
  EXPECT_NEAR(r.p_value, 0.11134688653314048, 1e-12);
}

TEST(MannWhitneyTest, TiesUseNormalApproximationWithTieCorrection) {
  // Pooled {1,2,2,3,4,4,5 | 2,3,3,4,6,6,7,8}: tie groups 2 (x3), 3 (x3), 4 (x3), 6 (x2):
  // sum(t^3 - t) = 24 + 24 + 24 + 6 = 78. U (pairs a > b, ties 1/2) = 14; n1*n2 - U = 42.
  // mu = 28, sigma = sqrt(56/12 * (16 - 78/210)) = 8.540101482613268,
  // z = (42 - 28 - 0.5) / sigma = 1.5807774682168068, p = erfc(z/sqrt 2) = 0.11392892811978717.
  const std::vector<double> a = {1, 2, 2, 3, 4, 4, 5};
  const std::vector<double> b = {2, 3, 3, 4, 6, 6, 7, 8};
  const auto r = MannWhitneyU(a, b);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.u, 14);
  EXPECT_NEAR(r.p_value, 0.11392892811978717, 1e-12);
}

TEST(MannWhitneyTest, ExactTenByTenMatchesEnumeration) {
  // Enumeration over all C(20,10) = 184756 splits: 825 have U >= max(16, 84) = 84;
  // p = 2 * 825 / 184756 = 0.00893069778518695.
  const std::vector<double> a = {1.5, 2.25, 3.75, 5.0, 6.5, 8.25, 9.0, 11.5, 12.75, 14.0};
  const std::vector<double> b = {4.0, 7.0, 10.0, 13.0, 15.5, 16.0, 17.25, 18.5, 19.0, 20.5};
  const auto r = MannWhitneyU(a, b);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.u, 16);
  EXPECT_NEAR(r.p_value, 2.0 * 825.0 / 184756.0, 1e-15);
}

TEST(MannWhitneyTest, LargeSamplesWithoutTiesUseNormalApproximation) {
  // a = 0..59, b = 10.5..69.5: U = sum_{k=1}^{49} k = 1225, n1*n2 - U = 2375, mu = 1800,
  // sigma = sqrt(3600 * 121 / 12) = 190.5255888325765, z = 574.5 / sigma = 3.015342996813091,
  // p = 0.0025668879435241797.
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 60; ++i) {
    a.push_back(i);
    b.push_back(i + 10.5);
  }
  const auto r = MannWhitneyU(a, b);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.u, 1225);
  EXPECT_NEAR(r.p_value, 0.0025668879435241797, 1e-13);
}

TEST(MannWhitneyTest, IdenticalSamplesGivePOne) {
  const std::vector<double> a = {1, 2, 3};
  const auto r = MannWhitneyU(a, a);  // all tied in pairs: U = mu, p clipped from > 1
  EXPECT_EQ(r.u, 4.5);
  EXPECT_EQ(r.p_value, 1.0);
  const std::vector<double> same = {5, 5, 5, 5};
  const auto s = MannWhitneyU(same, same);  // sigma = 0
  EXPECT_EQ(s.u, 8);
  EXPECT_EQ(s.p_value, 1.0);
  // Exact, U at the centre: a = {1, 4}, b = {2, 3}: U = 2 = mu, 2 * P(U >= 2) = 2 * 4/6 -> 1.
  const auto c = MannWhitneyU(std::vector<double>{1, 4}, std::vector<double>{2, 3});
  EXPECT_TRUE(c.exact);
  EXPECT_EQ(c.u, 2);
  EXPECT_EQ(c.p_value, 1.0);
}

TEST(MannWhitneyTest, CompletelySeparatedSamples) {
  // Only one split of C(n1+n2, n1) reaches U = n1*n2: p = 2 / C(n1+n2, n1).
  const auto r =
      MannWhitneyU(std::vector<double>{10, 11, 12, 13, 14}, std::vector<double>{1, 2, 3, 4});
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.u, 20);
  EXPECT_NEAR(r.p_value, 2.0 / 126.0, 1e-15);
  // 50 x 50, the largest exact case: 2 / C(100, 50) = 1.9823306042836678e-29.
  std::vector<double> low;
  std::vector<double> high;
  for (int i = 0; i < 50; ++i) {
    low.push_back(i);
    high.push_back(100 + i);
  }
  const auto big = MannWhitneyU(low, high);
  EXPECT_TRUE(big.exact);
  EXPECT_EQ(big.u, 0);
  EXPECT_NEAR(big.p_value / 1.9823306042836678e-29, 1.0, 1e-12);
  // One more element: falls back to the normal approximation (and stays tiny).
  low.push_back(-1);
  const auto approx = MannWhitneyU(low, high);
  EXPECT_FALSE(approx.exact);
  EXPECT_LT(approx.p_value, 1e-15);
}

TEST(MannWhitneyTest, SwappingSamplesMirrorsUAndKeepsP) {
  const std::vector<std::pair<std::vector<double>, std::vector<double>>> cases = {
      {{19, 22, 16, 29, 24}, {20, 11, 17, 12}},
      {{1, 2, 2, 3, 4, 4, 5}, {2, 3, 3, 4, 6, 6, 7, 8}},
      {{1.5, 2.25, 3.75, 5.0, 6.5, 8.25, 9.0, 11.5, 12.75, 14.0},
       {4.0, 7.0, 10.0, 13.0, 15.5, 16.0, 17.25, 18.5, 19.0, 20.5}},
  };
  for (const auto& [a, b] : cases) {
    const auto ab = MannWhitneyU(a, b);
    const auto ba = MannWhitneyU(b, a);
    EXPECT_EQ(ab.u + ba.u, static_cast<double>(a.size() * b.size()));
    EXPECT_DOUBLE_EQ(ab.p_value, ba.p_value);
    EXPECT_EQ(ab.exact, ba.exact);
  }
}

TEST(MannWhitneyTest, EmptySampleGivesPOne) {
  const std::vector<double> empty;
  const std::vector<double> some = {1, 2, 3};
  EXPECT_EQ(MannWhitneyU(empty, some).p_value, 1.0);
  EXPECT_EQ(MannWhitneyU(some, empty).p_value, 1.0);
  EXPECT_EQ(MannWhitneyU(some, empty).u, 0);
}

}  // namespace
}  // namespace kv::stats
