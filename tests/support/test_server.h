// The kv-server under test for the process-level tests: fixtures::ServerProcess started with the
// built binary and the $KV_TEST_IO backend flags, whose clean exit after SIGTERM is part of every
// test; plus running kv-server to its exit, and the hiredis client helpers the tests use.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/sanitizer.h"  // UnderSanitizer(): the kv-server under test is built alike
#include "fixtures/child_process.h"
#include "fixtures/client.h"
#include "fixtures/server_process.h"

namespace kv::test {

// The bound on every raw send and read of the process-level tests.
inline constexpr std::chrono::seconds kIo(10);

// The kv-server binary under test (KV_SERVER_PATH from the build).
std::string KvServerBinary();

// Options that start KvServerBinary() with --port 0 --bind 127.0.0.1 <$KV_TEST_IO flags> <args>
// (fixtures::ServerProcess), a 30 s start timeout and its log at log_path.
fixtures::ServerOptions KvServerOptions(const std::vector<std::string>& args,
                                        const std::string& log_path);

// One kv-server for one test. Ready on its ready line alone (no PING: the tests check what the
// ready line promises). Unless the test collected its exit (Stop, WaitExit), the destructor sends
// SIGTERM and fails the test unless kv-server exits 0 within 5 s: a hang, a crash or a sanitizer
// report fails the test that caused it.
class TestServer {
 public:
  static Result<std::unique_ptr<TestServer>> Start(const std::vector<std::string>& args = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return server_->endpoint().port; }
  const fixtures::Endpoint& endpoint() const { return server_->endpoint(); }
  pid_t pid() const { return server_->pid(); }
  const std::string& ready_line() const { return server_->ready_line(); }

  // Sends signal, waits up to grace for the exit (then SIGKILL); returns how kv-server ended.
  fixtures::ExitStatus Stop(int signal, std::chrono::milliseconds grace);
  // Waits up to timeout for kv-server to exit by itself; nullopt if it still runs.
  std::optional<fixtures::ExitStatus> WaitExit(std::chrono::milliseconds timeout);
  // Everything kv-server wrote: stderr, and stdout (the ready line) as written.
  std::string Log() const { return server_->LogText(); }
  // Everything kv-server wrote to stdout (all of it once Stop or WaitExit returned).
  std::string Stdout() const { return server_->Stdout(); }
  // Resident memory in bytes (0 if unreadable).
  int64_t RssBytes() const;

 private:
  TestServer(std::unique_ptr<fixtures::ServerProcess> server, std::string log_path)
      : server_(std::move(server)), log_path_(std::move(log_path)) {}

  std::unique_ptr<fixtures::ServerProcess> server_;
  std::string log_path_;  // a temp file, removed with the server
  bool exit_collected_ = false;
};

// TestServer::Start, failing the current test (and returning nullptr) when it cannot start.
std::unique_ptr<TestServer> StartOrFail(const std::vector<std::string>& args = {});

// Runs KvServerBinary() with exactly args to its exit, stdout and stderr apart. Errors: it could
// not be started, or it was still running after timeout (then killed).
Result<fixtures::RunResult> RunKvServer(const std::vector<std::string>& args,
                                        std::chrono::milliseconds timeout);

// A client of the server at port on host, with 10 s connect and I/O timeouts.
Result<fixtures::Client> Connect(int port, const std::string& host = "127.0.0.1");
// A reply as text for assertions: "+OK", "-ERR ...", ":5", "$value", "$nil", "*3"; "<no reply>"
// when the call failed (I/O error: the connection is gone).
std::string Show(const Result<fixtures::Reply>& reply);

}  // namespace kv::test
