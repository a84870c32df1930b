// Profiler: `perf record -e cpu-clock -g` attached to a server, enabled only while matching cases
// run (perf's --control fifo), then summarised with `perf report`.
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>

#include "base/result.h"
#include "fixtures/child_process.h"

namespace kv::bench {

class Profiler {
 public:
  // Starts perf (events disabled) on pid, writing data_path. Errors when perf is missing, not
  // permitted, or exits at once; the caller prints one warning and runs without profiling.
  static Result<std::unique_ptr<Profiler>> Start(pid_t pid, const std::string& data_path);
  ~Profiler();
  Profiler(const Profiler&) = delete;
  Profiler& operator=(const Profiler&) = delete;

  // Turn sampling on/off (waits up to 1 s for perf's acknowledgement). Thread-safe.
  void Enable();
  void Disable();

  // Stops perf (SIGINT, so it writes its data), then writes `perf report --stdio --no-children`
  // to report_path and its first lines of functions to top_path.
  Status Finish(const std::string& report_path, const std::string& top_path);

  const std::string& data_path() const { return data_path_; }

 private:
  Profiler(std::unique_ptr<fixtures::ChildProcess> perf, std::string data_path, std::string dir,
           int ctl_fd, int ack_fd);
  void Send(const char* command);

  std::unique_ptr<fixtures::ChildProcess> perf_;
  std::string data_path_;
  std::string fifo_dir_;
  int ctl_fd_;
  int ack_fd_;
  std::mutex mu_;
  bool enabled_ = false;
  bool samples_ = false;  // enabled at least once
};

}  // namespace kv::bench
