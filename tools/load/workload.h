// Workloads: redis-benchmark's test name -> RESP request templates (their __rand_int__ keys are
// filled in per request by lib/workload's KeyChooser), arbitrary commands and GET:SET mixes.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tools/load/options.h"
#include "workload/keys.h"

namespace kv::load {

inline constexpr std::string_view kDataPlaceholder = "__data__";

struct Workload {
  std::string title;  // as reported: "SET", "MSET (10 keys)", "set k:__rand_int__ __data__"
  // One, or GET and SET for a --ratio mix. rand_offsets are empty when keys are not randomised
  // (no -r).
  std::vector<workload::RequestTemplate> templates;
  std::vector<int> weights;  // per template; empty: always templates[0]
  int payload_bytes = 0;     // the report's "N bytes payload"
};

// redis-benchmark's value bytes for -d: a fixed pseudo-random sequence of printable characters.
std::string BenchmarkData(int size);

// Names accepted by -t (lower case), in suite order.
std::span<const std::string_view> KnownTestNames();

// The tests to run for these options, in redis-benchmark's order: the arbitrary command, the
// --ratio mix, or the default suite filtered by -t. An unknown -t name is an Error.
Result<std::vector<Workload>> BuildWorkloads(const Options& options);

}  // namespace kv::load
