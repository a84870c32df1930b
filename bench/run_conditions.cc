// Reading the host's settings for the JSON context (the parsers are in fixtures/proc_stats).
#include "bench/run_conditions.h"

#include <sys/utsname.h>
#include <unistd.h>

#include "fixtures/proc_stats.h"

namespace kv::bench {
namespace {

// The compiler that built kv_bench (this file is compiled with the same flags as every target).
std::string CompilerDescription() {
#if defined(__clang__)
  return std::string("clang ") + __VERSION__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

std::string LoadAvgNow() {
  Result<std::string> text = fixtures::ReadTextFile("/proc/loadavg");
  if (!text.ok()) return "unavailable";
  Result<std::string> load = fixtures::ParseLoadAvg(*text);
  return load.ok() ? *load : "unavailable";
}

std::vector<std::pair<std::string, std::string>> HostSettings() {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("kv_cpu_governor", fixtures::ReadSettingOrUnavailable(
                                          "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
  const std::string thp = "/sys/kernel/mm/transparent_hugepage/";
  Result<std::string> enabled = fixtures::ReadTextFile(thp + "enabled");
  Result<std::string> defrag = fixtures::ReadTextFile(thp + "defrag");
  out.emplace_back("kv_thp",
                   fixtures::DescribeThp(enabled.ok() ? *enabled : "", defrag.ok() ? *defrag : ""));
  utsname u{};
  out.emplace_back("kv_kernel",
                   uname(&u) == 0 ? std::string(u.release) + " " + u.version : "unavailable");
  out.emplace_back("kv_compiler", CompilerDescription());
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  out.emplace_back("kv_cpus", cpus > 0 ? std::to_string(cpus) : "unavailable");
  return out;
}

std::string FormatCommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    if (!out.empty()) out += ' ';
    if (!arg.empty() && arg.find_first_of(" \t\n'\"\\$") == std::string::npos) {
      out += arg;
      continue;
    }
    out += '\'';
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

}  // namespace kv::bench
