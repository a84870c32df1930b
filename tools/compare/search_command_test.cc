// `kv-compare search` through RunCli: the table, JSON, comma-joined sides, --max-drop's exit codes
// and every usage or input error (exit 2 with a message).
#include "tools/compare/search_command.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using nlohmann::json;
using testing::Contains;
using testing::TestdataPath;

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun Cli(std::vector<std::string> args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = RunCli(args, out, err, CliEnv{});
  return {code, out.str(), err.str()};
}

// "kv" -> the path of search_kv.json; "kv_1..5" -> the five files joined by commas.
std::string Side(const std::string& name) {
  if (!name.ends_with("..5")) return TestdataPath("search_" + name + ".json");
  const std::string stem = name.substr(0, name.size() - 3);
  std::string out;
  for (int i = 1; i <= 5; ++i) {
    out += (i > 1 ? "," : "") + TestdataPath("search_" + stem + std::to_string(i) + ".json");
  }
  return out;
}

TEST(SearchCommandTest, OneSearchASide) {
  const CliRun r = Cli({"search", Side("kv"), Side("redis")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "the bracket [A.answer ÷ B.first broken")) << r.out;
  EXPECT_TRUE(Contains(r.out, "not a confidence interval")) << r.out;
  EXPECT_TRUE(Contains(r.out, "41000..43000")) << r.out;
  EXPECT_TRUE(Contains(r.out, "36000..38000")) << r.out;
  EXPECT_TRUE(Contains(r.out, "1.139  [1.079, 1.194]  A higher")) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(SearchCommandTest, Json) {
  const CliRun r = Cli({"search", "--format", "json", Side("kv_client"), Side("redis")});
  ASSERT_EQ(r.code, 0) << r.err;
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc["schema"], "kv-compare-search");
  ASSERT_EQ(doc["rows"].size(), 1u);
  const json& row = doc["rows"][0];
  EXPECT_EQ(row["title"], "GET");
  EXPECT_EQ(row["method"], "bracket");
  EXPECT_EQ(row["bound"], "at_least");
  EXPECT_DOUBLE_EQ(row["ratio"].get<double>(), 30000.0 / 36000);
  EXPECT_DOUBLE_EQ(row["interval"]["low"].get<double>(), 30000.0 / 38000);
  EXPECT_TRUE(row["interval"]["high"].is_null());
  EXPECT_TRUE(row["interval"]["confidence"].is_null());
  EXPECT_EQ(row["a"]["lower_bound"], true);
  EXPECT_EQ(row["a"]["limited_by"][0], "client");
  EXPECT_EQ(row["verdict"], "not resolved");
  EXPECT_FALSE(row.contains("gate"));
}

// --format before the subcommand, as the other subcommands take it.
TEST(SearchCommandTest, FormatBeforeTheSubcommand) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--format", "json", "search", Side("kv"), Side("redis")},
        std::vector<std::string>{"--format=json", "search", Side("kv"), Side("redis")}}) {
    const CliRun r = Cli(args);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["schema"], "kv-compare-search");
  }
}

TEST(SearchCommandTest, LowerBoundIsSaidInText) {
  const CliRun r = Cli({"search", Side("kv_client"), Side("redis")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "≥ 30000")) << r.out;
  EXPECT_TRUE(Contains(r.out, "≥ 0.833")) << r.out;
  EXPECT_TRUE(Contains(r.out, "[0.789, no upper end]")) << r.out;
  EXPECT_TRUE(Contains(r.out, "A ÷ B is at least 0.833 (A's true rate may be higher)")) << r.out;
}

TEST(SearchCommandTest, SeveralSearchesASide) {
  const CliRun r = Cli({"search", Side("kv_..5"), Side("redis_..5")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "Hodges–Lehmann ratio of the answers")) << r.out;
  EXPECT_TRUE(Contains(r.out, "41000     4.9 %  36000     5.6 %  1.139  [1.096, 1.183]  A higher"))
      << r.out;
  const CliRun j = Cli({"search", "--format=json", Side("kv_..5"), Side("redis_..5")});
  ASSERT_EQ(j.code, 0) << j.err;
  const json row = json::parse(j.out)["rows"][0];
  EXPECT_EQ(row["method"], "hodges_lehmann");
  EXPECT_NEAR(row["interval"]["confidence"].get<double>(), 1 - 8.0 / 252, 1e-12);
  EXPECT_EQ(row["a"]["answers_rps"].size(), 5u);
  EXPECT_NEAR(row["a"]["spread"].get<double>(), 2000.0 / 41000, 1e-12);
}

TEST(SearchCommandTest, MaxDropExitCodes) {
  CliRun r = Cli({"search", "--max-drop", "10%", Side("kv_slow_..5"), Side("kv_..5")});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "FAIL: 1 test(s) where A ÷ B is below 1 − 10 %")) << r.out;
  r = Cli({"search", "--max-drop=0.1", Side("kv_..5"), Side("kv_..5")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "PASS")) << r.out;
  r = Cli({"search", "--max-drop", "10%", Side("kv_1") + "," + Side("kv_2"),
           Side("kv_slow_1") + "," + Side("kv_slow_2")});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "UNDECIDED")) << r.out;
  r = Cli(
      {"search", "--format", "json", "--max-drop", "10 %", Side("kv_slow_..5"), Side("kv_..5")});
  EXPECT_EQ(r.code, 1);
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc["regressions"], 1);
  EXPECT_EQ(doc["rows"][0]["gate"], "FAIL");
  EXPECT_DOUBLE_EQ(doc["max_drop"].get<double>(), 0.1);
}

TEST(SearchCommandTest, NotComparable) {
  CliRun r = Cli({"search", Side("kv"), Side("redis_2ms")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "kv-compare: search: cannot compare: different objectives for GET"))
      << r.err;
  r = Cli({"search", Side("kv"), Side("redis_d100")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "different workloads")) << r.err;
  EXPECT_TRUE(Contains(r.err, "-d (config \"data_size\": 3 in ")) << r.err;
  r = Cli({"search", Side("kv"), Side("two_tests")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "different tests (-t)")) << r.err;
}

TEST(SearchCommandTest, UsageAndInputErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : {
           Case{{"search"}, "expected two sides"},
           Case{{"search", Side("kv")}, "expected two sides"},
           Case{{"search", Side("kv"), Side("redis"), Side("redis")}, "expected two sides"},
           Case{{"search", "--max-drop", "150%", Side("kv"), Side("redis")},
                "--max-drop: '150%' is not a drop between 0 and 100 %"},
           Case{{"search", "--max-drop", "lots", Side("kv"), Side("redis")}, "--max-drop: 'lots'"},
           Case{{"search", Side("kv"), Side("redis"), "--max-drop"}, "--max-drop needs a value"},
           Case{{"search", "--format", "html", Side("kv"), Side("redis")}, "--format: expected"},
           Case{{"search", "--frobnicate", Side("kv"), Side("redis")},
                "unknown option '--frobnicate'"},
           Case{{"search", Side("kv") + ",", Side("redis")}, "empty file name"},
           Case{{"search", Side("kv"), "/nonexistent/r.json"}, "/nonexistent/r.json"},
           Case{{"search", Side("kv"), TestdataPath("kvload_baseline.json")},
                "a kv-load run (\"schema\": \"kv-load/1\"), not a saturation search"},
           Case{{"search", Side("kv"), TestdataPath("malformed.json")}, "malformed JSON"},
       }) {
    const CliRun r = Cli(c.args);
    EXPECT_EQ(r.code, 2) << c.message;
    EXPECT_TRUE(r.err.starts_with("kv-compare: search: ")) << r.err;
    EXPECT_TRUE(Contains(r.err, c.message)) << r.err;
    EXPECT_EQ(r.out, "") << c.message;
  }
  const CliRun help = Cli({"search", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_TRUE(Contains(help.out, "usage: kv-compare search")) << help.out;
  EXPECT_TRUE(Contains(UsageText(), "kv-compare search [--format F] [--max-drop 10%]"));
}

}  // namespace
}  // namespace kv::compare
