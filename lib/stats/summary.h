// Summary statistics and significance tests over small samples (benchmark repetitions).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace kv::stats {

// All take a sample of finite values; an empty sample gives 0.
double Mean(std::span<const double> xs);
double Median(std::span<const double> xs);
double StdDev(std::span<const double> xs);  // sample standard deviation (n - 1); 0 when n < 2
// Median absolute deviation from the median (unscaled).
double Mad(std::span<const double> xs);
// Coefficient of variation: StdDev / |Mean|; 0 when the mean is 0.
double CoefficientOfVariation(std::span<const double> xs);

struct MannWhitneyResult {
  double u = 0;          // U statistic of the first sample (count of pairs a > b, ties as 1/2)
  double p_value = 1.0;  // two-sided
  bool exact = false;    // true: exact distribution; false: normal approximation
};

// kAuto follows the rule below; kAsymptotic always uses the normal approximation (to compare with
// scipy's method="asymptotic", or to save time).
enum class MannWhitneyMethod { kAuto, kAsymptotic };

// Largest sample size for which MannWhitneyU computes the exact p-value.
inline constexpr size_t kMannWhitneyExactMaxSize = 50;

// The exact null distribution of the Mann-Whitney U statistic (pairs a > b) for samples of sizes m
// and n from one continuous distribution: element u is P(U = u), u = 0 .. m*n. Cost O(m^2 n^2).
std::vector<double> MannWhitneyNullDistribution(size_t m, size_t n);

// Two-sided Mann-Whitney U test. Rule for kAuto: the p-value is EXACT (the null distribution of U
// computed by dynamic programming, p = 2 * P(U >= max(U, n1*n2 - U)) clipped to 1) when there are
// no ties in the pooled sample and both n1 <= 50 and n2 <= 50 (at most 6.25M additions); otherwise
// the normal approximation with tie correction and continuity correction, identical to
// scipy.stats.mannwhitneyu(a, b, alternative="two-sided", use_continuity=True,
// method="asymptotic"). (scipy's method="auto" goes exact only below 8; exact is better when it
// is affordable.) p is clipped to [0, 1]. An empty sample gives u = 0, p = 1. Inputs must be
// finite (a NaN yields a meaningless but memory-safe result).
MannWhitneyResult MannWhitneyU(std::span<const double> a, std::span<const double> b,
                               MannWhitneyMethod method = MannWhitneyMethod::kAuto);

}  // namespace kv::stats
