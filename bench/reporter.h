// RunReporter: kv_bench's display reporter. It forwards everything to Google Benchmark's console or
// JSON reporter and remembers the failed and the skipped runs (progress lines: progress.h).
#pragma once

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kv::bench {

class RunReporter : public benchmark::BenchmarkReporter {
 public:
  explicit RunReporter(std::unique_ptr<benchmark::BenchmarkReporter> inner);
  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override { inner_->Finalize(); }
  // "<name>: <error>" of every failed run.
  const std::vector<std::string>& failures() const { return failures_; }
  // "<name>: <reason>" of every run skipped because its target cannot run it (an error message
  // that starts with kSkippedPrefix, "skipped: "); not failures.
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
  std::vector<std::string> failures_;
  std::vector<std::string> skipped_;
};

// How many of `names` Google Benchmark runs under --benchmark_filter=`filter`, by its rules: ""
// or "all" selects every name, a leading '-' selects the names that do not match, otherwise the
// names where the POSIX extended regular expression matches somewhere. -1 if it does not compile.
int CountSelected(const std::vector<std::string>& names, const std::string& filter);

}  // namespace kv::bench
