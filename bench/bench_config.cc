// Parsing of kv_bench's --kv_* flags.
#include "bench/bench_config.h"

#include <cstdint>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "base/numbers.h"

namespace kv::bench {
namespace {

Result<int64_t> ParseInt(const std::string& flag, const std::string& text, int64_t min,
                         int64_t max) {
  std::optional<int64_t> v = ParseNumber<int64_t>(text);
  if (!v || *v < min || *v > max) {
    return Error{"--" + flag + ": '" + text + "' is not an integer in [" + std::to_string(min) +
                 ", " + std::to_string(max) + "]"};
  }
  return *v;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

std::string Join(const std::vector<int>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(v[i]);
  }
  return out;
}

}  // namespace

Result<std::vector<int>> ParseIntList(const std::string& flag, const std::string& text, int min,
                                      int max) {
  std::vector<int> out;
  for (const std::string& item : Split(text)) {
    Result<int64_t> v = ParseInt(flag, item, min, max);
    if (!v.ok()) return Error{v.error()};
    out.push_back(static_cast<int>(*v));
  }
  if (out.empty()) return Error{"--" + flag + ": empty list"};
  return out;
}

Result<ParsedArgs> ParseArgs(int argc, const char* const* argv, const BenchConfig& defaults) {
  ParsedArgs out;
  out.config = defaults;
  BenchConfig& c = out.config;
  std::set<std::string> given;
  std::vector<TargetSpec> custom_targets;
  bool has_min_time = false;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i == 0 || arg.rfind("--kv_", 0) != 0) {
      if (arg.rfind("--benchmark_out=", 0) == 0) out.benchmark_out = arg.substr(16);
      if (arg.rfind("--benchmark_format=", 0) == 0) out.benchmark_format = arg.substr(19);
      if (arg.rfind("--benchmark_min_time=", 0) == 0) {
        has_min_time = true;
        std::string v = arg.substr(21);
        if (v.ends_with('s')) v.pop_back();
        auto t = ParseNumber<double>(v);
        if (!t || !(*t >= 0))
          return Error{"--benchmark_min_time: expected seconds, not '" + arg.substr(21) + "'"};
        out.min_time_s = *t;
      }
      if (arg.rfind("--benchmark_repetitions=", 0) == 0) {
        auto n = ParseNumber<int>(arg.substr(24));
        if (!n || *n < 1) {
          return Error{"--benchmark_repetitions: expected a count >= 1, not '" + arg.substr(24) +
                       "'"};
        }
        out.repetitions = *n;
      }
      if (arg == "--benchmark_list_tests") out.list_tests = true;
      if (arg.rfind("--benchmark_list_tests=", 0) == 0) {
        const std::string v = arg.substr(23);
        out.list_tests = v != "false" && v != "0" && v != "no" && v != "f" && v != "n";
      }
      out.benchmark_args.push_back(arg);
      continue;
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const bool has_value = eq != std::string::npos;
    const std::string value = has_value ? arg.substr(eq + 1) : "";
    given.insert(name);
    if (name == "kv_quick" || name == "kv_help" || name == "kv_progress") {
      if (has_value && value != "true" && value != "false") {
        return Error{"--" + name + ": expected no value, true or false, got '" + value + "'"};
      }
      bool& flag = name == "kv_quick" ? c.quick : name == "kv_help" ? c.help : c.progress;
      flag = !has_value || value == "true";
      continue;
    }
    if (!has_value) return Error{"--" + name + ": needs a value (--" + name + "=...)"};
    if (name == "kv_clients") {
      Result<std::vector<int>> v = ParseIntList(name, value, 1, 1000);
      if (!v.ok()) return Error{v.error()};
      c.clients = *v;
    } else if (name == "kv_pipeline") {
      Result<std::vector<int>> v = ParseIntList(name, value, 1, 1000);
      if (!v.ok()) return Error{v.error()};
      c.pipeline = *v;
    } else if (name == "kv_value_size") {
      Result<std::vector<int>> v = ParseIntList(name, value, 0, 64 * 1024 * 1024);
      if (!v.ok()) return Error{v.error()};
      c.value_sizes = *v;
    } else if (name == "kv_targets") {
      c.targets = Split(value);
      if (c.targets.empty()) return Error{"--kv_targets: empty list"};
    } else if (name == "kv_target") {
      Result<TargetSpec> spec = ParseTargetSpec(value);
      if (!spec.ok()) return Error{spec.error()};
      custom_targets.push_back(std::move(*spec));
    } else if (name == "kv_reference") {
      c.reference = value;
    } else if (name == "kv_rtt_us") {
      Result<int64_t> v = ParseInt(name, value, 0, 10000000);
      if (!v.ok()) return Error{v.error()};
      c.rtt_us = static_cast<int>(*v);
    } else if (name == "kv_profile") {
      try {
        std::regex check(value);
      } catch (const std::regex_error& e) {
        return Error{"--kv_profile: '" + value +
                     "' is not a valid regular expression: " + e.what()};
      }
      c.profile_regex = value;
    } else if (name == "kv_server_path") {
      c.kv_server_path = value;
    } else if (name == "kv_redis_path") {
      c.redis_path = value;
    } else if (name == "kv_keyspace") {
      Result<int64_t> v = ParseInt(name, value, 1, 100000000);
      if (!v.ok()) return Error{v.error()};
      c.keyspace = *v;
    } else if (name == "kv_distribution") {
      Result<workload::DistributionSpec> d =
          workload::ParseDistribution("--kv_distribution", value);
      if (!d.ok()) return Error{d.error()};
      c.distribution = *d;
    } else if (name == "kv_seed") {
      Result<int64_t> v = ParseInt(name, value, 0, INT64_MAX);
      if (!v.ok()) return Error{v.error()};
      c.seed = static_cast<uint64_t>(*v);
    } else if (name == "kv_locks") {
      Result<int64_t> v = ParseInt(name, value, 1, 1000000);
      if (!v.ok()) return Error{v.error()};
      c.locks = static_cast<int>(*v);
    } else if (name == "kv_log_dir") {
      c.log_dir = value;
    } else {
      return Error{"unknown flag --" + name + " (see --kv_help)"};
    }
  }
  Result<std::vector<TargetSpec>> defined = DefineTargets(custom_targets);
  if (!defined.ok()) return Error{defined.error()};
  c.defined_targets = std::move(*defined);
  Result<std::vector<std::string>> selected = SelectTargets(
      c.defined_targets, given.count("kv_targets") ? c.targets : std::vector<std::string>{},
      c.reference);
  if (!selected.ok()) return Error{selected.error()};
  c.targets = std::move(*selected);
  if (c.quick) {
    if (!given.count("kv_clients")) c.clients = {1, 10};
    if (!given.count("kv_pipeline")) c.pipeline = {1, 16};
    if (!given.count("kv_keyspace")) c.keyspace = 1000;
    if (!has_min_time) {
      out.benchmark_args.push_back("--benchmark_min_time=0.05");
      out.min_time_s = 0.05;
    }
  }
  return out;
}

std::string DescribeGrid(const BenchConfig& c) {
  std::string targets;
  for (size_t i = 0; i < c.targets.size(); ++i) {
    if (i > 0) targets += ',';
    targets += c.targets[i];
  }
  return "targets=" + targets + " clients=" + Join(c.clients) + " pipeline=" + Join(c.pipeline) +
         " value_size=" + Join(c.value_sizes) + " keyspace=" + std::to_string(c.keyspace) +
         " distribution=" + workload::FormatDistribution(c.distribution) +
         " rtt_us=" + std::to_string(c.rtt_us) + " locks=" + std::to_string(c.locks) +
         (c.quick ? " quick" : "") +
         (c.reference != kDefaultReference ? " reference=" + c.reference : "");
}

const TargetSpec* FindTarget(const BenchConfig& config, const std::string& name) {
  for (const TargetSpec& t : config.defined_targets) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string HelpText() {
  return R"(kv_bench: Google Benchmark suite for kv-server, redis-server and any other Redis-protocol
server (--kv_target).
Cases are named <target>/<CASE>/clients:<N>/pipeline:<P>[/value_size:<D>][/rtt_us:<R>] (Google
Benchmark appends /real_time and /threads:<N>). Every Google Benchmark flag works
(--benchmark_filter, --benchmark_out=FILE --benchmark_out_format=json, --benchmark_repetitions...).
stdout carries Google Benchmark's output only (console, JSON or the list of cases); kv_bench's own
messages and the progress lines go to stderr.
kv_bench flags:
  --kv_clients=1,10,50      client connections (one worker thread each)
  --kv_pipeline=1,16        requests per pipeline round
  --kv_value_size=3         value sizes in bytes (a list adds /value_size:<D> to names)
  --kv_targets=kv,redis     targets to measure, in this order (default: every defined target;
                            redis is skipped with a note when not installed)
  --kv_target=NAME=COMMAND  define a target kv_bench starts: COMMAND is split like a shell
                            would (quotes, backslashes; nothing expanded, no shell run), {port}
                            becomes a free loopback port (required) and {dir} a scratch
                            directory removed afterwards; e.g.
                            --kv_target='valkey=valkey-server --port {port} --save ""'
  --kv_target=NAME@HOST:PORT  define a target that already runs (not started or stopped; it is
                            FLUSHALLed, so it must hold no keys); server CPU and memory are
                            measured only when it is a local process (loopback, INFO
                            process_id in /proc). --kv_target may repeat.
  --kv_reference=redis      the target every ratio divides by (kv-compare reads it)
  --kv_rtt_us=0             clients go through a loopback proxy adding this round-trip time
                            (half each way); the RTT measured through it is reported at start
                            (stderr, context kv_rtt_us_measured)
  --kv_quick                small grid and short runs (CI: ctest -L benchmark)
  --kv_profile=<regex>      perf record the server while matching cases run
  --kv_server_path=PATH     kv-server binary (default: the one built with kv_bench)
  --kv_redis_path=PATH      redis-server binary (default: /usr/bin/redis-server or PATH)
  --kv_keyspace=10000       keys per case (1000 with --kv_quick)
  --kv_distribution=uniform uniform | zipf[:<theta>] | sequential key choice (zipf: theta 0.99)
  --kv_seed=1               seed of the key choice
  --kv_locks=4              LOCK: number of contended locks
  --kv_log_dir=DIR          server logs and profiles (default: next to --benchmark_out, or .)
  --kv_progress             one line per finished case on stderr: [n/N] <case>  elapsed  ETA
  --kv_help                 this text
)";
}

}  // namespace kv::bench
