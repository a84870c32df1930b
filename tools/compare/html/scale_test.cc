// Tests of the chart scales: fitted domains, positions, ticks, and what each kind cannot draw.
#include "tools/compare/html/scale.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "tools/compare/test_util.h"

namespace kv::compare::html {
namespace {

using testing::kInf;
using testing::kNaN;

std::vector<std::string> Labels(const Scale& s) {
  std::vector<std::string> out;
  for (const Tick& t : s.Ticks()) out.push_back(t.label);
  return out;
}

TEST(HtmlScaleTest, LinearWidensToRoundSteps) {
  const std::vector<double> values = {3, 97};
  Scale s = Scale::Fit(ScaleKind::kLinear, values, /*include_zero=*/true);
  EXPECT_DOUBLE_EQ(s.low(), 0);
  EXPECT_DOUBLE_EQ(s.high(), 100);
  EXPECT_EQ(Labels(s), (std::vector<std::string>{"0", "20", "40", "60", "80", "100"}));
  EXPECT_DOUBLE_EQ(s.Position(50), 0.5);
  EXPECT_DOUBLE_EQ(s.Position(-10), 0);  // clamped
  EXPECT_DOUBLE_EQ(s.Position(1000), 1);
}

TEST(HtmlScaleTest, LinearWithoutZeroStaysNearTheData) {
  const std::vector<double> values = {0.93, 1.08};
  Scale s = Scale::Fit(ScaleKind::kLinear, values);
  EXPECT_GE(s.low(), 0.9 - 1e-12);
  EXPECT_LE(s.high(), 1.1 + 1e-12);
  EXPECT_LT(s.low(), 0.93);
  EXPECT_GT(s.high(), 1.08);
}

TEST(HtmlScaleTest, LinearEmptyAndSinglePointHaveAWidth) {
  Scale empty = Scale::Fit(ScaleKind::kLinear, {});
  EXPECT_DOUBLE_EQ(empty.low(), 0);
  EXPECT_DOUBLE_EQ(empty.high(), 1);
  const std::vector<double> one = {42};
  Scale single = Scale::Fit(ScaleKind::kLinear, one);
  EXPECT_LT(single.low(), 42);
  EXPECT_GT(single.high(), 42);
  EXPECT_GT(single.Position(42), 0);
  EXPECT_LT(single.Position(42), 1);
  const std::vector<double> zero = {0};
  Scale z = Scale::Fit(ScaleKind::kLinear, zero);
  EXPECT_DOUBLE_EQ(z.low(), 0);
  EXPECT_DOUBLE_EQ(z.high(), 1);
}

TEST(HtmlScaleTest, NonFiniteAndHugeValuesAreNotDrawn) {
  const std::vector<double> values = {kNaN, kInf, -kInf, 1e308, 5, 10};
  Scale s = Scale::Fit(ScaleKind::kLinear, values);
  EXPECT_FALSE(s.Drawable(kNaN));
  EXPECT_FALSE(s.Drawable(kInf));
  EXPECT_FALSE(s.Drawable(1e308));
  EXPECT_LE(s.high(), 20);
  EXPECT_DOUBLE_EQ(s.Position(kNaN), 0);
  for (const Tick& t : s.Ticks()) EXPECT_TRUE(std::isfinite(t.value));
}

TEST(HtmlScaleTest, LogUsesWholeDecadesAndIgnoresNonPositive) {
  const std::vector<double> values = {3, 450, 0, -1, kNaN};
  Scale s = Scale::Fit(ScaleKind::kLog, values);
  EXPECT_DOUBLE_EQ(s.low(), 1);
  EXPECT_DOUBLE_EQ(s.high(), 1000);
  EXPECT_NEAR(s.Position(10), 1.0 / 3, 1e-12);
  EXPECT_FALSE(s.Drawable(0));
  EXPECT_EQ(Labels(s), (std::vector<std::string>{"1", "10", "100", "1k"}));
  // Two decades or fewer: 2 and 5 in between.
  const std::vector<double> narrow = {12, 80};
  EXPECT_EQ(Labels(Scale::Fit(ScaleKind::kLog, narrow)),
            (std::vector<std::string>{"10", "20", "50", "100"}));
  // One value: its decade and the next; none: 1 .. 10.
  const std::vector<double> one = {100};
  Scale single = Scale::Fit(ScaleKind::kLog, one);
  EXPECT_DOUBLE_EQ(single.low(), 100);
  EXPECT_DOUBLE_EQ(single.high(), 1000);
  Scale empty = Scale::Fit(ScaleKind::kLog, {});
  EXPECT_DOUBLE_EQ(empty.low(), 1);
  EXPECT_DOUBLE_EQ(empty.high(), 10);
}

TEST(HtmlScaleTest, PercentileAxisIsLogOfOneOverOneMinusP) {
  const std::vector<double> values = {50, 90, 99, 99.9};
  Scale s = Scale::Fit(ScaleKind::kPercentile, values);
  EXPECT_NEAR(s.low(), 50, 1e-9);
  EXPECT_NEAR(s.high(), 99.99, 1e-9);
  EXPECT_EQ(Labels(s), (std::vector<std::string>{"50%", "90%", "99%", "99.9%", "99.99%"}));
  const double span = 4 - std::log10(2.0);
  EXPECT_NEAR(s.Position(50), 0, 1e-12);
  EXPECT_NEAR(s.Position(90), (1 - std::log10(2.0)) / span, 1e-12);
  EXPECT_NEAR(s.Position(99), (2 - std::log10(2.0)) / span, 1e-12);
  EXPECT_NEAR(s.Position(99.99), 1, 1e-9);
  EXPECT_FALSE(s.Drawable(100));
  EXPECT_FALSE(s.Drawable(0));
}

TEST(HtmlScaleTest, PercentileAxisWidensForDeeperTailsAndLowerPercentiles) {
  const std::vector<double> deep = {50, 99.999};
  Scale s = Scale::Fit(ScaleKind::kPercentile, deep);
  EXPECT_NEAR(s.high(), 99.999, 1e-9);
  EXPECT_EQ(Labels(s).back(), "99.999%");
  const std::vector<double> low = {10, 90};
  Scale l = Scale::Fit(ScaleKind::kPercentile, low);
  EXPECT_LE(l.low(), 10);
  EXPECT_EQ(Labels(l).front(), "0%");
}

TEST(HtmlScaleTest, TicksAtGivenValues) {
  const std::vector<double> values = {1, 10, 50};
  Scale s = Scale::Fit(ScaleKind::kLog, values, false, values);
  EXPECT_EQ(Labels(s), (std::vector<std::string>{"1", "10", "50"}));
  EXPECT_DOUBLE_EQ(s.low(), 1);
  EXPECT_DOUBLE_EQ(s.high(), 100);
}

}  // namespace
}  // namespace kv::compare::html
