// The zipf sampler against the exact distribution of distribution.h: 10^6 draws through
// KeyChooser (so the rank -> key mapping is checked too), compared with the pmf
// P(key i) = (i + 1)^-theta / H(n, theta) by a chi-square test and per-rank bounds on the hottest
// keys. A wrong exponent (0.99 drawn as 1.0) or an off-by-one rank fails every case by far.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "workload/key_chooser.h"

namespace kv::workload {
namespace {

constexpr int64_t kDraws = 1'000'000;
constexpr double kMinBinExpectation = 20;  // smaller expectations are pooled into one tail bin

// The exact pmf over key indices 0..n-1.
std::vector<double> ExactPmf(int64_t n, double theta) {
  std::vector<double> p(static_cast<size_t>(n));
  double h = 0;
  for (int64_t k = n; k >= 1; --k) {  // smallest terms first: less rounding
    p[static_cast<size_t>(k - 1)] = std::pow(static_cast<double>(k), -theta);
    h += p[static_cast<size_t>(k - 1)];
  }
  for (double& x : p) x /= h;
  return p;
}

// The chi-square value exceeded with probability about 1e-6 (Wilson-Hilferty approximation).
double ChiSquareCritical(double df) {
  constexpr double kZ = 4.75;  // the standard normal's 1 - 1e-6 quantile
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1 - a + kZ * std::sqrt(a), 3);
}

struct Case {
  int64_t n;
  double theta;
};

class ZipfExactnessTest : public ::testing::TestWithParam<Case> {};

TEST_P(ZipfExactnessTest, EmpiricalFrequenciesMatchThePmf) {
  const auto [n, theta] = GetParam();
  const std::vector<double> p = ExactPmf(n, theta);
  std::vector<int64_t> counts(static_cast<size_t>(n), 0);
  KeyChooser keys({Distribution::kZipf, theta}, static_cast<uint64_t>(n), /*seed=*/12345, 0);
  for (int64_t i = 0; i < kDraws; ++i) {
    const uint64_t k = keys.Next();
    ASSERT_LT(k, static_cast<uint64_t>(n));
    ++counts[k];
  }

  // Chi-square over the keys expected at least kMinBinExpectation times, plus one tail bin.
  double chi2 = 0;
  int bins = 0;
  double tail_expected = 0, tail_observed = 0;
  for (size_t k = 0; k < p.size(); ++k) {
    const double expected = p[k] * kDraws;
    if (expected < kMinBinExpectation) {
      tail_expected += expected;
      tail_observed += static_cast<double>(counts[k]);
      continue;
    }
    const double d = static_cast<double>(counts[k]) - expected;
    chi2 += d * d / expected;
    ++bins;
  }
  if (tail_expected > 0) {
    const double d = tail_observed - tail_expected;
    chi2 += d * d / tail_expected;
    ++bins;
  }
  const double critical = ChiSquareCritical(bins - 1);
  EXPECT_LT(chi2, critical) << "n=" << n << " theta=" << theta << ": " << bins << " bins";

  // The hottest keys one by one, within 5 standard deviations of their exact frequency.
  for (size_t k = 0; k < std::min<size_t>(10, p.size()); ++k) {
    const double freq = static_cast<double>(counts[k]) / kDraws;
    const double sd = std::sqrt(p[k] * (1 - p[k]) / kDraws);
    EXPECT_NEAR(freq, p[k], 5 * sd) << "key " << k << " n=" << n << " theta=" << theta;
  }
}

// "n100_theta0_99"
std::string CaseName(const ::testing::TestParamInfo<Case>& param) {
  std::string theta = std::to_string(param.param.theta);
  while (theta.back() == '0') theta.pop_back();
  if (theta.back() == '.') theta.pop_back();
  for (char& c : theta) {
    if (c == '.') c = '_';
  }
  return "n" + std::to_string(param.param.n) + "_theta" + theta;
}

INSTANTIATE_TEST_SUITE_P(Cases, ZipfExactnessTest,
                         ::testing::Values(Case{100, 0.99}, Case{100, 1.2}, Case{100, 1.0},
                                           Case{1'000'000, 0.99}, Case{1'000'000, 1.2}),
                         CaseName);

}  // namespace
}  // namespace kv::workload
