// TestServer, RunKvServer and the client helpers of tests/support/test_server.h.
#include "tests/support/test_server.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "tests/support/io_backend_env.h"

#ifndef KV_SERVER_PATH
#error "KV_SERVER_PATH must name the kv-server binary"
#endif

namespace kv::test {

std::string KvServerBinary() { return KV_SERVER_PATH; }

fixtures::ServerOptions KvServerOptions(const std::vector<std::string>& args,
                                        const std::string& log_path) {
  fixtures::ServerOptions options;
  options.kind = fixtures::ServerKind::kKvServer;
  options.binary = KvServerBinary();
  options.log_path = log_path;
  options.extra_args = IoBackendArgs();
  options.extra_args.insert(options.extra_args.end(), args.begin(), args.end());
  options.start_timeout = std::chrono::seconds(30);
  options.missing_hint = "build the kv-server target";
  return options;
}

Result<std::unique_ptr<TestServer>> TestServer::Start(const std::vector<std::string>& args) {
  char log_path[] = "/tmp/kv-server-test-XXXXXX";
  const int fd = mkstemp(log_path);
  if (fd < 0) return Error{std::string("mkstemp: ") + std::strerror(errno)};
  close(fd);
  fixtures::ServerOptions options = KvServerOptions(args, log_path);
  options.ping_when_ready = false;
  auto server = fixtures::ServerProcess::Start(options);
  if (!server.ok()) {
    unlink(log_path);
    return Error{server.error()};
  }
  return std::unique_ptr<TestServer>(new TestServer(std::move(*server), log_path));
}

TestServer::~TestServer() {
  if (!exit_collected_) {
    const fixtures::ExitStatus exit = server_->Stop(std::chrono::seconds(5), SIGTERM);
    // A clean SIGTERM shutdown exits 0; anything else (a hang, a sanitizer report) fails the test.
    if (!exit.clean()) {
      ADD_FAILURE() << "kv-server " << exit.Describe() << " after SIGTERM; log:\n" << Log();
    }
  }
  server_.reset();
  unlink(log_path_.c_str());
}

fixtures::ExitStatus TestServer::Stop(int signal, std::chrono::milliseconds grace) {
  exit_collected_ = true;
  return server_->Stop(grace, signal);
}

std::optional<fixtures::ExitStatus> TestServer::WaitExit(std::chrono::milliseconds timeout) {
  std::optional<fixtures::ExitStatus> exit = server_->WaitExit(timeout);
  if (exit) exit_collected_ = true;
  return exit;
}

int64_t TestServer::RssBytes() const {
  auto stats = server_->Stats();
  return stats.ok() ? stats->rss_bytes : 0;
}

std::unique_ptr<TestServer> StartOrFail(const std::vector<std::string>& args) {
  auto server = TestServer::Start(args);
  if (!server) {
    ADD_FAILURE() << server.error();
    return nullptr;
  }
  return std::move(*server);
}

Result<fixtures::RunResult> RunKvServer(const std::vector<std::string>& args,
                                        std::chrono::milliseconds timeout) {
  fixtures::RunOptions options;
  options.argv = {KvServerBinary()};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.timeout = timeout;
  auto run = fixtures::RunToExit(options);
  if (!run.ok()) return Error{run.error()};
  if (run->timed_out) return Error{"kv-server did not exit; stderr:\n" + run->err};
  return run;
}

Result<fixtures::Client> Connect(int port, const std::string& host) {
  fixtures::ClientOptions options;
  options.connect_timeout = std::chrono::seconds(10);
  options.io_timeout = std::chrono::seconds(10);
  return fixtures::Client::Connect(fixtures::Endpoint{host, port}, options);
}

std::string Show(const Result<fixtures::Reply>& reply) {
  if (!reply.ok()) return "<no reply>";
  switch (reply->type) {
    case fixtures::Reply::Type::kStatus:
      return "+" + reply->str;
    case fixtures::Reply::Type::kError:
      return "-" + reply->str;
    case fixtures::Reply::Type::kInteger:
      return ":" + std::to_string(reply->integer);
    case fixtures::Reply::Type::kString:
      return "$" + reply->str;
    case fixtures::Reply::Type::kNil:
      return "$nil";
    case fixtures::Reply::Type::kArray:
      return "*" + std::to_string(reply->array_size);
  }
  return "?";
}

}  // namespace kv::test
