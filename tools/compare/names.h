// Benchmark names: normalisation (so that runs with different Google Benchmark options match), the
// split into target ("kv", "redis", any --kv_target NAME) and case ("SET/clients:10/pipeline:16"),
// and the pair of targets a ratio compares.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kv::compare {

// Strips what Google Benchmark appends that does not change what was measured: the path
// components "real_time", "manual_time", "process_time", "threads:1", "repeats:N",
// "iterations:N", "min_time:X" and "min_warmup_time:X". Other components are kept in order
// ("threads:4" changes the measurement and stays). Aggregate suffixes ("_mean") are not touched
// here: callers use the JSON's run_name, which never has them (see StripAggregateSuffix).
std::string NormalizeName(std::string_view name);

// Removes "_<aggregate>" from the end of `name` when it ends with exactly that suffix
// ("kv/SET/clients:1_median" with aggregate "median" -> "kv/SET/clients:1").
std::string StripAggregateSuffix(std::string_view name, std::string_view aggregate);

struct TargetAndCase {
  std::string target;     // "kv", "redis", ... (the first path component)
  std::string case_name;  // the rest ("SET/clients:10/pipeline:16"); empty when no '/'
};

// The two targets of a same-run ratio: `target` ÷ `reference` (throughput; p99 the other way up).
// kv_bench names them (context kv_reference); the defaults are the original suite's pair.
struct TargetPair {
  std::string target = "kv";
  std::string reference = "redis";
  std::string Label() const { return target + "÷" + reference; }  // "kv÷redis"
  bool operator==(const TargetPair&) const = default;
};

// How prose names a target: the built-in ones by their servers ("kv" -> "kv-server", "redis" ->
// "redis-server"), any other by its own name.
std::string ServerLabel(std::string_view target);

// Splits a normalised name at its first '/'.
TargetAndCase SplitTarget(std::string_view name);

// The value of a "key:<integer>" path component ("clients" in "kv/SET/clients:10/pipeline:1"
// gives 10); nullopt when absent or not an integer.
std::optional<long> NameParameter(std::string_view name, std::string_view key);

}  // namespace kv::compare
