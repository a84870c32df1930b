// Percentile bootstrap of the median, Hodges-Lehmann shift with its exact interval, verdict rule.
#include "stats/interval.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "stats/summary.h"

namespace kv::stats {
namespace {

bool AllFinite(std::span<const double> xs) {
  return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x); });
}

// Quantile q of sorted values, linear interpolation between order statistics (type 7).
double Quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Largest k with P(U <= k - 1) <= tail (0 when even P(U = 0) exceeds it), and that coverage.
struct Rank {
  size_t k = 0;
  double coverage = 0;
};

Rank ExactRank(size_t m, size_t n, double tail) {
  const std::vector<double> dist = MannWhitneyNullDistribution(m, n);
  Rank rank;
  double cdf = 0;  // P(U <= k - 1) for the next k
  for (size_t k = 1; k <= dist.size(); ++k) {
    cdf += dist[k - 1];
    if (cdf > tail * (1 + 1e-12)) break;
    rank.k = k;
    rank.coverage = 1 - 2 * cdf;
  }
  return rank;
}

// Normal approximation of the same rank (large samples): k = floor(mn/2 - z sqrt(mn(m+n+1)/12)).
Rank NormalRank(size_t m, size_t n, double confidence) {
  const double dm = static_cast<double>(m);
  const double dn = static_cast<double>(n);
  // z for the two-sided level by bisection on erfc (no inverse in <cmath>).
  const double tail = (1 - confidence) / 2;
  double lo = 0;
  double hi = 10;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (0.5 * std::erfc(mid / std::sqrt(2.0)) > tail ? lo : hi) = mid;
  }
  const double k = std::floor(dm * dn / 2 - hi * std::sqrt(dm * dn * (dm + dn + 1) / 12));
  return {k < 1 ? 0 : static_cast<size_t>(k), confidence};
}

}  // namespace

std::optional<Interval> BootstrapMedian(std::span<const double> xs,
                                        const BootstrapOptions& options) {
  if (xs.size() < 2 || !AllFinite(xs) || options.resamples < 2) return std::nullopt;
  std::mt19937_64 rng(options.seed);
  const size_t n = xs.size();
  std::vector<double> sample(n);
  std::vector<double> medians;
  medians.reserve(options.resamples);
  for (size_t r = 0; r < options.resamples; ++r) {
    for (double& v : sample) v = xs[rng() % n];
    medians.push_back(Median(sample));
  }
  std::sort(medians.begin(), medians.end());
  const double tail = (1 - options.confidence) / 2;
  Interval out;
  out.estimate = Median(xs);
  out.low = std::min(Quantile(medians, tail), out.estimate);
  out.high = std::max(Quantile(medians, 1 - tail), out.estimate);
  out.confidence = options.confidence;
  return out;
}

std::optional<Interval> HodgesLehmannShift(std::span<const double> a, std::span<const double> b,
                                           double confidence) {
  if (a.empty() || b.empty() || !AllFinite(a) || !AllFinite(b)) return std::nullopt;
  const size_t m = a.size();
  const size_t n = b.size();
  std::vector<double> diffs;
  diffs.reserve(m * n);
  for (double x : a) {
    for (double y : b) diffs.push_back(y - x);
  }
  std::sort(diffs.begin(), diffs.end());
  const Rank rank = m <= kMannWhitneyExactMaxSize && n <= kMannWhitneyExactMaxSize
                        ? ExactRank(m, n, (1 - confidence) / 2)
                        : NormalRank(m, n, confidence);
  if (rank.k == 0) return std::nullopt;
  Interval out;
  out.estimate = Median(diffs);
  out.low = diffs[rank.k - 1];
  out.high = diffs[m * n - rank.k];
  out.confidence = rank.coverage;
  return out;
}

std::optional<Interval> HodgesLehmannRatio(std::span<const double> a, std::span<const double> b,
                                           double confidence) {
  auto logs = [](std::span<const double> xs) -> std::optional<std::vector<double>> {
    std::vector<double> out;
    out.reserve(xs.size());
    for (double x : xs) {
      if (!(x > 0) || !std::isfinite(x)) return std::nullopt;
      out.push_back(std::log(x));
    }
    return out;
  };
  auto la = logs(a);
  auto lb = logs(b);
  if (!la || !lb) return std::nullopt;
  auto shift = HodgesLehmannShift(*la, *lb, confidence);
  if (!shift) return std::nullopt;
  return Interval{std::exp(shift->estimate), std::exp(shift->low), std::exp(shift->high),
                  shift->confidence};
}

Finding JudgeRatio(const std::optional<Interval>& interval, size_t n, double equal_band) {
  if (n < kMinVerdictSamples || !interval) return Finding::kTooNoisy;
  if (interval->low > 1) return Finding::kHigher;
  if (interval->high < 1) return Finding::kLower;
  if (interval->low >= 1 - equal_band && interval->high <= 1 + equal_band) {
    return Finding::kNoClearDifference;
  }
  return Finding::kTooNoisy;
}

}  // namespace kv::stats
