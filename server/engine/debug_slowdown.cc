// DebugKnobs: the test knobs' busy waits and extra work, out of the command path's hot code.
#include "server/engine/debug_slowdown.h"

#include <chrono>

#include "base/ascii.h"

namespace kv::server {
namespace {

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void BusyWaitMicros(int64_t us) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  while (std::chrono::steady_clock::now() < until) {
  }
}

}  // namespace

bool SlowdownApplies(std::string_view command, std::string_view only) {
  return only.empty() || EqualsIgnoreCase(command, only);
}

void ExtraWork(int64_t iterations) {
  for (int64_t i = 0; i < iterations; ++i) {
    asm volatile("" : : : "memory");
  }
}

int64_t DebugKnobs::SlowdownDelayNs(const Config& config, std::string_view command,
                                    int64_t now_ns) {
  if (config.debug_slowdown_pct <= 0 || !SlowdownApplies(command, config.debug_slowdown_command)) {
    return 0;
  }
  return slowdown_.NextDelayNs(now_ns, config.debug_slowdown_pct);
}

void DebugKnobs::BeforeCommand(const Config& config, std::string_view command) {
  if (config.debug_command_delay_us > 0) BusyWaitMicros(config.debug_command_delay_us);
  if (config.debug_slowdown_pct > 0) {
    const int64_t now = MonotonicNs();
    const int64_t delay = SlowdownDelayNs(config, command, now);
    while (MonotonicNs() < now + delay) {
    }
  }
  if (config.debug_extra_work > 0) ExtraWork(config.debug_extra_work);
}

}  // namespace kv::server
