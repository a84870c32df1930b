// A tiny RESP server thread on 127.0.0.1 for kv-load's tests: PING -> +PONG, SET -> +OK,
// GET -> $-1, anything else -> an error. It can stall once (to test the open-loop latency
// correction) and drop one connection (to test lost-connection reporting).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include "base/result.h"

namespace kv::load {

class StubServer {
 public:
  struct Config {
    int64_t stall_after = -1;  // when the server has answered this many benchmark requests,
    int stall_ms = 0;          // it sleeps stall_ms before reading on (once)
    int64_t close_after = -1;  // closes the connection that sends request number close_after
  };

  static Result<std::unique_ptr<StubServer>> Start(const Config& config);
  ~StubServer();
  StubServer(const StubServer&) = delete;
  StubServer& operator=(const StubServer&) = delete;

  int port() const { return port_; }
  // Benchmark requests answered (SET/GET/other; PING and CONFIG excluded).
  int64_t requests() const { return requests_.load(); }

 private:
  StubServer() = default;
  void Loop();

  Config config_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: the destructor's stop signal
  int port_ = 0;
  std::atomic<int64_t> requests_{0};
  std::thread thread_;
};

}  // namespace kv::load
