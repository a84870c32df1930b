// perf record/report driven through ChildProcess and perf's control fifos.
#include "bench/profiler.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "fixtures/server_process.h"

namespace kv::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Runs argv to completion (bounded), stdout to out_path; returns how it ended.
Result<fixtures::ExitStatus> RunToFile(const std::vector<std::string>& argv,
                                       const std::string& out_path, std::chrono::seconds timeout) {
  const int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot write " + out_path + ": " + std::strerror(errno)};
  fixtures::ChildOptions options;
  options.argv = argv;
  options.stdout_fd = fd;
  Result<std::unique_ptr<fixtures::ChildProcess>> child = fixtures::ChildProcess::Spawn(options);
  close(fd);
  if (!child.ok()) return Error{child.error()};
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (std::optional<fixtures::ExitStatus> exit = (*child)->Exited()) return *exit;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Error{argv[0] + " did not finish within " + std::to_string(timeout.count()) + " s; " +
               (*child)->Stop(std::chrono::milliseconds(1000)).Describe()};
}

}  // namespace

Result<std::unique_ptr<Profiler>> Profiler::Start(pid_t pid, const std::string& data_path) {
  const std::string perf = fixtures::FindExecutable("perf", "/usr/bin/perf");
  if (perf.empty()) return Error{"perf not found (install linux-perf: scripts/setup.sh)"};
  char tmpl[] = "/tmp/kv_bench_perf.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Error{std::string("mkdtemp: ") + std::strerror(errno)};
  const std::string dir = tmpl;
  const std::string ctl = dir + "/ctl";
  const std::string ack = dir + "/ack";
  auto cleanup = [&] {
    unlink(ctl.c_str());
    unlink(ack.c_str());
    rmdir(dir.c_str());
  };
  if (mkfifo(ctl.c_str(), 0600) != 0 || mkfifo(ack.c_str(), 0600) != 0) {
    cleanup();
    return Error{std::string("mkfifo: ") + std::strerror(errno)};
  }
  // O_RDWR: opening a fifo this way never blocks waiting for the other end.
  const int ctl_fd = open(ctl.c_str(), O_RDWR | O_CLOEXEC);
  const int ack_fd = open(ack.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK);
  const std::string log = data_path + ".log";
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  fixtures::ChildOptions options;
  options.argv = {perf,
                  "record",
                  "-e",
                  "cpu-clock",
                  "-g",
                  "-p",
                  std::to_string(pid),
                  "-o",
                  data_path,
                  "-D",
                  "-1",
                  "--control",
                  "fifo:" + ctl + "," + ack};
  options.stdout_fd = log_fd;
  options.stderr_fd = log_fd;
  Result<std::unique_ptr<fixtures::ChildProcess>> child = fixtures::ChildProcess::Spawn(options);
  if (log_fd >= 0) close(log_fd);
  if (!child.ok() || ctl_fd < 0 || ack_fd < 0) {
    if (ctl_fd >= 0) close(ctl_fd);
    if (ack_fd >= 0) close(ack_fd);
    cleanup();
    return Error{child.ok() ? "cannot open perf control fifos" : child.error()};
  }
  // perf fails fast when not permitted or when the options are unknown: give it a moment.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  if (std::optional<fixtures::ExitStatus> exit = (*child)->Exited()) {
    close(ctl_fd);
    close(ack_fd);
    cleanup();
    return Error{"perf record " + exit->Describe() + ": " + fixtures::TailOfFile(log, 3)};
  }
  return std::unique_ptr<Profiler>(new Profiler(std::move(*child), data_path, dir, ctl_fd, ack_fd));
}

Profiler::Profiler(std::unique_ptr<fixtures::ChildProcess> perf, std::string data_path,
                   std::string dir, int ctl_fd, int ack_fd)
    : perf_(std::move(perf)),
      data_path_(std::move(data_path)),
      fifo_dir_(std::move(dir)),
      ctl_fd_(ctl_fd),
      ack_fd_(ack_fd) {}

Profiler::~Profiler() {
  perf_->Stop(std::chrono::milliseconds(10000), SIGINT);
  close(ctl_fd_);
  close(ack_fd_);
  unlink((fifo_dir_ + "/ctl").c_str());
  unlink((fifo_dir_ + "/ack").c_str());
  rmdir(fifo_dir_.c_str());
}

void Profiler::Send(const char* command) {
  ssize_t ignored = write(ctl_fd_, command, std::strlen(command));
  (void)ignored;
  pollfd pfd{ack_fd_, POLLIN, 0};
  if (poll(&pfd, 1, 1000) > 0) {
    char buf[64];
    ignored = read(ack_fd_, buf, sizeof(buf));
  }
}

void Profiler::Enable() {
  std::lock_guard<std::mutex> lock(mu_);
  if (enabled_) return;
  Send("enable\n");
  enabled_ = true;
  samples_ = true;
}

void Profiler::Disable() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!enabled_) return;
  Send("disable\n");
  enabled_ = false;
}

Status Profiler::Finish(const std::string& report_path, const std::string& top_path) {
  Disable();
  const fixtures::ExitStatus exit = perf_->Stop(std::chrono::milliseconds(20000), SIGINT);
  if (!samples_) return Error{"no case matched --kv_profile; nothing recorded"};
  Result<fixtures::ExitStatus> report =
      RunToFile({fixtures::FindExecutable("perf", "/usr/bin/perf"), "report", "--stdio",
                 "--no-children", "-g", "none", "--percent-limit", "0.5", "-i", data_path_},
                report_path, std::chrono::seconds(120));
  if (!report.ok()) return Error{"perf report: " + report.error()};
  std::ifstream in(report_path);
  std::ofstream out(top_path);
  std::string line;
  int kept = 0;
  while (kept < 40 && std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    out << line << "\n";
    ++kept;
  }
  if (kept == 0)
    return Error{"perf report printed no samples (perf record " + exit.Describe() + ")"};
  return {};
}

}  // namespace kv::bench
