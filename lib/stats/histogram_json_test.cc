// Histogram JSON tests: the pinned format, lossless round trips and every FromJson rejection.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "stats/histogram.h"
#include "stats/histogram_test_util.h"

namespace kv::stats {
namespace {

using testing::Bucket;
using testing::Buckets;
using nlohmann::json;

Histogram Sample() {
  Histogram h;
  h.Record(0);  // clamped to 1
  h.RecordN(5, 2);
  h.Record(2049);  // bucket [2048, 2049] at index 2048
  return h;
}

TEST(HistogramJsonTest, FormatIsPinned) {
  json j = Sample().ToJson();
  // mean = (1 + 5 + 5 + 2049) / 4 = 515; m2 = 514^2 + 2 * 510^2 + 1534^2 = 3137552 (Welford's
  // floating-point steps may differ in the last bits, so those two are compared separately).
  ASSERT_TRUE(j.contains("mean") && j["mean"].is_number_float());
  ASSERT_TRUE(j.contains("m2") && j["m2"].is_number_float());
  EXPECT_NEAR(j["mean"].get<double>(), 515.0, 1e-9);
  EXPECT_NEAR(j["m2"].get<double>(), 3137552.0, 1e-6);
  j.erase("mean");
  j.erase("m2");
  const json expected = json::parse(R"({
    "unit": "ns", "significant_digits": 3, "count": 4, "clamped": 1, "min": 1, "max": 2049,
    "buckets": [[1, 1], [5, 2], [2048, 1]]})");
  EXPECT_EQ(j, expected) << j.dump();
}

TEST(HistogramJsonTest, RoundTripIsExact) {
  std::mt19937_64 rng(99);
  std::lognormal_distribution<double> dist(std::log(1e6), 2.5);
  Histogram h;
  for (int i = 0; i < 20000; ++i) h.Record(static_cast<int64_t>(dist(rng)));
  h.Record(Histogram::kHighest + 10);
  const std::string text = h.ToJson().dump();
  auto back = Histogram::FromJson(json::parse(text));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(Buckets(*back), Buckets(h));
  EXPECT_EQ(back->count(), h.count());
  EXPECT_EQ(back->clamped(), h.clamped());
  EXPECT_EQ(back->min(), h.min());
  EXPECT_EQ(back->max(), h.max());
  EXPECT_EQ(back->mean(), h.mean());  // doubles survive dump/parse bit for bit
  EXPECT_EQ(back->stddev(), h.stddev());
  EXPECT_EQ(back->ToJson().dump(), text);
  EXPECT_EQ(back->ValueAtPercentile(99.9), h.ValueAtPercentile(99.9));
  // The restored histogram keeps working: merge and record into it.
  back->Merge(h);
  EXPECT_EQ(back->count(), 2 * h.count());
}

TEST(HistogramJsonTest, EmptyRoundTrip) {
  const Histogram empty;
  auto back = Histogram::FromJson(empty.ToJson());
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->count(), 0);
  EXPECT_EQ(back->ToJson(), empty.ToJson());
  back->Record(3);
  EXPECT_EQ(back->min(), 3);
}

TEST(HistogramJsonTest, AcceptsProgrammaticallyBuiltJson) {
  // Built in C++ rather than parsed: integers are signed, not unsigned, and must still be valid.
  // Bucket entries hold counts indices: 7 is index 7, 9000 (8 ns wide buckets there) is 4197.
  const size_t index_9000 = Histogram().CountsIndex(9000);
  ASSERT_EQ(index_9000, 4197u);
  const json j = {{"unit", "ns"},
                  {"significant_digits", 3},
                  {"count", 3},
                  {"clamped", 0},
                  {"min", 7},
                  {"max", 9000},
                  {"mean", 3004.0},
                  {"m2", 0.0},
                  {"buckets", json::array({json::array({7, 2}), json::array({4197, 1})})}};
  auto h = Histogram::FromJson(j);
  ASSERT_TRUE(h.ok()) << h.error();
  EXPECT_EQ(Buckets(*h), (std::vector<Bucket>{{7, 7, 2}, {9000, 9007, 1}}));
  EXPECT_EQ(h->ValueAtPercentile(100), 9000);
}

// Applies edit to a valid JSON form and expects FromJson to fail with a message containing want.
void ExpectRejected(const std::function<void(json&)>& edit, const std::string& want) {
  json j = Sample().ToJson();
  edit(j);
  auto r = Histogram::FromJson(j);
  ASSERT_FALSE(r.ok()) << "accepted: " << j.dump();
  EXPECT_NE(r.error().find(want), std::string::npos) << r.error();
}

TEST(HistogramJsonTest, RejectsWrongUnitAndDigits) {
  ExpectRejected([](json& j) { j["unit"] = "us"; }, "\"unit\" must be \"ns\"");
  ExpectRejected([](json& j) { j.erase("unit"); }, "\"unit\" must be \"ns\"");
  ExpectRejected([](json& j) { j["significant_digits"] = 2; }, "supports only 3");
  ExpectRejected([](json& j) { j["significant_digits"] = "3"; }, "must be a 64-bit integer");
}

TEST(HistogramJsonTest, RejectsMissingOrMistypedFields) {
  auto r = Histogram::FromJson(json::array());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("expected an object"), std::string::npos);
  ExpectRejected([](json& j) { j.erase("count"); }, "missing \"count\"");
  ExpectRejected([](json& j) { j["min"] = 1.5; }, "\"min\" must be a 64-bit integer");
  ExpectRejected([](json& j) { j["max"] = UINT64_MAX; }, "\"max\" must be a 64-bit integer");
  ExpectRejected([](json& j) { j["mean"] = "x"; }, "\"mean\" must be a finite number");
  ExpectRejected([](json& j) { j.erase("m2"); }, "missing \"m2\"");
  ExpectRejected([](json& j) { j["m2"] = -1.0; }, "out of range");
  ExpectRejected([](json& j) { j["clamped"] = 5; }, "out of range");  // more than count
  ExpectRejected([](json& j) { j["buckets"] = json::object(); }, "\"buckets\" must be an array");
}

TEST(HistogramJsonTest, RejectsMalformedBuckets) {
  ExpectRejected([](json& j) { j["buckets"][1] = 5; }, "bucket #1 must be [index, count]");
  ExpectRejected([](json& j) { j["buckets"][1] = json::array({5, 1, 1}); }, "bucket #1 must be");
  ExpectRejected([](json& j) { j["buckets"][0] = json::array({-1, 1}); }, "bucket #0 must be");
  ExpectRejected([](json& j) { j["buckets"][0] = json::array({1.0, 1}); }, "bucket #0 must be");
  ExpectRejected([](json& j) { j["buckets"][1][1] = -2; }, "count must be a positive");
  ExpectRejected([](json& j) { j["buckets"][1][1] = 0; }, "count must be a positive");
  ExpectRejected([](json& j) { j["buckets"][1][1] = UINT64_MAX; }, "count must be a positive");
  ExpectRejected([](json& j) { std::swap(j["buckets"][0], j["buckets"][1]); }, "ascending");
  ExpectRejected([](json& j) { j["buckets"][1][0] = 1; }, "ascending");  // duplicate index
}

TEST(HistogramJsonTest, RejectsIndexOutOfRange) {
  const size_t length = Histogram().counts_length();
  ExpectRejected([](json& j) { j["buckets"][0][0] = 0; }, "index 0 out of range [1, ");
  ExpectRejected([&](json& j) { j["buckets"][2][0] = length; },
                 "index " + std::to_string(length) + " out of range");
  ExpectRejected([](json& j) { j["buckets"][2][0] = UINT64_MAX; }, "out of range");
}

TEST(HistogramJsonTest, RejectsInconsistentSummary) {
  ExpectRejected([](json& j) { j["count"] = 5; }, "\"count\" is 5 but the buckets hold 4");
  ExpectRejected([](json& j) { j["min"] = 2; }, "disagree with the buckets");
  ExpectRejected([](json& j) { j["max"] = 5; }, "disagree with the buckets");
  ExpectRejected([](json& j) { j["max"] = Histogram::kHighest + 1; }, "disagree");
  ExpectRejected(
      [](json& j) {
        j["buckets"] = json::array({json::array({1, INT64_MAX}), json::array({2, 1})});
      },
      "counts overflow");
  ExpectRejected(
      [](json& j) {
        j["buckets"] = json::array();
        j["count"] = 0;
        j["clamped"] = 0;
      },
      "an empty histogram must have min, max, mean and m2 0");
}

}  // namespace
}  // namespace kv::stats
