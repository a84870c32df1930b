// KeyChooser and Rng: ranges, determinism, sequential order, zipf's skew, and extreme parameters.
// (The zipf sampler against the exact pmf: zipf_exactness_test.cc.)
#include "workload/key_chooser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <vector>

namespace kv::workload {
namespace {

constexpr DistributionSpec kUniform{Distribution::kUniform};
constexpr DistributionSpec kSequential{Distribution::kSequential};
constexpr DistributionSpec kZipf099{Distribution::kZipf, 0.99};

std::vector<uint64_t> Draw(KeyChooser c, int n) {
  std::vector<uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(c.Next());
  return out;
}

TEST(RngTest, DeterministicPerSeedAndDoublesInUnitInterval) {
  Rng a(5), b(5), c(6);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
  for (int i = 0; i < 10000; ++i) {
    const double d = a.NextDouble();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
    ASSERT_LT(a.Uniform(7), 7u);
  }
}

TEST(KeyChooserTest, UniformStaysInRangeAndCoversIt) {
  KeyChooser g(kUniform, 10, 1, 0);
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    uint64_t k = g.Next();
    ASSERT_LT(k, 10u);
    seen.insert(k);
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(KeyChooserTest, UniformCoversTheKeyspaceEvenly) {
  std::map<uint64_t, int> counts;
  constexpr int kDraws = 100000;
  for (uint64_t k : Draw(KeyChooser(kUniform, 10, 3, 0), kDraws)) ++counts[k];
  ASSERT_EQ(counts.size(), 10u);
  for (const auto& [key, n] : counts) {
    EXPECT_NEAR(n, kDraws / 10, kDraws / 100) << "key " << key;  // within 10% of the mean
  }
}

TEST(KeyChooserTest, ZeroKeyspaceAlwaysGivesZero) {
  for (const DistributionSpec& d : {kUniform, kSequential, kZipf099}) {
    KeyChooser g(d, 0, 1, 0);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(g.Next(), 0u);
  }
}

TEST(KeyChooserTest, SequentialStartsWhereToldAndWraps) {
  EXPECT_EQ(Draw(KeyChooser(kSequential, 5, 1, 3), 6), (std::vector<uint64_t>{3, 4, 0, 1, 2, 3}));
}

TEST(KeyChooserTest, DeterministicPerSeed) {
  for (const DistributionSpec& d : {kUniform, kZipf099}) {
    EXPECT_EQ(Draw(KeyChooser(d, 1000, 7, 0), 100), Draw(KeyChooser(d, 1000, 7, 0), 100));
    EXPECT_NE(Draw(KeyChooser(d, 1000, 7, 0), 100), Draw(KeyChooser(d, 1000, 8, 0), 100));
  }
}

TEST(KeyChooserTest, ZipfIsSkewedTowardsLowRanks) {
  KeyChooser g(kZipf099, 1000, 7, 0);
  std::map<uint64_t, int> counts;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    uint64_t k = g.Next();
    ASSERT_LT(k, 1000u);
    ++counts[k];
  }
  // P(rank 1) = 1 / H(1000, 0.99) ~ 0.133; rank 2 about half of it.
  const double p0 = static_cast<double>(counts[0]) / n;
  EXPECT_NEAR(p0, 0.133, 0.01);
  EXPECT_NEAR(static_cast<double>(counts[1]) / counts[0], std::pow(2.0, -0.99), 0.05);
  EXPECT_GT(counts[0], counts[10]);
  EXPECT_GT(counts[10], counts[500]);
}

TEST(KeyChooserTest, ZipfFavoursLowRanksWithThePowerLawRatio) {
  std::vector<int> counts(100, 0);
  constexpr int kDraws = 200000;
  for (uint64_t k : Draw(KeyChooser({Distribution::kZipf, 1.0}, 100, 1, 0), kDraws)) {
    ASSERT_LT(k, 100u);
    ++counts[k];
  }
  EXPECT_GT(counts[0], counts[1]);
  EXPECT_GT(counts[1], counts[9]);
  EXPECT_GT(counts[9], counts[99]);
  // P(rank 1) / P(rank 2) = 2^s = 2 and P(rank 1) / P(rank 10) = 10 for s = 1.
  EXPECT_NEAR(static_cast<double>(counts[0]) / counts[1], 2.0, 0.15);
  EXPECT_NEAR(static_cast<double>(counts[0]) / counts[9], 10.0, 1.0);
}

TEST(ZipfSamplerTest, HandlesThetaOneAndLargeKeyspaces) {
  ZipfSampler s(1'000'000'000, 1.0);
  Rng rng(3);
  for (int i = 0; i < 10000; ++i) {
    int64_t k = s.Sample(rng);
    ASSERT_GE(k, 1);
    ASSERT_LE(k, 1'000'000'000);
  }
}

TEST(ZipfSamplerTest, SingleKeyAndExtremeThetas) {
  Rng rng(4);
  for (double theta : {0.01, 1.0, 10.0}) {
    ZipfSampler one(1, theta);
    for (int i = 0; i < 100; ++i) ASSERT_EQ(one.Sample(rng), 1);
    ZipfSampler many(1000, theta);
    for (int i = 0; i < 1000; ++i) {
      const int64_t k = many.Sample(rng);
      ASSERT_GE(k, 1);
      ASSERT_LE(k, 1000);
    }
  }
}

}  // namespace
}  // namespace kv::workload
