// Connection: one client socket with its session, query buffer, RESP parser and output buffers.
// It knows how to read (or take received data), run a batch of requests and write (or hand out
// the next send); ConnectionLoop decides when.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "base/unique_fd.h"
#include "resp/request_parser.h"
#include "server/api/dispatcher.h"
#include "server/api/server_control.h"
#include "server/api/session.h"
#include "server/config/config.h"
#include "server/net/connection_buffer.h"
#include "server/net/connection_state.h"
#include "server/net/event_loop.h"
#include "server/net/output_limit.h"

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
  void OnRecv(std::string_view data, bool more) override;
  void OnRecvEnd(int result) override;
  void OnSendDone(int result) override;

  enum class IoStatus { kOk, kAgain, kEof, kError };
  // Reads once (16 KB, or what a large pending bulk needs) into the query buffer.
  IoStatus Read(size_t* bytes);
  // Writes pending output until done or the socket is full. kOk: all written; kAgain: some left.
  IoStatus Write(size_t* bytes);

  // Completion backends. Appends received bytes to the query buffer.
  void AppendInput(std::string_view data);
  // The bytes to send next: the unsent rest of the buffer in flight, else the queued replies
  // (swapped into the in-flight buffer, so replies produced meanwhile queue behind them). Empty
  // when there is nothing to send. The view stays valid until SendDone.
  std::string_view NextSend();
  // n bytes of the in-flight buffer were sent.
  void SendDone(size_t n);
  // Whether part of the in-flight buffer is still unsent (after a short send): it goes first.
  bool partly_sent() const { return sending_pos_ < sending_.size(); }

  // How a batch ended.
  enum class BatchEnd {
    kDone,              // the requests ran (or wait while blocked); their replies are in the output
    kQueryBufferFull,   // the query buffer passed its limit: the caller closes the connection
    kOutputBufferFull,  // unsent output passed client-output-buffer-limit: the caller closes it
  };
  // Runs the complete requests in the query buffer, appending replies to the output buffer. Stops
  // early when output reaches kOutputLimit (input_stalled() tells), at a protocol error or a
  // close request, or when stop becomes true. Requires the server lock. The output limit of the
  // client's class is checked once per batch, after its replies (one reply can pass it alone).
  BatchEnd RunBatch(Dispatcher& dispatcher, const Config& config, int64_t now_ms,
                    const std::atomic<bool>& stop);
  // Whether the unsent output (pushes included) is past client-output-buffer-limit's class for
  // this client at now_s: pubsub for subscribers and monitors, normal for the others. Requires the
  // server lock; on the owner loop's thread. Only the soft limit's clock can change the answer
  // without new output: the owner loop's tick asks again for clients at or above a soft limit.
  bool OutputLimitExceeded(const Config& config, int64_t now_s);
  // Whether the soft output limit's clock runs (unsent output was at or above it when last
  // checked). Requires the server lock.
  bool output_soft_limit_reached() const { return output_limit_.soft_reached(); }
  // The output limit class that applies to this client.
  const OutputBufferLimit& OutputLimitClass(const Config& config) const {
    return receives_pushes() ? config.client_output_buffer_limit.pubsub
                             : config.client_output_buffer_limit.normal;
  }

  // While a script is busy: answers the complete requests in the query buffer with responder
  // instead of running them (no server lock needed; the session is only read).
  void RunBusyBatch(BusyResponder& responder);
  // Applies pre-auth or normal parser limits; requires the server lock.
  void UpdateLimits(const Config& config);

  // Out-of-band output produced by other clients' commands (pub/sub messages, MONITOR lines).
  // Push queues bytes from any loop (server lock held); the owner loop moves them into the output
  // (TakePushed), and so does RunBatch before it runs requests, so they stay in order with the
  // connection's own replies. Push checks limit against everything unsent: past it the
  // connection is cut off (its queue freed, later pushes dropped) and its loop must close it.
  enum class PushResult {
    kQueued,   // queued behind earlier pushes the owner loop already knows of
    kFirst,    // queued; the owner loop must be told (TakePushed resets this)
    kCutOff,   // this push passed the limit: the connection is now cut off
    kDropped,  // already cut off
  };
  PushResult Push(std::string_view bytes, const OutputBufferLimit& limit);
  // Owner loop: appends the pushed bytes to the output.
  void TakePushed();
  // Owner loop: whether Push cut the connection off.
  bool cut_off() {
    std::lock_guard<std::mutex> guard(push_mu_);
    return cut_off_;
  }

  int fd() const { return fd_.get(); }
  ConnectionLoop* owner() const { return owner_; }
  Session& session() { return session_; }
  // Replies not yet written: queued plus (completion backends) in flight.
  size_t pending_output() const { return out_.size() - out_pos_ + sending_.size() - sending_pos_; }
  bool input_stalled() const { return input_stalled_; }
  size_t query_buffer_size() const { return in_.size(); }

  // The phase (open, closing, closed) and the I/O model's per-connection state, owned by the loop.
  ConnectionState& state() { return state_; }
  const ConnectionState& state() const { return state_; }
  ReadinessIo& readiness() { return readiness_; }
  CompletionIo& completion() { return completion_; }

  // CLIENT KILL from any loop; guarded by the server lock. A killed client runs no more requests
  // even if its loop has not yet seen the kill.
  void MarkKilled() { killed_ = true; }
  bool killed() const { return killed_; }

  // Wall clock of the last batch (or of the accept), for --timeout.
  int64_t last_active_ms() const { return last_active_ms_; }
  void set_last_active_ms(int64_t ms) { last_active_ms_ = ms; }

 private:
  // Parses the next request of the query buffer into parser_: false when it is incomplete, or
  // malformed (then answered with the error, and input stopped).
  bool ParseNext(size_t* consumed) {
    const resp::ParseResult r = parser_.Parse(in_.view(), consumed);
    if (r == resp::ParseResult::kComplete) [[likely]]
      return true;
    return ParseStopped(r);  // inline: this runs once per request
  }
  // ParseNext's other outcomes: kNeedMore (false), or a protocol error answered and input stopped.
  bool ParseStopped(resp::ParseResult r);
  // RunBatch's end when the query buffer or the output may be past its limit (out of line).
  BatchEnd CheckLimits(const Config& config, size_t query_limit);
  // The query buffer's limit now (before AUTH, the pre-auth one; AUTH in a batch changes it).
  size_t QueryBufferLimit(const Config& config) const {
    return pre_auth_ ? kPreAuthQueryBufferLimit
                     : static_cast<size_t>(config.client_query_buffer_limit);
  }

  UniqueFd fd_;
  ConnectionLoop* owner_;
  Session session_;
  InputBuffer in_;
  resp::RequestParser parser_;
  std::string out_;
  size_t out_pos_ = 0;
  std::string sending_;  // completion backends: the buffer of the send in flight
  size_t sending_pos_ = 0;
  bool pre_auth_ = false;
  bool input_stalled_ = false;
  ConnectionState state_;
  ReadinessIo readiness_;
  CompletionIo completion_;
  bool killed_ = false;
  int64_t last_active_ms_ = 0;
  // Pushes (see Push). unsent_ is pending_output() as of the owner's last change, for the limit.
  std::mutex push_mu_;
  std::string pushed_;             // guarded by push_mu_
  bool push_listed_ = false;       // guarded by push_mu_: the owner loop was told of pushed_
  bool cut_off_ = false;           // guarded by push_mu_
  bool waited_ = false;            // blocked at the last batch: its wait's reply comes as a push
  OutputLimitCheck output_limit_;  // guarded by the server lock
  std::atomic<size_t> unsent_{0};
  void NoteUnsent() { unsent_.store(pending_output(), std::memory_order_relaxed); }
  // Whether other clients' commands push to this one (a subscriber or a MONITOR).
  bool receives_pushes() const { return session_.receives_pushes(); }
};

}  // namespace kv::server
