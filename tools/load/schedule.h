// The open loop's schedule: when request k falls due. Evenly spaced at the rate by default; with a
// tick (--tick), each request arrives at the end of the tick its even time falls in, so that the
// requests due within one tick arrive together and the client wakes once per tick instead of once
// per request. Latency is measured from this due time either way: a tick changes the arrival
// pattern (bursts of rate x tick requests), never what is charged to the server.
#pragma once

#include <cstdint>

namespace kv::load {

class OpenLoopSchedule {
 public:
  OpenLoopSchedule() = default;
  // rate: requests per second (> 0); tick_ns: 0 for even spacing.
  OpenLoopSchedule(int64_t start_ns, double rate, int64_t tick_ns);

  int64_t DueNs(int64_t k) const;

 private:
  int64_t start_ns_ = 0;
  double interval_ns_ = 0;
  int64_t tick_ns_ = 0;
};

}  // namespace kv::load
