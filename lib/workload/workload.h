// kv_bench's workload: a keyspace of key:%012d keys, one value size, a key distribution and a
// seed; hands each worker thread its own KeyChooser. Pre-population (which needs a connection)
// is fixtures/populate.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/result.h"
#include "workload/distribution.h"
#include "workload/key_chooser.h"

namespace kv::workload {

struct WorkloadOptions {
  int64_t keyspace = 10000;  // keys are key:000000000000 .. key:<keyspace - 1>
  size_t value_size = 3;
  DistributionSpec distribution;
  uint64_t seed = 1;
};

// Immutable after Create: share one between threads; each thread takes its own Chooser.
class Workload {
 public:
  // Errors: keyspace outside [1, 10^12], zipf theta outside (0, kMaxZipfTheta].
  static Result<Workload> Create(const WorkloadOptions& options);

  const WorkloadOptions& options() const { return options_; }
  const std::string& value() const { return value_; }
  // Streams with different ids are independent (seeds seed * golden ratio + id); sequential
  // streams start at (id % 64) * keyspace / 64 so that parallel writers spread out.
  KeyChooser Chooser(uint64_t stream) const;

 private:
  explicit Workload(const WorkloadOptions& options);
  WorkloadOptions options_;
  std::string value_;
};

}  // namespace kv::workload
