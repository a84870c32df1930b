// Summary statistics (mean, median, spread) and the two-sided Mann-Whitney U test.
#include "stats/summary.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace kv::stats {
namespace {

// Sorting order that stays a strict weak ordering even if a NaN slips in (NaNs sort last), so a
// bad input can give a meaningless number but never undefined behaviour inside std::sort.
bool Less(double x, double y) { return x < y || (!std::isnan(x) && std::isnan(y)); }

std::vector<double> Sorted(std::span<const double> xs) {
  std::vector<double> v(xs.begin(), xs.end());
  std::sort(v.begin(), v.end(), Less);
  return v;
}

double MedianOfSorted(const std::vector<double>& v) {
  const size_t n = v.size();
  if (n == 0) return 0;
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Standard normal survival function P(Z > z).
double NormalSf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

double Mean(std::span<const double> xs) {
  if (xs.empty()) return 0;
  double sum = 0;
  for (double x : xs) sum += x;
  return sum / static_cast<double>(xs.size());
}

double Median(std::span<const double> xs) { return MedianOfSorted(Sorted(xs)); }

double StdDev(std::span<const double> xs) {
  if (xs.size() < 2) return 0;
  const double mean = Mean(xs);
  double ss = 0;
  for (double x : xs) ss += (x - mean) * (x - mean);  // two-pass: no cancellation
  return std::sqrt(ss / static_cast<double>(xs.size() - 1));
}

double Mad(std::span<const double> xs) {
  if (xs.empty()) return 0;
  const double median = Median(xs);
  std::vector<double> dev;
  dev.reserve(xs.size());
  for (double x : xs) dev.push_back(std::fabs(x - median));
  std::sort(dev.begin(), dev.end(), Less);
  return MedianOfSorted(dev);
}

double CoefficientOfVariation(std::span<const double> xs) {
  const double mean = Mean(xs);
  if (mean == 0) return 0;
  return StdDev(xs) / std::fabs(mean);
}

// Building the merged sorted order left to right, an `a` placed after j `b`s adds j to U. So with
// f_j[i][u] = number of orders of i `a`s and j `b`s with statistic u:
//   f_j[i][u] = f_j[i-1][u-j] (last element is an `a`) + f_{j-1}[i][u] (last element is a `b`).
// Counts reach C(m+n, m) (~1e29 for 50+50): doubles keep them to ~1e-15 relative, which is ample
// for a p-value. Cost O(m^2 n^2) additions: 6.25M for the 50 x 50 limit.
std::vector<double> MannWhitneyNullDistribution(size_t m, size_t n) {
  const size_t max_u = m * n;
  std::vector<std::vector<double>> f(m + 1, std::vector<double>(max_u + 1, 0.0));
  for (auto& row : f) row[0] = 1;  // j = 0: the only order is all `a`s, U = 0
  for (size_t j = 1; j <= n; ++j) {
    for (size_t i = 1; i <= m; ++i) {
      // f[i] holds f_{j-1}[i]; f[i-1] already holds f_j[i-1]. Highest u reachable is i*j.
      for (size_t v = i * j; v >= j; --v) f[i][v] += f[i - 1][v - j];
    }
  }
  std::vector<double> dist = std::move(f[m]);
  double total = 0;
  for (double c : dist) total += c;
  for (double& c : dist) c /= total;
  return dist;
}

MannWhitneyResult MannWhitneyU(std::span<const double> a, std::span<const double> b,
                               MannWhitneyMethod method) {
  MannWhitneyResult result;
  if (a.empty() || b.empty()) return result;
  const size_t n1 = a.size();
  const size_t n2 = b.size();
  const size_t n = n1 + n2;

  // Midranks of the pooled sample; flag marks members of a.
  struct Item {
    double value;
    bool from_a;
  };
  std::vector<Item> pooled;
  pooled.reserve(n);
  for (double x : a) pooled.push_back({x, true});
  for (double x : b) pooled.push_back({x, false});
  std::sort(pooled.begin(), pooled.end(),
            [](const Item& x, const Item& y) { return Less(x.value, y.value); });
  double rank_sum_a = 0;
  double tie_term = 0;  // sum over tie groups of t^3 - t
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && !Less(pooled[i].value, pooled[j].value)) ++j;
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) {
      if (pooled[k].from_a) rank_sum_a += midrank;
    }
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  const double d1 = static_cast<double>(n1);
  const double d2 = static_cast<double>(n2);
  const double dn = static_cast<double>(n);
  result.u = rank_sum_a - d1 * (d1 + 1) / 2;
  // Two-sided: double the upper tail beyond the larger of U and n1*n2 - U (the null distribution
  // is symmetric about n1*n2/2), as scipy does.
  const double u_big = std::max(result.u, d1 * d2 - result.u);

  double p = 1;
  if (method == MannWhitneyMethod::kAuto && tie_term == 0 && n1 <= kMannWhitneyExactMaxSize &&
      n2 <= kMannWhitneyExactMaxSize) {
    result.exact = true;
    // P(U >= u_big) from the exact null distribution (no ties).
    const std::vector<double> dist = MannWhitneyNullDistribution(n1, n2);
    double tail = 0;
    for (size_t v = 0; v < dist.size(); ++v) {
      if (static_cast<double>(v) >= u_big) tail += dist[v];
    }
    p = 2 * tail;
  } else {
    const double mu = d1 * d2 / 2;
    const double sigma = std::sqrt(d1 * d2 / 12 * ((dn + 1) - tie_term / (dn * (dn - 1))));
    // sigma is 0 only when every value is equal; then U == mu and there is no evidence at all.
    if (sigma > 0) p = 2 * NormalSf((u_big - mu - 0.5) / sigma);
  }
  result.p_value = std::clamp(p, 0.0, 1.0);
  return result;
}

}  // namespace kv::stats
