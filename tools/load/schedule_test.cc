// The open loop's schedule: even spacing, and with a tick every request due at the end of the
// tick its even time falls in (never before its even time, less than a tick after it).
#include "tools/load/schedule.h"

#include <gtest/gtest.h>

#include <map>

namespace kv::load {
namespace {

TEST(OpenLoopScheduleTest, EvenlySpacedWithoutATick) {
  const OpenLoopSchedule s(1'000, 4'000, 0);  // 250 us apart
  EXPECT_EQ(s.DueNs(0), 1'000);
  EXPECT_EQ(s.DueNs(1), 251'000);
  EXPECT_EQ(s.DueNs(4'000), 1'000'001'000);
}

TEST(OpenLoopScheduleTest, ATickGroupsTheRequestsDueWithinIt) {
  constexpr int64_t kStart = 7;
  constexpr int64_t kTick = 100'000;                    // 100 us
  const OpenLoopSchedule even(kStart, 200'000, 0);      // 5 us apart: 20 per tick
  const OpenLoopSchedule ticked(kStart, 200'000, kTick);
  std::map<int64_t, int> per_due;
  for (int64_t k = 0; k <= 200'000; ++k) {  // 1 s: the last tick whole
    const int64_t due = ticked.DueNs(k);
    ASSERT_EQ((due - kStart) % kTick, 0) << k;
    ASSERT_GE(due, even.DueNs(k)) << k;         // never early...
    ASSERT_LT(due - even.DueNs(k), kTick) << k;  // ...and less than a tick late
    if (k > 0) {
      ASSERT_GE(due, ticked.DueNs(k - 1)) << k;
    }
    ++per_due[due];
  }
  EXPECT_EQ(per_due.begin()->first, kStart);  // request 0 at once, alone
  EXPECT_EQ(per_due.begin()->second, 1);
  per_due.erase(per_due.begin());
  for (const auto& [due, n] : per_due) ASSERT_EQ(n, 20) << due;  // the rate is unchanged
  EXPECT_EQ(per_due.size(), 10'000u);
}

TEST(OpenLoopScheduleTest, ATickShorterThanTheIntervalChangesLittle) {
  const OpenLoopSchedule even(0, 1'000, 0);  // 1 ms apart
  const OpenLoopSchedule ticked(0, 1'000, 10'000);
  for (int64_t k = 0; k < 1'000; ++k) EXPECT_EQ(ticked.DueNs(k), even.DueNs(k)) << k;
}

}  // namespace
}  // namespace kv::load
