// CommandStats, CallRecorder and the tick clock behind INFO's stats, commandstats and errorstats.
#include "server/engine/command_stats.h"

#include <algorithm>
#include <chrono>
#include <thread>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace kv::server {
namespace {

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

constexpr int64_t kMinCalibrationNs = 10'000'000;

}  // namespace

uint64_t TickClock::Now() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<uint64_t>(SteadyNs());
#endif
}

TickRate::TickRate() : origin_ticks_(TickClock::Now()), origin_ns_(SteadyNs()) {}

double TickRate::MicrosPerTick() {
  if (micros_per_tick_ > 0) return micros_per_tick_;
  int64_t elapsed_ns = SteadyNs() - origin_ns_;
  if (elapsed_ns < kMinCalibrationNs) {
    std::this_thread::sleep_for(std::chrono::nanoseconds(kMinCalibrationNs - elapsed_ns));
    elapsed_ns = SteadyNs() - origin_ns_;
  }
  const uint64_t ticks = TickClock::Now() - origin_ticks_;
  micros_per_tick_ = ticks == 0 ? 0.001 : static_cast<double>(elapsed_ns) / 1000.0 / ticks;
  return micros_per_tick_;
}

void CommandStats::Reset() {
  const size_t n = commands.size();
  *this = CommandStats{};  // the memory peak too, as Redis's resetServerStats
  commands.resize(n);
}

void CommandStats::CountError(std::string_view reply) {
  ++error_replies;
  reply.remove_prefix(1);  // '-'
  const size_t end = reply.find_first_of(" \r");
  const std::string_view prefix = reply.substr(0, std::min(end, reply.size()));
  auto it = errors.find(prefix);
  if (it == errors.end()) it = errors.emplace(std::string(prefix), 0).first;
  ++it->second;
}

void CommandStats::Sample(int64_t now_ms, uint64_t used_memory) {
  used_memory_peak = std::max(used_memory_peak, used_memory);
  if (last_sample_ms_ > 0 && now_ms > last_sample_ms_) {
    const uint64_t ops = total_commands_processed - last_sample_commands_;
    ops_per_sec_[next_sample_] = ops * 1000 / static_cast<uint64_t>(now_ms - last_sample_ms_);
    next_sample_ = (next_sample_ + 1) % kSamples;
  }
  last_sample_ms_ = now_ms;
  last_sample_commands_ = total_commands_processed;
}

uint64_t CommandStats::InstantaneousOps() const {
  uint64_t sum = 0;
  for (uint64_t s : ops_per_sec_) sum += s;
  return sum / kSamples;
}

CallRecorder::~CallRecorder() {
  const bool error = out_.size() > start_ && out_[start_] == '-';
  if (error) [[unlikely]]
    stats_.CountError(std::string_view(out_).substr(start_));
  if (index_ < 0) return;
  if (static_cast<size_t>(index_) >= stats_.commands.size()) [[unlikely]]
    stats_.commands.resize(static_cast<size_t>(index_) + 1);
  CommandCounters& c = stats_.commands[static_cast<size_t>(index_)];
  if (!ran_) {
    c.rejected += error;
    return;
  }
  ++c.calls;
  c.ticks += ticks_;
  c.failed += error;
}

}  // namespace kv::server
