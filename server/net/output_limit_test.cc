// Unit tests for OutputLimitCheck: Redis's hard and soft client-output-buffer-limit rules, with
// the clock passed in.
#include "server/net/output_limit.h"

#include <gtest/gtest.h>

namespace kv::server {
namespace {

// n bytes beyond the uncounted first 16 KB (Redis's static reply buffer).
constexpr int64_t Counted(int64_t n) { return OutputLimitCheck::kUncountedBytes + n; }

TEST(OutputLimitCheckTest, ZeroLimitsNeverClose) {
  OutputLimitCheck check;
  const OutputBufferLimit off{};
  EXPECT_FALSE(OutputLimitCheck::Enabled(off));
  EXPECT_FALSE(check.Exceeded(off, int64_t{1} << 40, 0));
  EXPECT_FALSE(check.Exceeded(off, int64_t{1} << 40, 1000000));
  EXPECT_FALSE(check.soft_reached());
}

TEST(OutputLimitCheckTest, HardLimitClosesAtOnceWhenReached) {
  OutputLimitCheck check;
  const OutputBufferLimit limit{.hard_bytes = 1000, .soft_bytes = 0, .soft_seconds = 0};
  EXPECT_TRUE(OutputLimitCheck::Enabled(limit));
  EXPECT_FALSE(check.Exceeded(limit, 0, 5));
  EXPECT_FALSE(check.Exceeded(limit, Counted(999), 5));
  EXPECT_TRUE(check.Exceeded(limit, Counted(1000), 5));  // Redis: used >= hard
  EXPECT_TRUE(check.Exceeded(limit, Counted(5000), 5));
}

TEST(OutputLimitCheckTest, TheFirst16KbNeverCount) {
  OutputLimitCheck check;
  const OutputBufferLimit limit{.hard_bytes = 1, .soft_bytes = 1, .soft_seconds = 0};
  EXPECT_FALSE(check.Exceeded(limit, OutputLimitCheck::kUncountedBytes, 0));
  EXPECT_FALSE(check.Exceeded(limit, OutputLimitCheck::kUncountedBytes, 100));
  EXPECT_FALSE(check.soft_reached());
  EXPECT_TRUE(check.Exceeded(limit, Counted(1), 100));
}

TEST(OutputLimitCheckTest, SoftLimitClosesOnlyAfterStayingAboveForLongerThanItsSeconds) {
  OutputLimitCheck check;
  const OutputBufferLimit limit{.hard_bytes = 0, .soft_bytes = 100, .soft_seconds = 10};
  EXPECT_FALSE(check.Exceeded(limit, Counted(99), 0));
  EXPECT_FALSE(check.soft_reached());
  EXPECT_FALSE(check.Exceeded(limit, Counted(100), 50));  // reached at 50: the clock starts
  EXPECT_TRUE(check.soft_reached());
  EXPECT_FALSE(check.Exceeded(limit, Counted(500), 55));
  EXPECT_FALSE(check.Exceeded(limit, Counted(500), 60));  // 10 s: not more than soft_seconds yet
  EXPECT_TRUE(check.Exceeded(limit, Counted(500), 61));
}

TEST(OutputLimitCheckTest, DroppingBelowTheSoftLimitRestartsItsClock) {
  OutputLimitCheck check;
  const OutputBufferLimit limit{.hard_bytes = 0, .soft_bytes = 100, .soft_seconds = 10};
  EXPECT_FALSE(check.Exceeded(limit, Counted(200), 0));
  EXPECT_FALSE(check.Exceeded(limit, Counted(50), 8));  // drained below: forgotten
  EXPECT_FALSE(check.soft_reached());
  EXPECT_FALSE(check.Exceeded(limit, Counted(200), 9));  // the clock starts again at 9
  EXPECT_FALSE(check.Exceeded(limit, Counted(200), 19));
  EXPECT_TRUE(check.Exceeded(limit, Counted(200), 20));
}

TEST(OutputLimitCheckTest, SoftLimitWithZeroSecondsClosesAtTheNextSecond) {
  OutputLimitCheck check;
  const OutputBufferLimit limit{.hard_bytes = 0, .soft_bytes = 100, .soft_seconds = 0};
  EXPECT_FALSE(
      check.Exceeded(limit, Counted(100), 7));  // as Redis: the first sighting never closes
  EXPECT_FALSE(check.Exceeded(limit, Counted(100), 7));
  EXPECT_TRUE(check.Exceeded(limit, Counted(100), 8));
}

TEST(OutputLimitCheckTest, HardLimitAppliesWhileTheSoftClockRuns) {
  OutputLimitCheck check;
  const OutputBufferLimit limit{.hard_bytes = 1000, .soft_bytes = 100, .soft_seconds = 60};
  EXPECT_FALSE(check.Exceeded(limit, Counted(500), 0));
  EXPECT_TRUE(check.soft_reached());
  EXPECT_TRUE(check.Exceeded(limit, Counted(1000), 1));
}

}  // namespace
}  // namespace kv::server
