// Test-only: a histogram's buckets as comparable (lo, hi, count) tuples.
#pragma once

#include <cstdint>
#include <tuple>
#include <vector>

#include "stats/histogram.h"

namespace kv::stats::testing {

using Bucket = std::tuple<int64_t, int64_t, int64_t>;

inline std::vector<Bucket> Buckets(const Histogram& h) {
  std::vector<Bucket> out;
  h.ForEachBucket([&](int64_t lo, int64_t hi, int64_t c) { out.emplace_back(lo, hi, c); });
  return out;
}

}  // namespace kv::stats::testing
