// kv_bench's Workload: option checks and per-stream KeyChoosers (see workload.h).
#include "workload/workload.h"

#include "workload/keys.h"

namespace kv::workload {

Workload::Workload(const WorkloadOptions& options)
    : options_(options), value_(MakeValue(options.value_size)) {}

Result<Workload> Workload::Create(const WorkloadOptions& options) {
  if (options.keyspace < 1) return Error{"keyspace must be at least 1"};
  if (options.keyspace > 1000000000000LL) return Error{"keyspace must fit 12 digits"};
  if (options.distribution.kind == Distribution::kZipf &&
      !(options.distribution.zipf_theta > 0 && options.distribution.zipf_theta <= kMaxZipfTheta)) {
    return Error{"zipf theta must be in (0, 10]"};
  }
  return Workload(options);
}

KeyChooser Workload::Chooser(uint64_t stream) const {
  const auto keyspace = static_cast<uint64_t>(options_.keyspace);
  return KeyChooser(options_.distribution, keyspace, options_.seed * 0x9E3779B97F4A7C15ULL + stream,
                    (stream % 64) * keyspace / 64);
}

}  // namespace kv::workload
