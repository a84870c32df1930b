// Connection I/O and request batches.
#include "server/net/connection.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "resp/reply_writer.h"
#include "server/net/completion_loop.h"
#include "server/net/readiness_loop.h"

namespace kv::server {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kMaxReadChunk = 4 * 1024 * 1024;
// Output buffers larger than this are freed once written, so one big reply does not pin memory.
constexpr size_t kKeepOutputCapacity = 1024 * 1024;
constexpr size_t kKeepInputCapacity = 64 * 1024;

}  // namespace

Connection::Connection(UniqueFd fd, ConnectionLoop* owner) : fd_(std::move(fd)), owner_(owner) {
  session_.fd = fd_.get();
}

// Only a readiness backend reports readiness for a connection (it is never watched under a
// completion backend), and only a completion backend reports completions: the event's kind says
// which driver owns it.
void Connection::OnIo(uint32_t events) {
  static_cast<ReadinessLoop*>(owner_)->OnClientIo(this, events);
}
void Connection::OnRecv(std::string_view data, bool more) {
  static_cast<CompletionLoop*>(owner_)->OnClientRecv(this, data, more);
}
void Connection::OnRecvEnd(int result) {
  static_cast<CompletionLoop*>(owner_)->OnClientRecvEnd(this, result);
}
void Connection::OnSendDone(int result) {
  static_cast<CompletionLoop*>(owner_)->OnClientSendDone(this, result);
}

void Connection::AppendInput(std::string_view data) {
  std::memcpy(in_.Prepare(data.size()), data.data(), data.size());
  in_.Commit(data.size());
}

std::string_view Connection::NextSend() {
  if (sending_pos_ < sending_.size()) {
    return std::string_view(sending_).substr(sending_pos_);
  }
  if (out_.size() == out_pos_) return {};
  // The in-flight buffer is fully sent: swap, keeping both capacities for the next replies.
  sending_.swap(out_);
  sending_pos_ = out_pos_;
  out_.clear();
  out_pos_ = 0;
  return std::string_view(sending_).substr(sending_pos_);
}

void Connection::SendDone(size_t n) {
  sending_pos_ += n;
  if (sending_pos_ < sending_.size()) {
    NoteUnsent();
    return;
  }
  sending_.clear();
  sending_pos_ = 0;
  if (sending_.capacity() > kKeepOutputCapacity) std::string().swap(sending_);
  NoteUnsent();
}

Connection::PushResult Connection::Push(std::string_view bytes, const OutputBufferLimit& limit) {
  std::lock_guard<std::mutex> guard(push_mu_);
  if (cut_off_) return PushResult::kDropped;
  pushed_.append(bytes);
  // Redis's checkClientOutputBufferLimits, on everything unsent.
  const auto used = static_cast<int64_t>(pushed_.size() + unsent_.load(std::memory_order_relaxed));
  if (OutputLimitCheck::Enabled(limit) &&
      output_limit_.Exceeded(limit, used, OutputLimitCheck::NowSeconds())) {
    cut_off_ = true;
    std::string().swap(pushed_);
    return PushResult::kCutOff;
  }
  if (push_listed_) return PushResult::kQueued;
  push_listed_ = true;
  return PushResult::kFirst;
}

void Connection::TakePushed() {
  std::lock_guard<std::mutex> guard(push_mu_);
  push_listed_ = false;
  if (pushed_.empty()) return;
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
    out_.swap(pushed_);
  } else {
    out_.append(pushed_);
  }
  pushed_.clear();
  if (pushed_.capacity() > kKeepOutputCapacity) std::string().swap(pushed_);
  NoteUnsent();
}

Connection::IoStatus Connection::Read(size_t* bytes) {
  *bytes = 0;
  // A large pending bulk is read in one go, but memory is only reserved up to kMaxReadChunk
  // ahead of the data that actually arrived: announcing a 512 MB argument costs nothing.
  size_t want = std::clamp(parser_.min_bytes_needed(), kReadChunk, kMaxReadChunk);
  char* dst = in_.Prepare(want);
  while (true) {
    ssize_t n = ::recv(fd_.get(), dst, want, 0);
    if (n > 0) {
      in_.Commit(static_cast<size_t>(n));
      *bytes = static_cast<size_t>(n);
      return IoStatus::kOk;
    }
    if (n == 0) return IoStatus::kEof;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus::kAgain;
    return IoStatus::kError;  // ECONNRESET and friends
  }
}

Connection::IoStatus Connection::Write(size_t* bytes) {
  *bytes = 0;
  while (out_pos_ < out_.size()) {
    ssize_t n = ::send(fd_.get(), out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
    if (n > 0) {
      out_pos_ += static_cast<size_t>(n);
      *bytes += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      NoteUnsent();
      return IoStatus::kAgain;
    }
    return IoStatus::kError;  // EPIPE, ECONNRESET
  }
  out_.clear();
  out_pos_ = 0;
  if (out_.capacity() > kKeepOutputCapacity) std::string().swap(out_);
  unsent_.store(0, std::memory_order_relaxed);  // everything written
  return IoStatus::kOk;
}

void Connection::UpdateLimits(const Config& config) {
  bool pre_auth = !session_.authenticated && !config.requirepass.empty();
  resp::ParserLimits limits = parser_.limits();
  if (pre_auth) {
    limits.max_multibulk_len = kPreAuthMaxArgs;
    limits.max_bulk_len = kPreAuthMaxBulk;
  } else {
    limits.max_multibulk_len = resp::ParserLimits{}.max_multibulk_len;
    limits.max_bulk_len = config.proto_max_bulk_len;
  }
  // Redis 7 words pre-auth violations as "unauthenticated multibulk length" / "... bulk length".
  limits.unauthenticated = pre_auth;
  pre_auth_ = pre_auth;
  if (limits.max_multibulk_len != parser_.limits().max_multibulk_len ||
      limits.max_bulk_len != parser_.limits().max_bulk_len ||
      limits.unauthenticated != parser_.limits().unauthenticated) {
    parser_.set_limits(limits);
  }
}

Connection::BatchEnd Connection::RunBatch(Dispatcher& dispatcher, const Config& config,
                                          int64_t now_ms, const std::atomic<bool>& stop) {
  dispatcher.SetTime(now_ms);
  session_.last_interaction_ms = now_ms;
  last_active_ms_ = now_ms;
  // Cheap when nothing changed; picks up AUTH, CONFIG SET requirepass / proto-max-bulk-len.
  UpdateLimits(config);
  // Messages for this client published before these requests go before their replies, and so
  // does the reply that ended its wait (the engine may end it before this loop hears of it).
  if (receives_pushes() || waited_) {
    TakePushed();
    waited_ = session_.blocked;
  }
  // Blocked (BLPOP...): later requests wait in the query buffer until the engine ends the wait.
  if (session_.blocked) {
    session_.query_buffer_bytes = in_.size();
    return in_.size() <= QueryBufferLimit(config) ? BatchEnd::kDone : BatchEnd::kQueryBufferFull;
  }
  if (out_pos_ > 0) {
    out_.erase(0, out_pos_);
    out_pos_ = 0;
  }
  input_stalled_ = false;
  size_t prefetched = 0;  // requests ahead whose keys Prefetch has already asked the CPU for
  while (!in_.empty()) {
    if (out_.size() + (sending_.size() - sending_pos_) >= kOutputLimit) {
      input_stalled_ = true;
      break;
    }
    if (stop.load(std::memory_order_relaxed)) break;
    size_t consumed = 0;
    if (!ParseNext(&consumed)) break;
    // More requests behind this one (a pipeline): start their keys' cache misses together.
    if (prefetched > 0) --prefetched;
    if (prefetched == 0 && in_.size() > consumed) {
      prefetched = dispatcher.Prefetch(session_, in_.view().substr(consumed));
    }
    if (!parser_.args().empty()) dispatcher.Execute(session_, parser_.args(), &out_);
    in_.Consume(consumed);
    if (session_.close_now || session_.close_after_reply) {
      state_.StopInput();
      break;
    }
    if (session_.blocked) [[unlikely]] {
      waited_ = true;
      break;
    }
    if (pre_auth_ && session_.authenticated) UpdateLimits(config);
  }
  if (in_.capacity() > kKeepInputCapacity) in_.ReleaseIfEmpty();
  session_.query_buffer_bytes = in_.size();
  const size_t output = pending_output();
  session_.output_buffer_bytes = output;
  // Only a client others push to needs its unsent bytes published (for their limit check).
  if (receives_pushes()) unsent_.store(output, std::memory_order_relaxed);
  const size_t limit = QueryBufferLimit(config);
  // One branch for both limits on the request path: the query buffer's, and the output's once
  // the output holds more than what OutputLimitCheck leaves uncounted (small replies never pay
  // for it). A soft limit's clock left running while the output drained is stopped by the
  // loop's tick (within a second).
  if ((in_.size() > limit) | (output > static_cast<size_t>(OutputLimitCheck::kUncountedBytes)))
      [[unlikely]] {
    return CheckLimits(config, limit);
  }
  return BatchEnd::kDone;
}

Connection::BatchEnd Connection::CheckLimits(const Config& config, size_t query_limit) {
  if (in_.size() > query_limit) return BatchEnd::kQueryBufferFull;
  if (OutputLimitExceeded(config, OutputLimitCheck::NowSeconds())) {
    return BatchEnd::kOutputBufferFull;
  }
  return BatchEnd::kDone;
}

bool Connection::OutputLimitExceeded(const Config& config, int64_t now_s) {
  size_t used = pending_output();
  if (receives_pushes()) {
    std::lock_guard<std::mutex> guard(push_mu_);
    used += pushed_.size();
  }
  return output_limit_.Exceeded(OutputLimitClass(config), static_cast<int64_t>(used), now_s);
}

bool Connection::ParseStopped(resp::ParseResult r) {
  if (r == resp::ParseResult::kNeedMore) return false;
  if (r == resp::ParseResult::kError) {
    // Through the writer: an error quoting a CR or LF byte must not break the reply stream.
    resp::ReplyWriter(&out_).Error(parser_.error());
    state_.StopInput();
    in_.Clear();
    parser_.Reset();
    return false;
  }
  return true;
}

void Connection::RunBusyBatch(BusyResponder& responder) {
  input_stalled_ = false;
  while (!in_.empty()) {
    if (pending_output() >= kOutputLimit) {
      input_stalled_ = true;
      break;
    }
    size_t consumed = 0;
    if (!ParseNext(&consumed)) break;
    if (!parser_.args().empty()) responder.Respond(parser_.args(), session_.protocol, &out_);
    in_.Consume(consumed);
  }
}

}  // namespace kv::server
