// OutputLimitCheck: Redis's checkClientOutputBufferLimits for one client. The hard limit closes
// the client at once; the soft limit once its output has stayed at or above it for more than the
// class's soft seconds. The caller passes the clock (monotonic seconds), so tests need no waiting.
// As in Redis, whose 16 KB static reply buffer is not counted (only the reply list beyond it), the
// first kUncountedBytes of unsent output do not count: a small reply never costs a check.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>

#include "server/config/config.h"

namespace kv::server {

class OutputLimitCheck {
 public:
  static constexpr int64_t kUncountedBytes = 16 * 1024;  // Redis's PROTO_REPLY_CHUNK_BYTES

  // Whether a client with `unsent` bytes of output at now_s is past limit and must be closed.
  // Remembers when the soft limit was first reached; output below it forgets that.
  bool Exceeded(const OutputBufferLimit& limit, int64_t unsent, int64_t now_s) {
    const int64_t used = unsent > kUncountedBytes ? unsent - kUncountedBytes : 0;
    const bool hard = limit.hard_bytes > 0 && used >= limit.hard_bytes;
    bool soft = limit.soft_bytes > 0 && used >= limit.soft_bytes;
    if (soft) {
      if (!soft_since_s_) {
        soft_since_s_ = now_s;  // first time: the clock starts now
        soft = false;
      } else {
        soft = now_s - *soft_since_s_ > limit.soft_seconds;
      }
    } else {
      soft_since_s_.reset();
    }
    return hard || soft;
  }
  // Whether the soft limit's clock is running (output at or above it at the last check).
  bool soft_reached() const { return soft_since_s_.has_value(); }

  // Whether limit limits anything (both parts 0: Redis's default for normal clients).
  static bool Enabled(const OutputBufferLimit& limit) {
    return limit.hard_bytes > 0 || limit.soft_bytes > 0;
  }
  // The clock Exceeded is given in the server: coarse monotonic seconds.
  static int64_t NowSeconds() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return static_cast<int64_t>(ts.tv_sec);
  }

 private:
  std::optional<int64_t> soft_since_s_;
};

}  // namespace kv::server
