// Progress lines: counting runs, the in-place or throttled output, and the line's pieces.
#include "bench/progress.h"

#include <cmath>

namespace kv::bench {

Progress::Progress(Options options) : options_(options) {}

Progress::~Progress() {
  if (line_open_ && options_.out != nullptr) {
    std::fputs("\n", options_.out);
    std::fflush(options_.out);
  }
}

void Progress::Start(int total_runs) {
  std::lock_guard lock(mu_);
  total_runs_ = total_runs;
  done_ = 0;
  last_print_s_ = -1;
  start_ = std::chrono::steady_clock::now();
}

void Progress::RunDone(std::string_view name, int repetition, std::string_view error) {
  std::chrono::steady_clock::time_point start;
  {
    std::lock_guard lock(mu_);
    start = start_;
  }
  RunDoneAt(name, repetition, error,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void Progress::RunDoneAt(std::string_view name, int repetition, std::string_view error,
                         double elapsed_s) {
  std::lock_guard lock(mu_);
  ++done_;
  if (options_.out == nullptr) return;
  const bool last = done_ >= total_runs_;
  const bool due = last_print_s_ < 0 || elapsed_s - last_print_s_ >= options_.interval_s;
  if (!options_.in_place && !due && !last && error.empty()) return;
  std::string what(name);
  if (options_.repetitions > 1) {
    what += " (repetition " + std::to_string(repetition) + "/" +
            std::to_string(options_.repetitions) + ")";
  }
  std::string line = ProgressLine(done_, total_runs_, what, elapsed_s);
  if (!error.empty()) line += "  FAILED: " + std::string(error);
  if (options_.in_place) {
    // A failure keeps its own line; the running line is rewritten ("\r", clear to the end).
    const bool keep = !error.empty() || last;
    std::fputs(("\r" + line + "\033[K" + (keep ? "\n" : "")).c_str(), options_.out);
    line_open_ = !keep;
  } else {
    std::fputs((line + "\n").c_str(), options_.out);
  }
  std::fflush(options_.out);
  last_print_s_ = elapsed_s;
}

bool EndsRepetition(int repetitions_done, double call_seconds, double min_time_s, bool failed) {
  return failed || repetitions_done > 0 || call_seconds >= min_time_s;
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
  const double per_step = done > 0 ? elapsed_seconds / done : 0;
  return "[" + std::to_string(done) + "/" + std::to_string(total) + "] " + std::string(name) +
         "  elapsed " + FormatDuration(elapsed_seconds) + "  ETA " +
         FormatDuration(per_step * (total - done));
}

}  // namespace kv::bench
