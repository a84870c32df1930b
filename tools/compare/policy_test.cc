#include "tools/compare/policy.h"

#include <gtest/gtest.h>

#include "tools/compare/result_set.h"

namespace kv::compare {
namespace {

constexpr const char* kHeader = R"("schema": "kv-compare-policy", "version": 1)";

Result<Policy> Parse(const std::string& body) {
  return ParsePolicy("{" + std::string(kHeader) + (body.empty() ? "" : ", ") + body + "}", "p");
}

std::string ParseError(const std::string& body) {
  auto policy = Parse(body);
  EXPECT_FALSE(policy.ok()) << body;
  return policy.ok() ? "" : policy.error();
}

TEST(ComparePolicyTest, ShippedPolicyIsTheDefault) {
  auto shipped = LoadPolicy(std::string(KV_SOURCE_DIR) + "/baselines/policy.json");
  ASSERT_TRUE(shipped.ok()) << shipped.error();
  Policy def = DefaultPolicy();
  EXPECT_EQ(shipped->alpha, def.alpha);
  EXPECT_EQ(shipped->min_repetitions, def.min_repetitions);
  EXPECT_EQ(shipped->confidence, def.confidence);
  EXPECT_EQ(shipped->equal_band, def.equal_band);
  EXPECT_EQ(shipped->gate_single_cases, def.gate_single_cases);
  EXPECT_EQ(shipped->max_noisy_fraction, def.max_noisy_fraction);
  EXPECT_EQ(shipped->gate_modes, def.gate_modes);
  ASSERT_EQ(shipped->metrics.size(), def.metrics.size());
  for (size_t i = 0; i < def.metrics.size(); ++i) {
    EXPECT_EQ(shipped->metrics[i].name, def.metrics[i].name);
    EXPECT_EQ(shipped->metrics[i].direction, def.metrics[i].direction) << def.metrics[i].name;
    EXPECT_EQ(shipped->metrics[i].threshold, def.metrics[i].threshold) << def.metrics[i].name;
    EXPECT_EQ(shipped->metrics[i].gate, def.metrics[i].gate) << def.metrics[i].name;
  }
  ASSERT_EQ(shipped->targets.size(), def.targets.size());
  for (size_t i = 0; i < def.targets.size(); ++i) {
    const Target& a = shipped->targets[i];
    const Target& b = def.targets[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.match, b.match) << b.name;
    EXPECT_EQ(a.metric, b.metric) << b.name;
    EXPECT_EQ(a.op, b.op) << b.name;
    EXPECT_EQ(a.value, b.value) << b.name;
    EXPECT_EQ(a.gate, b.gate) << b.name;
  }
}

TEST(ComparePolicyTest, DefaultDirections) {
  Policy p = DefaultPolicy();
  EXPECT_EQ(p.FindMetric("items_per_second")->direction, Direction::kHigherIsBetter);
  for (const char* lower : {"p50_us", "p99_us", "server_cpu_us_per_op", "bytes_per_key"}) {
    ASSERT_NE(p.FindMetric(lower), nullptr) << lower;
    EXPECT_EQ(p.FindMetric(lower)->direction, Direction::kLowerIsBetter) << lower;
  }
  EXPECT_EQ(p.FindMetric("real_time"), nullptr);
  EXPECT_TRUE(p.Gates(GateMode::kRatio));
  EXPECT_FALSE(p.Gates(GateMode::kRaw));
}

TEST(ComparePolicyTest, PartialPolicyOverridesOnlyWhatItSays) {
  auto p = Parse(R"("alpha": 0.02, "gate_modes": ["raw", "ratio"],
                    "metrics": {"p99_us": {"direction": "lower", "threshold": 0.3},
                                "items_per_second": {"direction": "higher", "gate": false}})");
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->alpha, 0.02);
  EXPECT_EQ(p->min_repetitions, DefaultPolicy().min_repetitions);
  EXPECT_TRUE(p->Gates(GateMode::kRaw));
  EXPECT_TRUE(p->Gates(GateMode::kRatio));
  ASSERT_EQ(p->metrics.size(), 2u);
  EXPECT_EQ(p->metrics[0].name, "items_per_second");  // usual order, not the JSON key order
  EXPECT_FALSE(p->metrics[0].gate);
  EXPECT_EQ(p->metrics[0].threshold, 0.10);
  EXPECT_EQ(p->metrics[1].name, "p99_us");
  EXPECT_EQ(p->metrics[1].threshold, 0.3);
  EXPECT_EQ(p->targets.size(), DefaultPolicy().targets.size());
  EXPECT_EQ(GateModesName(p->gate_modes), "raw+ratio");
}

TEST(ComparePolicyTest, RejectsMistakes) {
  EXPECT_NE(ParseError(R"("alpah": 0.05)").find("unknown policy key \"alpah\""), std::string::npos);
  EXPECT_NE(ParseError(R"("alpha": 1.5)").find("alpha"), std::string::npos);
  EXPECT_NE(ParseError(R"("min_repetitions": 1)").find("min_repetitions"), std::string::npos);
  EXPECT_NE(ParseError(R"("cv_limit": 0.1)").find("unknown policy key"), std::string::npos);
  EXPECT_NE(ParseError(R"("confidence": 1)").find("confidence"), std::string::npos);
  EXPECT_NE(ParseError(R"("equal_band": -0.1)").find("equal_band"), std::string::npos);
  EXPECT_NE(ParseError(R"("gate_single_cases": 1)").find("gate_single_cases"), std::string::npos);
  EXPECT_NE(ParseError(R"("max_noisy_fraction": 1.5)").find("max_noisy_fraction"),
            std::string::npos);
  EXPECT_NE(ParseError(R"("gate_modes": ["fast"])").find("gate_modes"), std::string::npos);
  EXPECT_NE(ParseError(R"("metrics": {"x": {"threshold": 0.1}})").find("direction"),
            std::string::npos);
  EXPECT_NE(ParseError(R"("metrics": {"x": {"direction": "up"}})").find("direction"),
            std::string::npos);
  EXPECT_NE(ParseError(R"("metrics": {"x": {"direction": "up", "treshold": 1}})").find("x"),
            std::string::npos);
  EXPECT_NE(ParseError(
                R"("targets": [{"name": "t", "match": "(", "metric": "m", "op": ">", "value": 1}])")
                .find("bad regular expression"),
            std::string::npos);
  EXPECT_NE(
      ParseError(
          R"("targets": [{"name": "t", "match": "x", "metric": "m", "op": ">=", "value": 1}])")
          .find("op"),
      std::string::npos);
  EXPECT_FALSE(ParsePolicy(R"({"version": 1})", "p").ok());
  EXPECT_FALSE(ParsePolicy(R"({"schema": "kv-compare-policy", "version": 2})", "p").ok());
  EXPECT_FALSE(ParsePolicy("{", "p").ok());
  EXPECT_FALSE(LoadPolicy("/nonexistent/policy.json").ok());
}

}  // namespace
}  // namespace kv::compare
