// Confidence intervals for ratios (the exact order-statistic interval of a median, Hodges-Lehmann
// with the exact Mann-Whitney interval) and the verdict rule that turns an interval into a word.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace kv::stats {

// An estimate with a confidence interval; low <= estimate <= high, all finite.
struct Interval {
  double estimate = 0;
  double low = 0;
  double high = 0;
  double confidence = 0.95;  // the interval's guaranteed coverage (>= the level asked for)
};

// The distribution-free interval of a median (the one the sign test inverts): with x(1) <= ... <=
// x(n) sorted and k the largest integer with P(B <= k - 1) <= (1 - confidence) / 2 for B ~
// Binomial(n, 1/2), the interval is [x(k), x(n + 1 - k)] and its coverage 1 - 2 P(B <= k - 1)
// (stored in Interval::confidence) is at least `confidence` for any continuous distribution. The
// estimate is Median(xs). nullopt when a value is not finite or n is too small for any interval at
// this level (k would be 0: at 95 %, fewer than 6 values, since 2 / 2^5 = 6.25 % > 5 %). Used for
// paired per-repetition ratios (kv_i / redis_i): the pairs share the repetition's noise, so their
// ratios are the sample. 6 values: [min, max], 96.9 %; 9: [x(2), x(8)], 96.1 %; 12: [x(3),
// x(10)], 96.1 %.
std::optional<Interval> MedianInterval(std::span<const double> xs, double confidence = 0.95);

// The fewest values for which MedianInterval has an interval at `confidence` (6 at 95 %).
size_t MedianIntervalMinSamples(double confidence = 0.95);

// Hodges-Lehmann estimate of the shift b - a (the median of the m*n differences b_j - a_i) with
// the exact distribution-free interval from the Mann-Whitney null distribution: with D(1) <= ...
// <= D(mn) the sorted differences and k the largest integer with P(U <= k - 1) <= (1 -
// confidence) / 2, the interval is [D(k), D(mn + 1 - k)]; its coverage 1 - 2 P(U <= k - 1) is at
// least `confidence` (stored in Interval::confidence). Exact up to 50 values a side; beyond, k
// comes from the normal approximation of U. With ties the coverage is approximate. nullopt when a
// side is empty, a value is not finite, or the samples are too small for any interval at this
// level (k would be 0: e.g. 3 vs 3 at 95 %, where the smallest tail 1/20 exceeds 0.025).
std::optional<Interval> HodgesLehmannShift(std::span<const double> a, std::span<const double> b,
                                           double confidence = 0.95);

// The same on log values, as a ratio: estimate and bounds of b / a (all values must be > 0).
std::optional<Interval> HodgesLehmannRatio(std::span<const double> a, std::span<const double> b,
                                           double confidence = 0.95);

// What an interval of a ratio (1 = no difference) says. Rule, in order:
//   fewer than kMinVerdictSamples values (the smaller side) or no interval -> kTooNoisy;
//   interval entirely above 1 -> kHigher; entirely below 1 -> kLower;
//   interval inside [1 - equal_band, 1 + equal_band] (it contains 1) -> kNoClearDifference;
//   otherwise (contains 1 but reaches beyond the band) -> kTooNoisy.
enum class Finding { kHigher, kLower, kNoClearDifference, kTooNoisy };

inline constexpr size_t kMinVerdictSamples = 3;

Finding JudgeRatio(const std::optional<Interval>& interval, size_t n, double equal_band);

}  // namespace kv::stats
