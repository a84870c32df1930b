// Exact interval of a median, Hodges-Lehmann shift with its exact interval, verdict rule.
#include "stats/interval.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "stats/summary.h"

namespace kv::stats {
namespace {

bool AllFinite(std::span<const double> xs) {
  return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x); });
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

std::optional<Interval> MedianInterval(std::span<const double> xs, double confidence) {
  if (xs.empty() || !AllFinite(xs)) return std::nullopt;
  const size_t n = xs.size();
  // P(B = j) for B ~ Binomial(n, 1/2), accumulated in log space (n may be in the thousands).
  const double tail = (1 - confidence) / 2;
  size_t k = 0;
  double coverage = 0;
  double cdf = 0;  // P(B <= k - 1) for the next k
  for (size_t j = 0; j < n; ++j) {
    const double log_p =
        std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(j) + 1) -
        std::lgamma(static_cast<double>(n - j) + 1) - static_cast<double>(n) * std::log(2.0);
    cdf += std::exp(log_p);
    if (cdf > tail * (1 + 1e-12) || 2 * (j + 1) > n) break;
    k = j + 1;
    coverage = 1 - 2 * cdf;
  }
  if (k == 0) return std::nullopt;
  std::vector<double> sorted(xs.begin(), xs.end());
  std::sort(sorted.begin(), sorted.end());
  Interval out;
  out.estimate = Median(xs);
  out.low = sorted[k - 1];
  out.high = sorted[n - k];
  out.confidence = coverage;
  return out;
}

size_t MedianIntervalMinSamples(double confidence) {
  // [min, max] of n values misses the median with probability 2 / 2^n.
  size_t n = 1;
  while (n < 64 && 2 / std::ldexp(1.0, static_cast<int>(n)) > (1 - confidence) * (1 + 1e-12)) ++n;
  return n;
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
