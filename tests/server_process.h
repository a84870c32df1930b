// Test fixture for process-level kv-server tests: start the built binary on an ephemeral port
// (own process group, parent-death signal), wait for its ready line, stop it; plus small clients.
#pragma once

#include <hiredis/hiredis.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tests/io_backend_env.h"

namespace kv::test {

// The --io flags for $KV_TEST_IO (tests/io_backend_env.h).
using test_io::IoBackendArgs;

// A running kv-server. The destructor sends SIGTERM, then SIGKILL after 5 s, and reaps it.
class ServerProcess {
 public:
  // Starts KV_SERVER_PATH --port 0 <IoBackendArgs()...> <args...> and waits up to 30 s for the
  // ready line.
  static Result<std::unique_ptr<ServerProcess>> Start(const std::vector<std::string>& args);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& ready_line() const { return ready_line_; }

  // Sends sig and waits up to timeout_ms for the exit; returns the exit code (128 + signal when
  // killed by a signal), or an error on timeout.
  Result<int> Stop(int sig, int timeout_ms);
  // Waits up to timeout_ms for the process to exit by itself.
  Result<int> WaitExit(int timeout_ms);
  // Everything the server wrote to stderr so far.
  std::string Log() const;
  // Whatever the server wrote to stdout after the ready line (read until EOF; after exit).
  std::string RemainingStdout();
  // Resident set size in KiB (from /proc), -1 if unknown.
  long RssKb() const;

 private:
  ServerProcess() = default;

  pid_t pid_ = -1;
  bool running_ = false;
  int stdout_fd_ = -1;
  int port_ = 0;
  std::string ready_line_;
  std::string log_path_;
};

struct ExitResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs kv-server with exactly args to its exit (killed after timeout_ms: then an error).
Result<ExitResult> RunServerToExit(const std::vector<std::string>& args, int timeout_ms);

// A blocking TCP client for byte-exact protocol tests. Every read is bounded by a timeout.
class RawClient {
 public:
  static Result<RawClient> Connect(int port, const std::string& host = "127.0.0.1");
  RawClient(RawClient&& other) noexcept;
  RawClient& operator=(RawClient&& other) = delete;
  ~RawClient();

  // Sends all of data; false if the connection failed (e.g. the server closed it).
  bool Send(std::string_view data);
  // Sends what the socket takes without blocking; returns bytes sent (-1: connection failed).
  long SendSome(std::string_view data);
  // Reads until `n` bytes arrived, the peer closed, or timeout_ms passed.
  std::string Read(size_t n, int timeout_ms);
  // Reads until the peer closes (returns true) or timeout_ms passes (false); appends to *data.
  bool ReadUntilClosed(std::string* data, int timeout_ms);
  void ShutdownWrite();
  int fd() const { return fd_; }

 private:
  explicit RawClient(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct RedisFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisPtr = std::unique_ptr<redisContext, RedisFree>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

// hiredis connection with 10 s connect and I/O timeouts; null on failure.
RedisPtr ConnectRedis(int port, const char* host = "127.0.0.1");
// Runs one command (argv form); null when the connection failed.
ReplyPtr Command(redisContext* c, const std::vector<std::string>& args);
// The reply as text for assertions: "+OK", "-ERR ...", ":5", "$value", "$nil", "*3".
std::string Show(const redisReply* r);
std::string Show(const ReplyPtr& r);

}  // namespace kv::test
