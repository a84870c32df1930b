// Confidence intervals for ratios (percentile bootstrap of a median, Hodges-Lehmann with the exact
// Mann-Whitney interval) and the verdict rule that turns an interval into a word.
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
  double confidence = 0.95;  // the interval's nominal (bootstrap) or guaranteed (exact) level
};

struct BootstrapOptions {
  double confidence = 0.95;
  size_t resamples = 4000;
  // Fixed so that the same input prints the same interval (std::mt19937_64 is specified exactly;
  // an index is drawn as rng() % n, whose bias is below 1e-17 for benchmark-sized samples).
  uint64_t seed = 20261122;
};

// Percentile bootstrap of the median: `resamples` samples of xs.size() values drawn with
// replacement, the median of each, and the (1 - confidence) / 2 and (1 + confidence) / 2
// quantiles (linear interpolation) of those medians. The estimate is Median(xs). nullopt when
// xs.size() < 2 or a value is not finite. Used for paired per-repetition ratios (kv_i / redis_i):
// the pairs share the repetition's noise, so their ratios are the sample.
std::optional<Interval> BootstrapMedian(std::span<const double> xs,
                                        const BootstrapOptions& options = {});

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
