// Logger implementation: formats a Redis-style line and writes it with one write(2).
#include "server/config/logging.h"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace kv::server {

Result<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "verbose") return LogLevel::kVerbose;
  if (name == "notice") return LogLevel::kNotice;
  if (name == "warning") return LogLevel::kWarning;
  if (name == "nothing") return LogLevel::kNothing;
  return Error{"unknown log level '" + std::string(name) + "'"};
}

Result<std::unique_ptr<Logger>> Logger::Open(const std::string& path, LogLevel level) {
  if (path.empty()) return std::make_unique<Logger>(STDERR_FILENO, level);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot open log file '" + path + "': " + std::strerror(errno)};
  auto logger = std::make_unique<Logger>(fd, level);
  logger->owned_ = UniqueFd(fd);
  return logger;
}

void Logger::Log(LogLevel level, std::string_view message) {
  if (!Enabled(level)) return;
  static constexpr char kMarks[] = {'.', '-', '*', '#'};
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  char prefix[96];
  size_t n =
      static_cast<size_t>(snprintf(prefix, sizeof(prefix), "%d:M ", static_cast<int>(getpid())));
  n += strftime(prefix + n, sizeof(prefix) - n, "%d %b %Y %H:%M:%S", &tm);
  n += static_cast<size_t>(snprintf(prefix + n, sizeof(prefix) - n, ".%03d %c ",
                                    static_cast<int>(tv.tv_usec / 1000),
                                    kMarks[static_cast<int>(level)]));
  std::string line(prefix, n);
  line.append(message);
  line += '\n';
  // Best effort: a failing log write must not take the server down.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t w = ::write(fd_, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    p += w;
    left -= static_cast<size_t>(w);
  }
}

}  // namespace kv::server
