// Progress: kv_bench's progress on stderr (--kv_progress), one step per finished repetition of a
// case (a "run"), so that it advances evenly when Google Benchmark interleaves repetitions:
// "[k/K] <case> (repetition r/R)  elapsed 1m12s  ETA 3m40s". On a terminal the line is rewritten
// in place; otherwise (a log, CI) a line is printed for the first run, a failed run, the last run,
// and at most one every `interval_s` in between.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace kv::bench {

class Progress {
 public:
  struct Options {
    int repetitions = 1;
    std::FILE* out = nullptr;
    bool in_place = false;  // out is a terminal
    double interval_s = 10;
  };
  explicit Progress(Options options);
  ~Progress();  // ends an in-place line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // The runs start now: `total_runs` = selected cases x repetitions.
  void Start(int total_runs);
  // A repetition of `name` finished (repetition: its 1-based number; error: empty unless it
  // failed). Thread-safe.
  void RunDone(std::string_view name, int repetition, std::string_view error);
  // The same at a given time since the start (tests).
  void RunDoneAt(std::string_view name, int repetition, std::string_view error, double elapsed_s);

 private:
  const Options options_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  int total_runs_ = 0;
  int done_ = 0;
  double last_print_s_ = -1;
  bool line_open_ = false;  // an in-place line without its newline yet
};

// Whether a call of a benchmark function ended a repetition. Google Benchmark 1.7.1 grows the
// iteration count of a case's first repetition over several calls until one lasts at least
// --benchmark_min_time (or fails); every later repetition reuses that count in one call.
bool EndsRepetition(int repetitions_done, double call_seconds, double min_time_s, bool failed);

// "7s", "1m12s", "2h03m" (rounded down to whole seconds; negative counts as 0).
std::string FormatDuration(double seconds);

// "[done/total] <name>  elapsed <e>  ETA <mean time per step so far x steps left>"; total is
// raised to done when the prediction fell short. done >= 1.
std::string ProgressLine(int done, int total, std::string_view name, double elapsed_seconds);

}  // namespace kv::bench
