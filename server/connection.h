// Connection: one client socket with its session, query buffer, RESP parser and output buffer.
// It knows how to read, run a batch of requests and write; ConnectionLoop decides when.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "resp/request_parser.h"
#include "server/command_processor.h"
#include "server/config.h"
#include "server/connection_buffer.h"
#include "server/event_loop.h"
#include "server/event_loop_fd.h"
#include "server/session.h"

namespace kv::server {

class ConnectionLoop;

// Pending output at which a connection stops running requests and stops reading: a client that
// does not read its replies costs at most this plus one reply.
inline constexpr size_t kOutputLimit = 64 * 1024;
// Redis 7 limits before AUTH succeeds (when requirepass is set).
inline constexpr int64_t kPreAuthMaxArgs = 10;
inline constexpr int64_t kPreAuthMaxBulk = 16384;
inline constexpr size_t kPreAuthQueryBufferLimit = 1024 * 1024;

class Connection final : public IoHandler {
 public:
  Connection(UniqueFd fd, ConnectionLoop* owner);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void OnIo(uint32_t events) override;

  enum class IoStatus { kOk, kAgain, kEof, kError };
  // Reads once (16 KB, or what a large pending bulk needs) into the query buffer.
  IoStatus Read(size_t* bytes);
  // Writes pending output until done or the socket is full. kOk: all written; kAgain: some left.
  IoStatus Write(size_t* bytes);

  // Runs the complete requests in the query buffer, appending replies to the output buffer. Stops
  // early when output reaches kOutputLimit (input_stalled() tells), at a protocol error or a
  // close request, or when stop becomes true. Requires the server lock. Returns false when the
  // query buffer exceeds its limit (the caller closes the connection).
  bool RunBatch(CommandProcessor& processor, const Config& config, int64_t now_ms,
                const std::atomic<bool>& stop);

  // Applies pre-auth or normal parser limits; requires the server lock.
  void UpdateLimits(const Config& config);

  int fd() const { return fd_.get(); }
  ConnectionLoop* owner() const { return owner_; }
  Session& session() { return session_; }
  size_t pending_output() const { return out_.size() - out_pos_; }
  bool input_stalled() const { return input_stalled_; }
  size_t query_buffer_size() const { return in_.size(); }

  // Set by CLIENT KILL from any loop; guarded by the server lock. A killed client runs no more
  // requests even if its loop has not yet seen the kill.
  bool killed = false;
  // Lifecycle flags, owned by the loop thread.
  bool closing = false;        // no more input: close once the output is written
  uint32_t interest = 0;       // what the poller watches now
  int64_t last_active_ms = 0;  // wall clock of the last batch, for --timeout

 private:
  UniqueFd fd_;
  ConnectionLoop* owner_;
  Session session_;
  InputBuffer in_;
  resp::RequestParser parser_;
  std::string out_;
  size_t out_pos_ = 0;
  bool pre_auth_ = false;
  bool input_stalled_ = false;
};

}  // namespace kv::server
