// Key choice for kv_bench and kv-load: the random number generator, the zipf sampler and the
// per-thread KeyChooser that draws key indices from a DistributionSpec. No allocation, no virtual
// calls: Next() is on kv-load's per-request path.
#pragma once

#include <cstdint>

#include "workload/distribution.h"

namespace kv::workload {

// xoshiro256** seeded through splitmix64: fast, small, good enough for key choice. The sequence
// for a seed is fixed (kv-load's --seed reproduces a run).
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  double NextDouble();                                 // uniform in [0, 1)
  uint64_t Uniform(uint64_t n) { return Next() % n; }  // in [0, n), n > 0; bias < n / 2^64

 private:
  uint64_t s_[4];
};

// Zipf(theta) over ranks 1..n exactly as defined in distribution.h, by rejection-inversion
// (Hörmann and Derflinger 1996, as in Apache Commons RNG): O(1) setup, memory and expected
// sampling time for any n and any theta > 0.
class ZipfSampler {
 public:
  ZipfSampler(int64_t n, double theta);  // n < 1 is taken as 1
  int64_t Sample(Rng& rng) const;        // in [1, n]

 private:
  double H(double x) const;
  double HIntegral(double x) const;
  double HIntegralInverse(double x) const;
  int64_t n_;
  double theta_;
  double h_integral_x1_;
  double h_integral_n_;
  double s_;
};

// Draws key indices in [0, keyspace) from a distribution: one per thread. uniform: Rng::Uniform;
// sequential: sequence_start, sequence_start + 1, ... modulo keyspace; zipf: rank - 1 of a
// ZipfSampler draw (key 0 is the hottest). keyspace 0 always gives 0 (redis-benchmark's -r 0).
class KeyChooser {
 public:
  KeyChooser(const DistributionSpec& spec, uint64_t keyspace, uint64_t seed,
             uint64_t sequence_start);
  uint64_t Next();
  // The chooser's generator, for other choices made along with the keys (GET or SET?).
  Rng& rng() { return rng_; }

 private:
  Distribution distribution_;
  uint64_t keyspace_;
  uint64_t next_sequential_;
  Rng rng_;
  ZipfSampler zipf_;
};

}  // namespace kv::workload
