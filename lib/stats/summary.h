// Summary statistics and significance tests over small samples (benchmark repetitions).
#pragma once

#include <span>

namespace kv::stats {

// All take a sample; an empty sample gives 0 (NaN never leaves this library).
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

// Two-sided Mann-Whitney U test. Exact p-value when both samples are small (n1, n2 <= 20 ... see
// the .cc) and there are no ties; otherwise the normal approximation with tie correction and
// continuity correction (scipy.stats.mannwhitneyu, method="auto", use_continuity=True).
// Samples with fewer than one element give p = 1.
MannWhitneyResult MannWhitneyU(std::span<const double> a, std::span<const double> b);

}  // namespace kv::stats
