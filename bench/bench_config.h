// kv_bench's own flags (--kv_*): parsed and removed from argv before Google Benchmark sees it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "bench/target_spec.h"
#include "workload/distribution.h"

namespace kv::bench {

struct BenchConfig {
  std::vector<int> clients{1, 10, 50};
  std::vector<int> pipeline{1, 16};
  std::vector<int> value_sizes{3};
  // The targets that run, in order (--kv_targets; default: every defined target), and every
  // defined one: kv, redis, then each --kv_target in order. ParseArgs checks names and specs.
  std::vector<std::string> targets{"kv", "redis"};
  std::vector<TargetSpec> defined_targets = *DefineTargets({});
  std::string reference{kDefaultReference};  // --kv_reference: the denominator of every ratio
  int rtt_us = 0;  // > 0: clients connect through a DelayProxy adding rtt_us / 2 each way
  bool quick = false;
  bool progress = false;      // one line per finished case on stderr ("[n/N] <case>  elapsed  ETA")
  std::string profile_regex;  // cases whose name matches are profiled with perf
  std::string kv_server_path;
  std::string redis_path;  // empty: /usr/bin/redis-server, else redis-server in PATH
  int64_t keyspace = 10000;
  workload::DistributionSpec distribution;  // uniform; zipf: theta 0.99 unless zipf:<theta>
  uint64_t seed = 1;
  int locks = 4;        // LOCK: how many lock keys the clients contend for
  std::string log_dir;  // server logs and profiles; empty: next to --benchmark_out, else "."
  bool help = false;
};

struct ParsedArgs {
  BenchConfig config;
  std::vector<std::string> benchmark_args;  // argv[0] and everything that is not --kv_*
  std::string benchmark_out;                // value of --benchmark_out ("" if absent)
  std::string benchmark_format;             // value of --benchmark_format ("" if absent)
  bool list_tests = false;                  // --benchmark_list_tests[=true]: nothing runs
  double min_time_s = 0.5;                  // --benchmark_min_time (Google Benchmark's default)
  int repetitions = 1;                      // --benchmark_repetitions
};

// Parses --kv_* flags (--kv_name=value; --kv_quick, --kv_progress, --kv_help alone), starting from
// `defaults`. --kv_quick switches to the quick grid (clients 1,10; pipeline 1,16; keyspace 1000)
// for every list not given explicitly, and adds --benchmark_min_time=0.05 unless a min time is
// given. --kv_target may repeat; --kv_targets and --kv_reference must name defined targets.
// Errors name the flag and the bad value; unknown --kv_ flags are errors.
Result<ParsedArgs> ParseArgs(int argc, const char* const* argv, const BenchConfig& defaults);

// "1,10,50" -> {1, 10, 50}; every element must be an integer in [min, max].
Result<std::vector<int>> ParseIntList(const std::string& flag, const std::string& text, int min,
                                      int max);

std::string HelpText();
// The spec of a defined target (nullptr if none has that name).
const TargetSpec* FindTarget(const BenchConfig& config, const std::string& name);
// One line describing the grid, for the JSON context and the console.
std::string DescribeGrid(const BenchConfig& config);

}  // namespace kv::bench
