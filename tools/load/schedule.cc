// The open loop's due times (see schedule.h).
#include "tools/load/schedule.h"

namespace kv::load {

OpenLoopSchedule::OpenLoopSchedule(int64_t start_ns, double rate, int64_t tick_ns)
    : start_ns_(start_ns), interval_ns_(1e9 / rate), tick_ns_(tick_ns) {}

int64_t OpenLoopSchedule::DueNs(int64_t k) const {
  const auto even = static_cast<int64_t>(static_cast<double>(k) * interval_ns_);
  if (tick_ns_ <= 0) return start_ns_ + even;
  // The end of the tick [j * tick, (j + 1) * tick) that holds the even time; the start itself is
  // tick 0's end only for request 0, which is due at once.
  const int64_t ticks = (even + tick_ns_ - 1) / tick_ns_;
  return start_ns_ + ticks * tick_ns_;
}

}  // namespace kv::load
