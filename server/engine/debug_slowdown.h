// The gates' test knobs. DebugSlowdown (--debug-slowdown-pct, optionally for one command only):
// a command costs P % more wall time than the server currently spends per command, so that a
// case's throughput drops by about P % whether it is bound by round trips (one client, no
// pipelining) or by server CPU. --debug-extra-work N: N loop iterations of user-space work per
// command, a deterministic instruction count. DebugKnobs applies them all.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/config/config.h"

namespace kv::server {

// Per command: the base cost is the time since the previous command minus the delay injected
// there, averaged over a window; the delay is pct % of that average. Gaps longer than kIdleGapNs
// are idle time (between benchmark cases, say) and are left out, so a pause never produces a
// huge delay afterwards. Pure logic over caller-supplied timestamps, so it is testable.
class DebugSlowdown {
 public:
  static constexpr int64_t kIdleGapNs = 2'000'000;  // 2 ms
  static constexpr int64_t kWindowCommands = 256;

  // Returns the delay in ns to inject for a command that starts at now_ns (monotonic), given
  // pct (0 = off). The caller busy-waits that long and reports nothing back: the next call
  // subtracts the delay it returned from the gap.
  int64_t NextDelayNs(int64_t now_ns, int64_t pct) {
    if (pct <= 0) return 0;
    if (last_ns_ != 0) {
      const int64_t gap = now_ns - last_ns_ - last_delay_ns_;
      if (gap > 0 && gap < kIdleGapNs) {
        window_ns_ += gap;
        ++window_commands_;
      }
    }
    if (window_commands_ >= kWindowCommands) {
      delay_ns_ = window_ns_ / window_commands_ * pct / 100;
      window_ns_ = 0;
      window_commands_ = 0;
    }
    last_ns_ = now_ns;
    last_delay_ns_ = delay_ns_;
    return delay_ns_;
  }

 private:
  int64_t last_ns_ = 0;
  int64_t last_delay_ns_ = 0;
  int64_t window_ns_ = 0;
  int64_t window_commands_ = 0;
  int64_t delay_ns_ = 0;
};

// Whether --debug-slowdown-pct applies to `command` (args[0]) under --debug-slowdown-command
// `only` (empty: every command; otherwise case-insensitive equality).
bool SlowdownApplies(std::string_view command, std::string_view only);

// Runs `iterations` iterations of an empty loop the compiler must keep (an asm barrier in each):
// about 3 user-space instructions per iteration, the same on every run.
void ExtraWork(int64_t iterations);

// The per-command debug knobs of Config together. Off, they cost the caller one test and branch
// (Active); on, BeforeCommand busy-waits and loops as configured.
class DebugKnobs {
 public:
  static bool Active(const Config& c) {
    return (c.debug_command_delay_us | c.debug_slowdown_pct | c.debug_extra_work) != 0;
  }

  // Applies every knob that is on, for a command named `command`, before it runs.
  void BeforeCommand(const Config& config, std::string_view command);

  // The --debug-slowdown-pct delay for `command` starting at now_ns (0 when it does not apply,
  // and then the command does not enter the slowdown's running average either).
  int64_t SlowdownDelayNs(const Config& config, std::string_view command, int64_t now_ns);

 private:
  DebugSlowdown slowdown_;
};

}  // namespace kv::server
