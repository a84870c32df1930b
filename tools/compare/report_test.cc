#include "tools/compare/report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tools/compare/table.h"
#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using nlohmann::json;
using testing::LoadTestdata;
using testing::ReadTestdata;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first line of `text` that starts with `prefix`; empty when there is none.
std::string LineStartingWith(const std::string& text, const std::string& prefix) {
  for (const std::string& line : Lines(text)) {
    if (line.starts_with(prefix)) return line;
  }
  return "";
}

GateReport SlowGate() {
  return RunGate(LoadTestdata("baseline.json"), LoadTestdata("current_kv_slow.json"),
                 DefaultPolicy(), {});
}

TEST(CompareTableTest, TextAlignsColumnsCountingUtf8Characters) {
  Table table({{"name"}, {"µs", Align::kRight}});
  table.AddRow({{"a÷b"}, {"1.5"}});
  table.AddRow({{"longer"}, {"10"}});
  EXPECT_EQ(table.ToText(false),
            "name     µs\n"
            "------  ---\n"
            "a÷b     1.5\n"
            "longer   10\n");
  EXPECT_EQ(DisplayWidth("a÷bµ"), 4u);
}

TEST(CompareTableTest, ColourOnlyWhenAsked) {
  Table table({{"verdict"}});
  table.AddRow({{"regressed", Color::kRed}});
  EXPECT_EQ(table.ToText(false).find('\033'), std::string::npos);
  EXPECT_NE(table.ToText(true).find("\033[31mregressed\033[0m"), std::string::npos);
}

TEST(CompareTableTest, MarkdownEscapesPipes) {
  Table table({{"a"}, {"b", Align::kRight}});
  table.AddRow({{"x|y"}, {"2"}});
  table.AddRow({{"z"}});  // missing cells are blank
  EXPECT_EQ(table.ToMarkdown(),
            "| a | b |\n"
            "| --- | ---: |\n"
            "| x\\|y | 2 |\n"
            "| z |  |\n");
}

TEST(CompareReportTest, FormatNumber) {
  EXPECT_EQ(FormatNumber(123456.7), "123457");
  EXPECT_EQ(FormatNumber(123.45), "123.5");  // 123.45 is just above in binary
  EXPECT_EQ(FormatNumber(12.345), "12.35");
  EXPECT_EQ(FormatNumber(0.5), "0.500");
  EXPECT_EQ(FormatNumber(-2500), "-2500");
}

TEST(CompareReportTest, ParseOutputFormat) {
  EXPECT_EQ(*ParseOutputFormat("text"), OutputFormat::kText);
  EXPECT_EQ(*ParseOutputFormat("markdown"), OutputFormat::kMarkdown);
  EXPECT_EQ(*ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_FALSE(ParseOutputFormat("html").ok());
}

TEST(CompareReportTest, VsRedisMarkdownMatchesGolden) {
  auto report = VsRedis(LoadTestdata("baseline.json"));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(RenderVsRedis(*report, {.format = OutputFormat::kMarkdown, .color = false}),
            ReadTestdata("golden/vs_redis_baseline.md"));
}

// What scripts/bench.sh prints and saves as summary.txt.
TEST(CompareReportTest, VsRedisTextOfABenchRunMatchesGolden) {
  auto report = VsRedis(LoadTestdata("bench_run.json"));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(RenderVsRedis(*report, {.format = OutputFormat::kText, .color = false}),
            ReadTestdata("golden/vs_redis_bench_run.txt"));
}

TEST(CompareReportTest, VsRedisTextWithRunConditionsMatchesGolden) {
  auto report = VsRedis(LoadTestdata("bench_run_conditions.json"));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(RenderVsRedis(*report, {.format = OutputFormat::kText, .color = false}),
            ReadTestdata("golden/vs_redis_conditions.txt"));
}

// What the former kv_bench_summary's table was tested for, on vs-redis.
TEST(CompareReportTest, VsRedisTextShowsContextBothTargetsAndFailures) {
  auto report = VsRedis(LoadTestdata("bench_run.json"));
  ASSERT_TRUE(report.ok());
  const std::string table = RenderVsRedis(*report, {.format = OutputFormat::kText, .color = false});
  for (const char* want :
       {"\nhost: box (2 cpus)\n", "\nredis_version: 7.0.15\n", "kv ops/s", "redis ops/s"}) {
    EXPECT_NE(table.find(want), std::string::npos) << want << " in\n" << table;
  }
  // SET: 20000 vs 10000 -> 2.000, with p50 and p99 of each.
  const std::string set_line = LineStartingWith(table, "SET/clients:1/pipeline:1 ");
  for (const char* want : {"20000", "45.50", "250.0", "2.000"}) {
    EXPECT_NE(set_line.find(want), std::string::npos) << want << " in " << set_line;
  }
  // GET: redis failed -> ERROR cell, no ratio, and the message listed below the table.
  const std::string get_line = LineStartingWith(table, "GET/clients:10/pipeline:16/threads:10 ");
  for (const char* want : {"300000", "ERROR", "n/a", "redis failed"}) {
    EXPECT_NE(get_line.find(want), std::string::npos) << want << " in " << get_line;
  }
  EXPECT_NE(table.find("\nERROR redis/GET/clients:10/pipeline:16/threads:10: server died: "
                       "redis-server exited with status 1\n"),
            std::string::npos)
      << table;
}

TEST(CompareReportTest, VsRedisWithOneTargetHasNoRatioColumns) {
  auto report = VsRedis(LoadTestdata("bench_run_kv_only.json"));
  ASSERT_TRUE(report.ok());
  for (OutputFormat format : {OutputFormat::kText, OutputFormat::kMarkdown}) {
    const std::string table = RenderVsRedis(*report, {.format = format, .color = false});
    EXPECT_EQ(table.find("kv÷redis"), std::string::npos) << table;
    EXPECT_EQ(table.find("redis ops/s"), std::string::npos) << table;
    EXPECT_EQ(table.find("geometric mean"), std::string::npos) << table;
    EXPECT_NE(table.find("kv p50 µs"), std::string::npos) << table;
    EXPECT_NE(table.find("1000"), std::string::npos) << table;
    EXPECT_NE(table.find("No ratios: no case has both kv/<case> and redis/<case>"),
              std::string::npos)
        << table;
  }
}

TEST(CompareReportTest, GateMarkdownMatchesGolden) {
  EXPECT_EQ(RenderGate(SlowGate(), {.format = OutputFormat::kMarkdown, .color = false}),
            ReadTestdata("golden/gate_kv_slow.md"));
}

TEST(CompareReportTest, TextTablesHaveOneLinePerRow) {
  GateReport gate = SlowGate();
  std::string text = RenderGate(gate, {.format = OutputFormat::kText, .color = false});
  EXPECT_EQ(text.find('\033'), std::string::npos);
  size_t fail_lines = 0;
  size_t row_lines = 0;
  for (const std::string& line : Lines(text)) {
    if (line.find(" regressed ") != std::string::npos && line.find(" FAIL ") != std::string::npos) {
      ++fail_lines;
    }
    if (line.find("_us") != std::string::npos ||
        line.find("items_per_second") != std::string::npos ||
        line.find("bytes_per_key") != std::string::npos) {
      ++row_lines;
    }
  }
  EXPECT_EQ(fail_lines, 1u);
  EXPECT_GE(row_lines, gate.rows.size());
  EXPECT_NE(text.find("gate: FAIL (regression)"), std::string::npos);
  std::string coloured = RenderGate(gate, {.format = OutputFormat::kText, .color = true});
  EXPECT_NE(coloured.find("\033[31mFAIL (regression)\033[0m"), std::string::npos);
}

TEST(CompareReportTest, GateJsonShape) {
  GateReport gate = SlowGate();
  json doc = json::parse(RenderGate(gate, {.format = OutputFormat::kJson, .color = true}));
  EXPECT_EQ(doc["schema"], "kv-compare-gate");
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["result"], "regression");
  EXPECT_EQ(doc["exit_code"], 1);
  EXPECT_EQ(doc["modes"], json::array({"ratio"}));
  ASSERT_EQ(doc["rows"].size(), gate.rows.size());
  size_t fails = 0;
  for (const json& row : doc["rows"]) {
    for (const char* key :
         {"benchmark", "mode", "metric", "n_baseline", "n_current", "baseline", "current", "change",
          "p_value", "cv_baseline", "cv_current", "verdict", "note", "gated", "fails"}) {
      EXPECT_TRUE(row.contains(key)) << key;
    }
    if (row["fails"].get<bool>()) {
      ++fails;
      EXPECT_EQ(row["verdict"], "regressed");
      EXPECT_EQ(row["mode"], "ratio");
      EXPECT_LT(row["p_value"].get<double>(), 0.01);
    }
  }
  EXPECT_EQ(fails, 1u);
  EXPECT_EQ(doc["reasons"].size(), 1u);
  EXPECT_EQ(doc["targets"].size(), DefaultPolicy().targets.size());
  EXPECT_EQ(doc["targets"][0]["status"], "met");
}

TEST(CompareReportTest, GateJsonWithThePolicyCarriesThresholdsAndLevels) {
  Policy policy = DefaultPolicy();
  const MetricPolicy* p99 = policy.FindMetric("p99_us");
  ASSERT_NE(p99, nullptr);
  json doc =
      json::parse(RenderGate(SlowGate(), {.format = OutputFormat::kJson, .color = false}, policy));
  EXPECT_EQ(doc["policy"]["alpha"], policy.alpha);
  EXPECT_EQ(doc["policy"]["confidence"], policy.confidence);
  EXPECT_EQ(doc["policy"]["min_repetitions"], policy.min_repetitions);
  bool saw_p99 = false;
  for (const json& row : doc["rows"]) {
    ASSERT_TRUE(row.contains("threshold")) << row.dump();
    if (row["metric"] != "p99_us") continue;
    saw_p99 = true;
    EXPECT_EQ(row["threshold"], p99->threshold);
    EXPECT_EQ(row["direction"], "lower_is_better");
  }
  EXPECT_TRUE(saw_p99);
  // Without the policy the JSON stays as it was.
  json plain = json::parse(RenderGate(SlowGate(), {.format = OutputFormat::kJson, .color = false}));
  EXPECT_FALSE(plain.contains("policy"));
  EXPECT_FALSE(plain["rows"][0].contains("threshold"));
}

TEST(CompareReportTest, DiffJsonUsesNullForNotApplicable) {
  DiffReport diff;
  diff.baseline_source = "a.json";
  diff.current_source = "b.json";
  diff.rows = CompareRaw(LoadTestdata("single_run.json"), LoadTestdata("current_reshaped.json"),
                         DefaultPolicy());
  json doc = json::parse(RenderDiff(diff, {.format = OutputFormat::kJson, .color = false}));
  EXPECT_EQ(doc["schema"], "kv-compare-diff");
  ASSERT_EQ(doc["rows"].size(), diff.rows.size());
  bool saw_new = false;
  for (const json& row : doc["rows"]) {
    EXPECT_TRUE(row["p_value"].is_null());  // one repetition in the baseline
    EXPECT_TRUE(row["cv_baseline"].is_null());
    if (row["verdict"] == "new") {
      saw_new = true;
      EXPECT_TRUE(row["baseline"].is_null());
      EXPECT_TRUE(row["change"].is_null());
    }
  }
  EXPECT_TRUE(saw_new);
}

TEST(CompareReportTest, DiffMarkdownHasBothSections) {
  DiffReport diff;
  diff.baseline_source = "baseline.json";
  diff.current_source = "current.json";
  diff.rows =
      CompareRaw(LoadTestdata("baseline.json"), LoadTestdata("current_same.json"), DefaultPolicy());
  std::vector<Comparison> ratios = CompareRatios(
      LoadTestdata("baseline.json"), LoadTestdata("current_same.json"), DefaultPolicy());
  diff.rows.insert(diff.rows.end(), ratios.begin(), ratios.end());
  std::string md = RenderDiff(diff, {.format = OutputFormat::kMarkdown, .color = false});
  EXPECT_EQ(md.rfind("## kv-compare diff: baseline.json -> current.json\n", 0), 0u);
  EXPECT_NE(md.find("### Raw values"), std::string::npos);
  EXPECT_NE(md.find("### kv ÷ redis from the same run"), std::string::npos);
  size_t table_rows = 0;
  for (const std::string& line : Lines(md)) {
    if (line.starts_with("| ") && !line.starts_with("| ---") &&
        line.find(" | ") != std::string::npos && line.find("benchmark") == std::string::npos &&
        line.find("case (kv") == std::string::npos) {
      ++table_rows;
    }
  }
  EXPECT_EQ(table_rows, diff.rows.size());
}

TEST(CompareReportTest, VsRedisJsonShape) {
  auto report = VsRedis(LoadTestdata("baseline.json"));
  ASSERT_TRUE(report.ok());
  json doc = json::parse(RenderVsRedis(*report, {.format = OutputFormat::kJson, .color = false}));
  EXPECT_EQ(doc["schema"], "kv-compare-vs-redis");
  EXPECT_EQ(doc["paired"], 3);
  ASSERT_EQ(doc["rows"].size(), 3u);
  EXPECT_EQ(doc["rows"][0]["case"], "SET/clients:1/pipeline:1");
  EXPECT_DOUBLE_EQ(doc["rows"][0]["throughput_ratio_kv_over_redis"].get<double>(),
                   *report->rows[0].ops_ratio);
  EXPECT_DOUBLE_EQ(doc["geomean"]["throughput_ratio_kv_over_redis"].get<double>(),
                   *report->geomean_ops_ratio);
  EXPECT_EQ(doc["context"]["grid"], "clients=1,10;pipeline=1,16");
  EXPECT_DOUBLE_EQ(doc["rows"][0]["kv_p50_us"].get<double>(), *report->rows[0].kv_p50_us);
  EXPECT_TRUE(doc["rows"][0]["kv_errors"].empty());

  auto failed = VsRedis(LoadTestdata("bench_run.json"));
  ASSERT_TRUE(failed.ok());
  json failed_doc =
      json::parse(RenderVsRedis(*failed, {.format = OutputFormat::kJson, .color = false}));
  EXPECT_TRUE(failed_doc["rows"][1]["redis_items_per_second"].is_null());
  EXPECT_EQ(failed_doc["rows"][1]["redis_errors"][0],
            "server died: redis-server exited with status 1");
}

StabilityReport ThreeRunStability() {
  std::vector<ResultSet> runs = {LoadTestdata("stability_run1.json"),
                                 LoadTestdata("stability_run2.json"),
                                 LoadTestdata("stability_run3.json")};
  auto report = Stability(runs);
  EXPECT_TRUE(report.ok()) << report.error();
  return report.ok() ? std::move(*report) : StabilityReport{};
}

TEST(CompareReportTest, StabilityMarkdownMatchesGolden) {
  EXPECT_EQ(
      RenderStability(ThreeRunStability(), {.format = OutputFormat::kMarkdown, .color = false}),
      ReadTestdata("golden/stability_runs.md"));
}

TEST(CompareReportTest, StabilityTextIsAnAlignedTableThenTheSummaryLine) {
  StabilityReport report = ThreeRunStability();
  report.warnings.push_back("forced: something");
  std::vector<std::string> lines =
      Lines(RenderStability(report, {.format = OutputFormat::kText, .color = false}));
  ASSERT_GE(lines.size(), 6u);
  EXPECT_EQ(lines[0],
            "kv-compare stability (items_per_second, 3 runs): stability_run1.json, "
            "stability_run2.json, stability_run3.json");
  EXPECT_EQ(lines[2],
            "case                      runs  kv CV %  redis CV %  ratio CV %  kv÷redis over runs "
            "[95% CI]              kv is");
  EXPECT_EQ(lines[3],
            "------------------------  ----  -------  ----------  ----------  "
            "---------------------------  -----------------");
  // 3 runs: no 95 % interval of a median exists (it needs 6), so the word says so.
  EXPECT_EQ(lines[4],
            "SET/clients:1/pipeline:1     3    10.00       10.00        0.00                        "
            "1.250  too noisy to tell");
  EXPECT_EQ(lines[5],
            "GET/clients:1/pipeline:1     3     0.00       22.18       32.78                        "
            "1.000  too noisy to tell");
  EXPECT_EQ(lines.back(),
            "median over 2 cases: kv CV 5.00%, redis CV 16.09%, ratio CV 16.39%; ratio CV < kv CV "
            "in 1 of 2 cases");
  bool saw_warning = false;
  for (const std::string& line : lines) saw_warning |= line == "  forced: something";
  EXPECT_TRUE(saw_warning);
  std::string coloured = RenderStability(report, {.format = OutputFormat::kText, .color = true});
  EXPECT_NE(coloured.find("\033[32m      0.00\033[0m"), std::string::npos);  // SET's steadier ratio
  EXPECT_EQ(coloured.find("\033[32m     32.78"), std::string::npos);
}

TEST(CompareReportTest, StabilityOfSixRunsHasAnIntervalAndAVerdict) {
  std::vector<ResultSet> runs;
  for (int i = 0; i < 2; ++i) {
    for (const char* f : {"stability_run1.json", "stability_run2.json", "stability_run3.json"}) {
      runs.push_back(LoadTestdata(f));
    }
  }
  auto report = Stability(runs);
  ASSERT_TRUE(report.ok()) << report.error();
  ASSERT_EQ(report->rows.size(), 2u);
  // SET: kv÷redis is 1.25 in every run: [1.25, 1.25], faster.
  const StabilityRow& set = report->rows[0];
  ASSERT_TRUE(set.ratio_interval.has_value());
  EXPECT_NEAR(set.ratio_interval->low, 1.25, 1e-9);
  EXPECT_NEAR(set.ratio_interval->high, 1.25, 1e-9);
  EXPECT_EQ(set.verdict, VsRedisVerdict::kFaster);
  // GET: the runs' ratios spread by a third: the interval [min, max] holds 1 and is wide.
  const StabilityRow& get = report->rows[1];
  ASSERT_TRUE(get.ratio_interval.has_value());
  EXPECT_LT(get.ratio_interval->low, 1);
  EXPECT_GT(get.ratio_interval->high, 1.05);
  EXPECT_EQ(get.verdict, VsRedisVerdict::kTooNoisy);
}

TEST(CompareReportTest, StabilityJsonHasPerRunValuesAndNoNaN) {
  StabilityReport report = ThreeRunStability();
  json doc = json::parse(RenderStability(report, {.format = OutputFormat::kJson, .color = false}));
  EXPECT_EQ(doc["schema"], "kv-compare-stability");
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["metric"], "items_per_second");
  EXPECT_EQ(doc["sources"].size(), 3u);
  ASSERT_EQ(doc["cases"].size(), 2u);
  const json& set = doc["cases"][0];
  EXPECT_EQ(set["case"], "SET/clients:1/pipeline:1");
  ASSERT_EQ(set["runs"].size(), 3u);
  EXPECT_EQ(set["runs"][1]["source"], "stability_run2.json");
  EXPECT_EQ(set["runs"][1]["kv_median"], 20000.0);
  EXPECT_EQ(set["runs"][1]["redis_median"], 16000.0);
  EXPECT_EQ(set["runs"][1]["ratio_median"], 1.25);
  EXPECT_EQ(set["runs"][1]["ratios"], 3);
  EXPECT_DOUBLE_EQ(set["kv_cv"].get<double>(), report.rows[0].kv_cv);
  EXPECT_EQ(set["ratio_cv"], 0.0);
  EXPECT_EQ(set["ratio_steadier"], true);
  EXPECT_EQ(doc["cases"][1]["ratio_steadier"], false);
  EXPECT_EQ(doc["summary"]["cases"], 2);
  EXPECT_EQ(doc["summary"]["ratio_steadier"], 1);
  EXPECT_DOUBLE_EQ(doc["summary"]["median_ratio_cv"].get<double>(), report.median_ratio_cv);
  ASSERT_EQ(doc["skipped"].size(), 2u);
  EXPECT_EQ(doc["skipped"][1]["case"], "DEL/clients:1/pipeline:1");

  // Should a non-finite number ever reach the renderer, it becomes null, never NaN.
  report.rows[0].kv_cv = std::nan("");
  report.median_kv_cv = std::numeric_limits<double>::infinity();
  std::string text = RenderStability(report, {.format = OutputFormat::kJson, .color = false});
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("Infinity"), std::string::npos);
  json bad = json::parse(text);
  EXPECT_TRUE(bad["cases"][0]["kv_cv"].is_null());
  EXPECT_TRUE(bad["summary"]["median_kv_cv"].is_null());
}

}  // namespace
}  // namespace kv::compare
