// The conditions of a run that kv_bench records in the JSON context (kv_load_avg_before,
// kv_cpu_governor, kv_thp, kv_kernel, kv_compiler, kv_cpus, kv_server_args, redis_args), so that a
// reader (and kv-compare) can judge whether the machine was fit for measuring.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kv::bench {

// /proc/loadavg's first three fields, or "unavailable"; read it before starting anything.
std::string LoadAvgNow();

// The host's settings as (context key, value): kv_cpu_governor, kv_thp, kv_kernel, kv_compiler,
// kv_cpus. A setting that cannot be read is "unavailable".
std::vector<std::pair<std::string, std::string>> HostSettings();

// argv as one line, for kv_server_args and redis_args: arguments joined by spaces, an empty one or
// one with spaces, quotes, a backslash or '$' in single quotes (as a shell would take it back).
std::string FormatCommandLine(const std::vector<std::string>& argv);

}  // namespace kv::bench
