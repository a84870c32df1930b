// CommandStats, CallRecorder and the tick clock behind INFO's stats, commandstats and errorstats.
#include "server/engine/command_stats.h"

#include <algorithm>
#include <chrono>
#include <thread>


namespace kv::server {

using SteadyClock = std::chrono::steady_clock;

TickRate::TickRate() : origin_ticks_(TickClock::Now()), origin_(SteadyClock::now()) {}

double TickRate::MicrosPerTick() {
  if (micros_per_tick_ > 0) return micros_per_tick_;
  constexpr auto kMinCalibration = std::chrono::milliseconds(10);
  std::this_thread::sleep_until(origin_ + kMinCalibration);  // returns at once when later
  const std::chrono::duration<double, std::micro> elapsed = SteadyClock::now() - origin_;
  const uint64_t ticks = TickClock::Now() - origin_ticks_;
  micros_per_tick_ = ticks == 0 ? 0.001 : elapsed.count() / static_cast<double>(ticks);
  return micros_per_tick_;
}

void CommandStats::Reset() {
  // The per-command counters are zeroed in place: the command running CONFIG RESETSTAT holds a
  // pointer to its own (CallRecorder), so the vector must keep its buffer.
  std::vector<CommandCounters> kept = std::move(commands);
  *this = CommandStats{};  // the memory peak too, as Redis's resetServerStats
  std::fill(kept.begin(), kept.end(), CommandCounters{});
  commands = std::move(kept);
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

void CallRecorder::CountError() {
  stats_.CountError(std::string_view(out_).substr(start_));
  if (counters_ == nullptr) return;
  if (ran_) {
    ++counters_->failed;
  } else {
    ++counters_->rejected;
  }
}

}  // namespace kv::server
