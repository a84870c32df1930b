// DebugSlowdown over synthetic clocks: the delay tracks pct % of the base per-command time.
#include "server/engine/debug_slowdown.h"

#include <gtest/gtest.h>

namespace kv::server {
namespace {

// Simulates a server whose commands arrive every base_ns of real work, each then delayed by what
// the knob returns. Returns the last delay.
int64_t Simulate(DebugSlowdown& s, int64_t base_ns, int64_t pct, int commands, int64_t* clock) {
  int64_t delay = 0;
  for (int i = 0; i < commands; ++i) {
    delay = s.NextDelayNs(*clock, pct);
    *clock += base_ns + delay;
  }
  return delay;
}

TEST(DebugSlowdownTest, OffReturnsZero) {
  DebugSlowdown s;
  int64_t clock = 1'000'000;
  EXPECT_EQ(Simulate(s, 10'000, 0, 1000, &clock), 0);
}

TEST(DebugSlowdownTest, DelayIsPctOfBaseCostNotOfDelayedCost) {
  DebugSlowdown s;
  int64_t clock = 1'000'000;
  // 33 us round trips (one client, no pipelining): 15 % is ~4.95 us, and it stays there even
  // though each gap now includes the injected delay.
  Simulate(s, 33'000, 15, 2000, &clock);
  EXPECT_EQ(Simulate(s, 33'000, 15, 2000, &clock), 4'950);
  // CPU-bound: 1.3 us per command.
  DebugSlowdown cpu;
  Simulate(cpu, 1'300, 15, 2000, &clock);
  EXPECT_EQ(Simulate(cpu, 1'300, 15, 2000, &clock), 195);
}

TEST(DebugSlowdownTest, IdleGapsAreIgnored) {
  DebugSlowdown s;
  int64_t clock = 1'000'000;
  Simulate(s, 10'000, 20, 1000, &clock);
  clock += 5'000'000'000;  // five idle seconds between cases
  EXPECT_EQ(Simulate(s, 10'000, 20, 1000, &clock), 2'000);
}

TEST(DebugSlowdownTest, FollowsAChangeOfLoad) {
  DebugSlowdown s;
  int64_t clock = 1'000'000;
  Simulate(s, 40'000, 10, 1000, &clock);
  EXPECT_EQ(Simulate(s, 2'000, 10, 1000, &clock), 200);
}

}  // namespace
}  // namespace kv::server
