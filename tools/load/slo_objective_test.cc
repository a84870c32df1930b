// Tests of --slo objective parsing: forms, units, canonical text and every error.
#include "tools/load/slo_objective.h"

#include <gtest/gtest.h>

namespace kv::load {
namespace {

std::string ErrorOf(std::string_view text) {
  Result<std::vector<SloObjective>> r = ParseSloObjectives(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error();
}

TEST(SloObjectiveTest, OneObjective) {
  auto r = ParseSloObjectives("p99<=1ms");
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].text, "p99<=1ms");
  EXPECT_DOUBLE_EQ((*r)[0].percentile, 99);
  EXPECT_DOUBLE_EQ((*r)[0].limit_ms, 1);
  EXPECT_FALSE((*r)[0].strict);
}

TEST(SloObjectiveTest, SeveralWithSpacesAndDecimals) {
  auto r = ParseSloObjectives("p50<=0.3ms, p99.9 <= 5ms ,p99.99<=2s");
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].text, "p50<=0.3ms");
  EXPECT_DOUBLE_EQ((*r)[0].limit_ms, 0.3);
  EXPECT_EQ((*r)[1].text, "p99.9<=5ms");
  EXPECT_DOUBLE_EQ((*r)[1].percentile, 99.9);
  EXPECT_EQ((*r)[2].text, "p99.99<=2s");
  EXPECT_DOUBLE_EQ((*r)[2].limit_ms, 2000);
  EXPECT_EQ(SloObjectivesText(*r), "p50<=0.3ms,p99.9<=5ms,p99.99<=2s");
}

TEST(SloObjectiveTest, UnitsAndOtherPercentiles) {
  auto us = ParseSloObjectives("p95<=500us");
  ASSERT_TRUE(us.ok()) << us.error();
  EXPECT_DOUBLE_EQ((*us)[0].limit_ms, 0.5);
  auto micro = ParseSloObjectives("p99.5<=250\xC2\xB5s");
  ASSERT_TRUE(micro.ok()) << micro.error();
  EXPECT_DOUBLE_EQ((*micro)[0].limit_ms, 0.25);
  EXPECT_DOUBLE_EQ((*micro)[0].percentile, 99.5);
  EXPECT_EQ((*micro)[0].text, "p99.5<=250us");
  auto upper = ParseSloObjectives("P90<=1s");
  ASSERT_TRUE(upper.ok()) << upper.error();
  EXPECT_EQ((*upper)[0].text, "p90<=1s");
}

TEST(SloObjectiveTest, StrictLessThan) {
  auto r = ParseSloObjectives("p99<2ms");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE((*r)[0].strict);
  EXPECT_EQ((*r)[0].text, "p99<2ms");
  EXPECT_FALSE((*r)[0].Met(2.0));
  EXPECT_TRUE((*r)[0].Met(1.999));
  auto le = ParseSloObjectives("p99<=2ms");
  ASSERT_TRUE(le.ok());
  EXPECT_TRUE((*le)[0].Met(2.0));
  EXPECT_FALSE((*le)[0].Met(2.001));
}

TEST(SloObjectiveTest, Malformed) {
  EXPECT_NE(ErrorOf("").find("no objective"), std::string::npos);
  EXPECT_NE(ErrorOf("99<=1ms").find("does not start with a percentile"), std::string::npos);
  EXPECT_NE(ErrorOf("p99=1ms").find("has no '<=' or '<'"), std::string::npos);
  EXPECT_NE(ErrorOf("p99>=1ms").find("has no '<=' or '<'"), std::string::npos);
  EXPECT_NE(ErrorOf("pxx<=1ms").find("'xx' is not a percentile"), std::string::npos);
  EXPECT_NE(ErrorOf("p99<=ms").find("is not a latency"), std::string::npos);
  EXPECT_NE(ErrorOf("p99<=1..2ms").find("is not a latency"), std::string::npos);
  EXPECT_NE(ErrorOf("p99<=1ms,").find("an empty objective"), std::string::npos);
  EXPECT_NE(ErrorOf("p99<=1ms,,p50<=1ms").find("an empty objective"), std::string::npos);
}

TEST(SloObjectiveTest, UnitErrors) {
  EXPECT_NE(ErrorOf("p99<=1").find("needs a unit"), std::string::npos);
  EXPECT_NE(ErrorOf("p99<=1min").find("unknown unit 'min'"), std::string::npos);
  EXPECT_NE(ErrorOf("p99<=1ns").find("unknown unit 'ns'"), std::string::npos);
  EXPECT_NE(ErrorOf("p99<=2h").find("unknown unit 'h'"), std::string::npos);
  EXPECT_NE(ErrorOf("p99<=4000s").find("above an hour"), std::string::npos);
}

TEST(SloObjectiveTest, PercentileOutOfRange) {
  for (const char* t : {"p0<=1ms", "p100<=1ms", "p99.999<=1ms", "p150<=1ms"}) {
    EXPECT_NE(ErrorOf(t).find("the percentile must be above 0 and at most 99.99"),
              std::string::npos)
        << t;
  }
  EXPECT_TRUE(ParseSloObjectives("p0.1<=1ms").ok());
  EXPECT_TRUE(ParseSloObjectives("p99.99<=1ms").ok());
}

TEST(SloObjectiveTest, NonPositiveLimit) {
  EXPECT_NE(ErrorOf("p99<=0ms").find("the limit must be positive"), std::string::npos);
  EXPECT_NE(ErrorOf("p99<=0.0us").find("the limit must be positive"), std::string::npos);
  EXPECT_NE(ErrorOf("p99<=-1ms").find("the limit must be positive"), std::string::npos);
}

TEST(SloObjectiveTest, Duplicates) {
  EXPECT_EQ(ErrorOf("p99<=1ms,p99<=2ms"), "--slo: p99 is given twice ('p99<=1ms' and 'p99<=2ms')");
  EXPECT_NE(ErrorOf("p99.9<=1ms,p99.90<5ms").find("p99.9 is given twice"), std::string::npos);
}

TEST(SloObjectiveTest, MinRequestsLeaveFiftySamplesBeyondThePercentile) {
  EXPECT_EQ(MinRequestsFor(50), 100);
  EXPECT_EQ(MinRequestsFor(90), 500);
  EXPECT_EQ(MinRequestsFor(99), 5000);
  EXPECT_EQ(MinRequestsFor(99.9), 50000);
  EXPECT_EQ(MinRequestsFor(99.99), 500000);
}

}  // namespace
}  // namespace kv::load
