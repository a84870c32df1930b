// kv-compare instructions over synthetic callgrind-requests.sh JSON: parsing, verdicts, exit codes.
#include "tools/compare/instructions.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kv::compare {
namespace {

using nlohmann::json;

// A run with GET/INCR at -P 1 and 16; figures are {test, pipeline, ir}.
json Doc(std::vector<std::tuple<std::string, int, double>> figures, int64_t requests = 20000) {
  json f = json::array();
  for (const auto& [test, pipeline, ir] : figures) {
    f.push_back({{"test", test}, {"pipeline", pipeline}, {"kv_ir_per_request", ir}});
  }
  return {{"schema", "kvbench-instructions"},
          {"requests", requests},
          {"clients", 50},
          {"keyspace", 100000},
          {"provenance", {{"compiler", "g++ 12"}, {"valgrind", "valgrind-3.19.0"}}},
          {"figures", f}};
}

json Baseline() {
  json doc = Doc({{"get", 1, 10000}, {"get", 16, 2000}, {"incr", 1, 11000}, {"incr", 16, 2100}});
  doc["figures"][0]["kv_spread"] = 0.004;
  return doc;
}

InstructionRun Parse(const json& doc, const std::string& source) {
  auto run = ParseInstructionRun(doc.dump(), source);
  EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error());
  return run.ok() ? *run : InstructionRun{};
}

TEST(CompareInstructionsTest, ParsesFigures) {
  InstructionRun run = Parse(Baseline(), "b.json");
  ASSERT_EQ(run.figures.size(), 4u);
  EXPECT_EQ(run.figures[1].test, "get");
  EXPECT_EQ(run.figures[1].pipeline, 16);
  EXPECT_DOUBLE_EQ(run.figures[1].ir_per_request, 2000);
  EXPECT_DOUBLE_EQ(run.figures[0].spread.value_or(-1), 0.004);
  EXPECT_FALSE(run.figures[1].spread.has_value());
  EXPECT_EQ(run.requests, 20000);
}

TEST(CompareInstructionsTest, RejectsMalformedFiles) {
  EXPECT_FALSE(ParseInstructionRun("{", "x").ok());
  EXPECT_FALSE(ParseInstructionRun("[]", "x").ok());
  json doc = Baseline();
  doc["schema"] = "kvbench-other";
  EXPECT_FALSE(ParseInstructionRun(doc.dump(), "x").ok());
  doc = Baseline();
  doc.erase("requests");
  EXPECT_FALSE(ParseInstructionRun(doc.dump(), "x").ok());
  doc = Baseline();
  doc["figures"] = json::array();
  EXPECT_FALSE(ParseInstructionRun(doc.dump(), "x").ok());
  doc = Baseline();
  doc["figures"][2]["kv_ir_per_request"] = 0;
  auto zero = ParseInstructionRun(doc.dump(), "x");
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().find("figures[2]"), std::string::npos) << zero.error();
  doc = Baseline();
  doc["figures"][1]["pipeline"] = "16";
  EXPECT_FALSE(ParseInstructionRun(doc.dump(), "x").ok());
}

TEST(CompareInstructionsTest, VerdictsAgainstTheThreshold) {
  InstructionRun base = Parse(Baseline(), "b");
  // +2.9 % passes, +3.1 % fails, -5 % is an improvement; a test only in current is new.
  InstructionRun cur = Parse(Doc({{"get", 1, 10290},
                                  {"get", 16, 2062},
                                  {"incr", 1, 10450},
                                  {"incr", 16, 2100},
                                  {"mset", 1, 30000}}),
                             "c");
  auto report = CompareInstructions(base, cur, 0.03);
  ASSERT_TRUE(report.ok()) << report.error();
  ASSERT_EQ(report->rows.size(), 5u);
  EXPECT_EQ(report->rows[0].verdict, InstructionVerdict::kUnchanged);
  EXPECT_EQ(report->rows[1].verdict, InstructionVerdict::kRegressed);
  EXPECT_NEAR(report->rows[1].ratio.value_or(0), 1.031, 1e-9);
  EXPECT_EQ(report->rows[2].verdict, InstructionVerdict::kImproved);
  EXPECT_EQ(report->rows[3].verdict, InstructionVerdict::kUnchanged);
  EXPECT_EQ(report->rows[4].verdict, InstructionVerdict::kNew);
  EXPECT_FALSE(report->rows[4].baseline.has_value());
  EXPECT_EQ(report->regressions, 1);
  EXPECT_DOUBLE_EQ(report->rows[0].baseline_spread.value_or(-1), 0.004);
  // A looser threshold passes the same run.
  auto loose = CompareInstructions(base, cur, 0.05);
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose->regressions, 0);
}

TEST(CompareInstructionsTest, MismatchedRunsCannotBeCompared) {
  InstructionRun base = Parse(Baseline(), "b");
  // Different load settings.
  InstructionRun other_n = Parse(Doc({{"get", 1, 10000}}, 50000), "c");
  auto n = CompareInstructions(base, other_n, 0.03);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().find("requests"), std::string::npos);
  // A baseline row the current run lacks.
  InstructionRun fewer =
      Parse(Doc({{"get", 1, 10000}, {"get", 16, 2000}, {"incr", 1, 11000}}), "c");
  auto missing = CompareInstructions(base, fewer, 0.03);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("incr -P 16"), std::string::npos) << missing.error();
  // Duplicates and a bad threshold.
  InstructionRun dup = Parse(Doc({{"get", 1, 1}, {"get", 1, 2}}), "c");
  EXPECT_FALSE(CompareInstructions(base, dup, 0.03).ok());
  EXPECT_FALSE(CompareInstructions(base, base, 0).ok());
  EXPECT_FALSE(CompareInstructions(base, base, 1.5).ok());
}

TEST(CompareInstructionsTest, ProvenanceDifferencesWarn) {
  InstructionRun base = Parse(Baseline(), "b");
  json doc = Baseline();
  doc["provenance"]["compiler"] = "clang 16";
  auto report = CompareInstructions(base, Parse(doc, "c"), 0.03);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->warnings.size(), 1u);
  EXPECT_NE(report->warnings[0].find("compiler differs"), std::string::npos);
  EXPECT_EQ(report->regressions, 0);
}

TEST(CompareInstructionsTest, RendersTextAndJson) {
  InstructionRun base = Parse(Baseline(), "b");
  InstructionRun cur = Parse(
      Doc({{"get", 1, 10500}, {"get", 16, 2000}, {"incr", 1, 11000}, {"incr", 16, 2100}}), "c");
  auto report = CompareInstructions(base, cur, 0.03);
  ASSERT_TRUE(report.ok());
  std::string text = RenderInstructions(*report, {});
  EXPECT_NE(text.find("1.0500"), std::string::npos) << text;
  EXPECT_NE(text.find("regressed"), std::string::npos);
  EXPECT_NE(text.find("0.40%"), std::string::npos);
  EXPECT_NE(text.find("FAIL: 1 row(s) more than 3.0%"), std::string::npos) << text;
  json out = json::parse(RenderInstructions(*report, {.format = OutputFormat::kJson}));
  EXPECT_EQ(out["schema"], "kv-compare-instructions");
  EXPECT_EQ(out["pass"], false);
  EXPECT_EQ(out["rows"][0]["verdict"], "regressed");
  EXPECT_DOUBLE_EQ(out["rows"][0]["ratio"].get<double>(), 1.05);
  EXPECT_TRUE(out["rows"][1]["baseline_spread"].is_null());
}

// The subcommand end to end through files: exit codes 0, 1 and 2.
class InstructionsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kv_instructions_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  int Run(std::vector<std::string> args, std::string* out = nullptr) {
    std::ostringstream o;
    std::ostringstream e;
    std::vector<std::string> full;
    full.reserve(args.size() + 1);
    full.push_back("instructions");
    for (std::string& arg : args) full.push_back(std::move(arg));
    int code = RunInstructionsCommand(full, o, e, {});
    if (out != nullptr) *out = o.str() + e.str();
    return code;
  }
  std::filesystem::path dir_;
};

TEST_F(InstructionsCommandTest, ExitCodes) {
  const std::string base = Write("base.json", Baseline().dump());
  const std::string same = Write("same.json", Baseline().dump());
  json slower = Baseline();
  slower["figures"][2]["kv_ir_per_request"] = 11000 * 1.04;
  const std::string slow = Write("slow.json", slower.dump());
  std::string out;
  EXPECT_EQ(Run({base, same}, &out), 0) << out;
  EXPECT_NE(out.find("PASS"), std::string::npos);
  EXPECT_EQ(Run({base, slow}, &out), 1) << out;
  EXPECT_EQ(Run({"--threshold", "0.05", base, slow}), 0);
  EXPECT_EQ(Run({base, slow, "--threshold=0.05"}), 0);
  EXPECT_EQ(Run({"--format", "json", base, slow}, &out), 1);
  EXPECT_EQ(json::parse(out)["regressions"], 1);
  // Bad usage and unreadable or mismatched input.
  EXPECT_EQ(Run({base}), 2);
  EXPECT_EQ(Run({"--threshold", "3", base, same}), 2);
  EXPECT_EQ(Run({"--threshold", "x", base, same}), 2);
  EXPECT_EQ(Run({"--bogus", base, same}), 2);
  EXPECT_EQ(Run({base, (dir_ / "absent.json").string()}), 2);
  EXPECT_EQ(Run({base, Write("garbage.json", "not json")}), 2);
  EXPECT_EQ(Run({base, Write("other.json", Doc({{"get", 1, 1}}, 999).dump())}, &out), 2);
  EXPECT_NE(out.find("cannot compare"), std::string::npos) << out;
}

}  // namespace
}  // namespace kv::compare
