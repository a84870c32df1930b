// Rng (xoshiro256**), ZipfSampler (rejection-inversion) and KeyChooser; see key_chooser.h.
#include "workload/key_chooser.h"

#include <algorithm>
#include <cmath>

namespace kv::workload {
namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// log1p(x)/x and expm1(x)/x, accurate near 0.
double Log1pOverX(double x) {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

double Expm1OverX(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x
                            : 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
}

}  // namespace

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) s = SplitMix64(&seed);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

ZipfSampler::ZipfSampler(int64_t n, double theta) : n_(std::max<int64_t>(n, 1)), theta_(theta) {
  h_integral_x1_ = HIntegral(1.5) - 1;
  h_integral_n_ = HIntegral(static_cast<double>(n_) + 0.5);
  s_ = 2 - HIntegralInverse(HIntegral(2.5) - H(2));
}

// h(x) = x^-theta, the unnormalised probability of rank x.
double ZipfSampler::H(double x) const { return std::exp(-theta_ * std::log(x)); }

// An antiderivative of h: (x^(1-theta) - 1) / (1 - theta), log(x) at theta = 1.
double ZipfSampler::HIntegral(double x) const {
  const double log_x = std::log(x);
  return Expm1OverX((1 - theta_) * log_x) * log_x;
}

double ZipfSampler::HIntegralInverse(double x) const {
  double t = x * (1 - theta_);
  if (t < -1) t = -1;  // limit from rounding
  return std::exp(Log1pOverX(t) * x);
}

int64_t ZipfSampler::Sample(Rng& rng) const {
  while (true) {
    const double u = h_integral_n_ + rng.NextDouble() * (h_integral_x1_ - h_integral_n_);
    const double x = HIntegralInverse(u);
    int64_t k = static_cast<int64_t>(x + 0.5);
    k = std::clamp<int64_t>(k, 1, n_);
    if (static_cast<double>(k) - x <= s_ ||
        u >= HIntegral(static_cast<double>(k) + 0.5) - H(static_cast<double>(k))) {
      return k;
    }
  }
}

KeyChooser::KeyChooser(const DistributionSpec& spec, uint64_t keyspace, uint64_t seed,
                       uint64_t sequence_start)
    : distribution_(spec.kind),
      keyspace_(keyspace),
      next_sequential_(sequence_start),
      rng_(seed),
      zipf_(static_cast<int64_t>(keyspace), spec.zipf_theta) {}

uint64_t KeyChooser::Next() {
  if (keyspace_ == 0) return 0;
  switch (distribution_) {
    case Distribution::kUniform:
      return rng_.Uniform(keyspace_);
    case Distribution::kSequential:
      return next_sequential_++ % keyspace_;
    case Distribution::kZipf:
      return static_cast<uint64_t>(zipf_.Sample(rng_) - 1);
  }
  return 0;
}

}  // namespace kv::workload
