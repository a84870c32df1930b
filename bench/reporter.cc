// RunReporter and the progress line's pieces.
#include "bench/reporter.h"

#include <cmath>
#include <cstdio>
#include <regex>

namespace kv::bench {

RunReporter::RunReporter(std::unique_ptr<benchmark::BenchmarkReporter> inner, int expected_cases,
                         std::FILE* progress)
    : inner_(std::move(inner)), expected_cases_(expected_cases), progress_(progress) {}

bool RunReporter::ReportContext(const Context& context) {
  start_ = std::chrono::steady_clock::now();  // the first case starts now
  return inner_->ReportContext(context);
}

void RunReporter::ReportRuns(const std::vector<Run>& runs) {
  std::string errors;
  for (const Run& run : runs) {
    if (!run.error_occurred) continue;
    failures_.push_back(run.benchmark_name() + ": " + run.error_message);
    if (errors.empty()) errors = "  FAILED: " + run.error_message;
  }
  inner_->ReportRuns(runs);
  if (runs.empty() || runs.front().run_name.str() == last_instance_) return;
  last_instance_ = runs.front().run_name.str();
  ++done_cases_;
  if (progress_ == nullptr) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string line =
      ProgressLine(done_cases_, expected_cases_, runs.front().run_name.function_name, elapsed) +
      errors + "\n";
  std::fputs(line.c_str(), progress_);
  std::fflush(progress_);
}

std::string FormatDuration(double seconds) {
  const long long s = seconds > 0 ? static_cast<long long>(std::floor(seconds)) : 0;
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof(buf), "%llds", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof(buf), "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%lldh%02lldm", s / 3600, s % 3600 / 60);
  }
  return buf;
}

std::string ProgressLine(int done, int total, std::string_view name, double elapsed_seconds) {
  if (total < done) total = done;
  const double per_case = done > 0 ? elapsed_seconds / done : 0;
  return "[" + std::to_string(done) + "/" + std::to_string(total) + "] " + std::string(name) +
         "  elapsed " + FormatDuration(elapsed_seconds) + "  ETA " +
         FormatDuration(per_case * (total - done));
}

int CountSelected(const std::vector<std::string>& names, const std::string& filter) {
  std::string spec = filter.empty() || filter == "all" ? "." : filter;
  const bool negative = spec[0] == '-';
  if (negative) spec.erase(0, 1);
  std::regex re;
  try {
    re = std::regex(spec, std::regex::extended);
  } catch (const std::regex_error&) {
    return -1;
  }
  int count = 0;
  for (const std::string& name : names) {
    if (std::regex_search(name, re) != negative) ++count;
  }
  return count;
}

}  // namespace kv::bench
