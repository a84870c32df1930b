// DebugSlowdown over synthetic clocks: the delay tracks pct % of the base per-command time; the
// knobs' switch (DebugKnobs::Active) and the one-command restriction.
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

TEST(DebugSlowdownTest, AppliesToOneCommandCaseInsensitively) {
  EXPECT_TRUE(SlowdownApplies("GET", ""));
  EXPECT_TRUE(SlowdownApplies("INCR", "incr"));
  EXPECT_TRUE(SlowdownApplies("iNcR", "incr"));
  EXPECT_FALSE(SlowdownApplies("INCRBY", "incr"));
  EXPECT_FALSE(SlowdownApplies("INC", "incr"));
  EXPECT_FALSE(SlowdownApplies("GET", "incr"));
}

TEST(DebugKnobsTest, ActiveWhenAnyKnobIsOn) {
  Config config;
  EXPECT_FALSE(DebugKnobs::Active(config));
  config.debug_slowdown_command = "incr";  // alone it does nothing
  EXPECT_FALSE(DebugKnobs::Active(config));
  for (int64_t Config::*knob :
       {&Config::debug_command_delay_us, &Config::debug_slowdown_pct, &Config::debug_extra_work}) {
    Config c;
    c.*knob = 1;
    EXPECT_TRUE(DebugKnobs::Active(c));
  }
}

// Restricted to INCR: other commands get no delay and do not count in the average, so INCR's
// delay is pct % of the time between INCRs.
TEST(DebugKnobsTest, SlowdownRestrictedToOneCommand) {
  Config config;
  config.debug_slowdown_pct = 15;
  config.debug_slowdown_command = "incr";
  DebugKnobs knobs;
  int64_t clock = 1'000'000;
  int64_t incr_delay = 0;
  for (int i = 0; i < 4000; ++i) {
    EXPECT_EQ(knobs.SlowdownDelayNs(config, "GET", clock), 0);
    clock += 10'000;
    incr_delay = knobs.SlowdownDelayNs(config, "INCR", clock);
    clock += 10'000 + incr_delay;
  }
  EXPECT_EQ(incr_delay, 3'000);  // 15 % of the 20 us from one INCR to the next
  config.debug_slowdown_pct = 0;
  EXPECT_EQ(knobs.SlowdownDelayNs(config, "INCR", clock), 0);
  // Unrestricted: every command.
  config.debug_slowdown_pct = 15;
  config.debug_slowdown_command.clear();
  DebugKnobs all;
  int64_t get_delay = 0;
  for (int i = 0; i < 4000; ++i) {
    get_delay = all.SlowdownDelayNs(config, "GET", clock);
    clock += 10'000 + get_delay;
  }
  EXPECT_EQ(get_delay, 1'500);
}

}  // namespace
}  // namespace kv::server
