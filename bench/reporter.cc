// RunReporter and the count of selected cases.
#include "bench/reporter.h"

#include <regex>
#include <string_view>

#include "bench/cases.h"

namespace kv::bench {

RunReporter::RunReporter(std::unique_ptr<benchmark::BenchmarkReporter> inner)
    : inner_(std::move(inner)) {}

bool RunReporter::ReportContext(const Context& context) { return inner_->ReportContext(context); }

void RunReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    if (!run.error_occurred) continue;
    const bool skipped = std::string_view(run.error_message).starts_with(kSkippedPrefix);
    (skipped ? skipped_ : failures_)
        .push_back(run.benchmark_name() + ": " +
                   (skipped ? run.error_message.substr(kSkippedPrefix.size()) : run.error_message));
  }
  inner_->ReportRuns(runs);
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
