// A tiny logger for kv-server: one line per message, to stderr or --logfile, filtered by level.
// Thread-safe: each line is one write(2), so lines from several event loops never interleave.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace kv::server {

// Ordered by severity, as Redis's loglevel.
enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3, kNothing = 4 };

// "debug" | "verbose" | "notice" | "warning" | "nothing".
Result<LogLevel> ParseLogLevel(std::string_view name);

class Logger {
 public:
  // Writes to fd (not owned; e.g. STDERR_FILENO).
  Logger(int fd, LogLevel level) : fd_(fd), level_(static_cast<int>(level)) {}
  // Opens path for appending; empty path means stderr.
  static Result<std::unique_ptr<Logger>> Open(const std::string& path, LogLevel level);

  bool Enabled(LogLevel level) const {
    return level != LogLevel::kNothing &&
           static_cast<int>(level) >= level_.load(std::memory_order_relaxed);
  }
  void set_level(LogLevel level) {
    level_.store(static_cast<int>(level), std::memory_order_relaxed);
  }

  // "<pid>:M 22 Nov 2026 19:26:00.123 * message" (Redis's format; . - * # by level).
  void Log(LogLevel level, std::string_view message);
  void Debug(std::string_view m) { Log(LogLevel::kDebug, m); }
  void Verbose(std::string_view m) { Log(LogLevel::kVerbose, m); }
  void Notice(std::string_view m) { Log(LogLevel::kNotice, m); }
  void Warning(std::string_view m) { Log(LogLevel::kWarning, m); }

 private:
  UniqueFd owned_;
  int fd_;
  std::atomic<int> level_;
};

}  // namespace kv::server
