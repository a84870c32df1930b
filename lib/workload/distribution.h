// Key-choice distributions shared by kv_bench and kv-load: one enum, one flag syntax
// (uniform | sequential | zipf[:<theta>]) and one meaning of zipf.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace kv::workload {

enum class Distribution { kUniform, kZipf, kSequential };

// zipf:<theta> over a keyspace of n keys means: key index i (0-based) has rank k = i + 1 and
//   P(rank k) = k^-theta / H(n, theta),   H(n, theta) = sum_{j=1..n} j^-theta,   k in 1..n,
// so key 0 is the hottest. theta is the exponent s of the usual 1 / k^s notation (the YCSB and
// redis-benchmark literature call it theta). ZipfSampler (key_chooser.h) draws exactly this.
inline constexpr double kDefaultZipfTheta = 0.99;
inline constexpr double kMaxZipfTheta = 10;

struct DistributionSpec {
  Distribution kind = Distribution::kUniform;
  double zipf_theta = kDefaultZipfTheta;  // used by kZipf only

  bool operator==(const DistributionSpec&) const = default;
};

// Parses "uniform", "sequential", "zipf" (theta kDefaultZipfTheta) or "zipf:<theta>" with theta
// in (0, kMaxZipfTheta]. Errors start with `flag`, e.g.
// "--distribution: 'gauss' is not one of uniform, zipf:<theta>, sequential".
Result<DistributionSpec> ParseDistribution(std::string_view flag, std::string_view text);

std::string_view DistributionName(Distribution d);  // "uniform", "zipf", "sequential"

// The text ParseDistribution reads back as spec: "uniform", "sequential", "zipf" (default theta)
// or "zipf:<theta>".
std::string FormatDistribution(const DistributionSpec& spec);

}  // namespace kv::workload
