// RunTool: spawn, poll for exit until the deadline, read the captured output from a temp file.
#include "tests/robustness/tool_runner.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "fixtures/child_process.h"

namespace kv::robustness {
namespace {

// An unlinked temporary file: nothing is left behind whatever happens.
class TempFile {
 public:
  static Result<TempFile> Create() {
    char path[] = "/tmp/kv-robustness-tool-XXXXXX";
    const int fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0) return Error{std::string("mkostemp: ") + std::strerror(errno)};
    unlink(path);
    return TempFile(fd);
  }
  TempFile(TempFile&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() const { return fd_; }

  std::string ReadAll() const {
    std::string out;
    char buf[8192];
    off_t offset = 0;
    while (true) {
      const ssize_t n = pread(fd_, buf, sizeof(buf), offset);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
      offset += n;
    }
    return out;
  }

 private:
  explicit TempFile(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace

Result<ToolResult> RunTool(const std::vector<std::string>& argv,
                           std::chrono::milliseconds timeout) {
  auto capture = TempFile::Create();
  if (!capture.ok()) return Error{capture.error()};
  fixtures::ChildOptions options;
  options.argv = argv;
  options.stdout_fd = capture->fd();
  options.stderr_fd = capture->fd();
  auto child = fixtures::ChildProcess::Spawn(options);
  if (!child.ok()) return Error{child.error()};
  ToolResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto exited = (*child)->Exited()) {
      result.exit = *exited;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      result.exit = (*child)->Stop(std::chrono::milliseconds(0), SIGKILL);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  result.output = capture->ReadAll();
  return result;
}

}  // namespace kv::robustness
