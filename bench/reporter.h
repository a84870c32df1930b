// RunReporter: kv_bench's display reporter. It forwards everything to Google Benchmark's console or
// JSON reporter, remembers the failed runs and, when asked, prints one progress line per finished
// case to a stream of its own (stderr): "[n/N] <case>  elapsed 1m12s  ETA 3m40s".
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kv::bench {

class RunReporter : public benchmark::BenchmarkReporter {
 public:
  // expected_cases: how many instances will run (see CountSelected); progress: where the progress
  // lines go, nullptr for none.
  RunReporter(std::unique_ptr<benchmark::BenchmarkReporter> inner, int expected_cases,
              std::FILE* progress);
  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override { inner_->Finalize(); }
  // "<name>: <error>" of every failed run.
  const std::vector<std::string>& failures() const { return failures_; }

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
  const int expected_cases_;
  std::FILE* const progress_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  int done_cases_ = 0;
  std::string last_instance_;  // Google Benchmark reports an instance's runs and aggregates apart
  std::vector<std::string> failures_;
};

// "7s", "1m12s", "2h03m" (rounded down to whole seconds; negative counts as 0).
std::string FormatDuration(double seconds);

// "[done/total] <name>  elapsed <e>  ETA <mean time per case so far x cases left>"; total is
// raised to done when the prediction fell short. done >= 1.
std::string ProgressLine(int done, int total, std::string_view name, double elapsed_seconds);

// How many of `names` Google Benchmark runs under --benchmark_filter=`filter`, by its rules: ""
// or "all" selects every name, a leading '-' selects the names that do not match, otherwise the
// names where the POSIX extended regular expression matches somewhere. -1 if it does not compile.
int CountSelected(const std::vector<std::string>& names, const std::string& filter);

}  // namespace kv::bench
