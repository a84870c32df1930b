// The command-side statistics INFO reports (stats, commandstats, errorstats): counters, per-command
// calls and time, error replies by their first word, and the samples behind
// instantaneous_ops_per_sec. CONFIG RESETSTAT zeroes them (Reset).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace kv::server {

// A cheap clock for the time spent in command handlers: the TSC on x86-64 (one instruction, no
// system call), elsewhere steady_clock nanoseconds. Ticks become microseconds through TickRate.
struct TickClock {
  static uint64_t Now() {
#if defined(__x86_64__)
    return __rdtsc();  // inline: it brackets every command
#else
    return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch() /
                                 std::chrono::nanoseconds(1));
#endif
  }
};

// The tick rate, measured between construction and the first call that needs it (at least 10 ms
// apart: the first INFO right after start-up waits for the rest).
class TickRate {
 public:
  TickRate();
  double MicrosPerTick();

 private:
  uint64_t origin_ticks_;
  std::chrono::steady_clock::time_point origin_;
  double micros_per_tick_ = 0;
};

// INFO commandstats: cmdstat_<name>:calls=,usec=,usec_per_call=,rejected_calls=,failed_calls=.
struct CommandCounters {
  uint64_t calls = 0;
  uint64_t ticks = 0;     // TickClock time spent in the handler
  uint64_t rejected = 0;  // refused before running: arity, NOAUTH, OOM
  uint64_t failed = 0;    // ran and replied an error
};

struct CommandStats {
  uint64_t total_commands_processed = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t rejected_calls = 0;            // errors before execution (unknown, arity, NOAUTH, OOM)
  uint64_t error_replies = 0;             // total_error_replies: every error reply
  std::vector<CommandCounters> commands;  // indexed like CommandTable::commands()
  std::map<std::string, uint64_t, std::less<>> errors;  // errorstats: "ERR", "WRONGTYPE" -> count
  uint64_t used_memory_peak = 0;

  // Zeroes every counter (CONFIG RESETSTAT).
  void Reset();
  // Counts an error reply ("-PREFIX text\r\n...") under its first word.
  void CountError(std::string_view reply);
  // Once per server tick (10 Hz): the samples of instantaneous_ops_per_sec and the memory peak.
  void Sample(int64_t now_ms, uint64_t used_memory);
  // Redis's instantaneous_ops_per_sec: the mean rate over the last 16 samples.
  uint64_t InstantaneousOps() const;

 private:
  static constexpr size_t kSamples = 16;
  std::array<uint64_t, kSamples> ops_per_sec_{};
  size_t next_sample_ = 0;
  int64_t last_sample_ms_ = 0;
  uint64_t last_sample_commands_ = 0;
};

// Accounts one request: Ran() counts the call and its time; going out of scope counts an error
// reply by its first word and, for a known command, as a failed call (after Ran) or a rejected
// one (before). Inline and cheap on the success path: two compares when the reply is no error.
class CallRecorder {
 public:
  // counters: the command's (nullptr for an unknown command).
  CallRecorder(CommandStats& stats, const std::string& out, CommandCounters* counters)
      : stats_(stats), out_(out), start_(out.size()), counters_(counters) {}
  ~CallRecorder() {
    if (out_.size() > start_ && out_[start_] == '-') [[unlikely]]
      CountError();
  }
  CallRecorder(const CallRecorder&) = delete;
  CallRecorder& operator=(const CallRecorder&) = delete;
  void Ran(uint64_t ticks) {
    ran_ = true;
    ++counters_->calls;
    counters_->ticks += ticks;
  }

 private:
  void CountError();

  CommandStats& stats_;
  const std::string& out_;
  size_t start_;
  CommandCounters* counters_;
  bool ran_ = false;
};

}  // namespace kv::server
