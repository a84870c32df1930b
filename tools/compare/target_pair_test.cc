// Targets beyond kv and redis: the pair a file compares (kv_bench's kv_reference, older files'
// kv÷redis), vs-redis for every target against the reference, the gate's ratio mode and the HTML
// report with targets named e.g. "redis2" or "valkey".
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tools/compare/cli.h"
#include "tools/compare/compare.h"
#include "tools/compare/gate.h"
#include "tools/compare/html/report_command.h"
#include "tools/compare/result_set.h"
#include "tools/compare/test_util.h"
#include "tools/compare/vs_redis.h"

namespace kv::compare {
namespace {

using testing::Cli;
using testing::CliRun;

struct Target {
  std::string name;
  double ops;  // items_per_second of every case; repetition i adds i
};

// kv_bench JSON: GET and SET at clients 1 and 10, `reps` repetitions, the given targets
// interleaved; kv_reference written when `reference` is not empty.
std::string BenchJson(const std::vector<Target>& targets, const std::string& reference,
                      int reps = 6) {
  nlohmann::json doc;
  doc["context"] = {{"grid", "targets=x clients=1,10"}, {"build_type", "Release"}};
  if (!reference.empty()) {
    doc["context"]["kv_reference"] = reference;
    doc["context"]["kv_target_" + reference] = "the reference server";
  }
  doc["benchmarks"] = nlohmann::json::array();
  for (int rep = 0; rep < reps; ++rep) {
    for (const char* c : {"GET/clients:1/pipeline:1", "SET/clients:1/pipeline:1",
                          "GET/clients:10/pipeline:1", "SET/clients:10/pipeline:1"}) {
      for (const Target& t : targets) {
        const std::string name = t.name + "/" + c + "/real_time/threads:1";
        doc["benchmarks"].push_back({{"name", name},
                                     {"run_name", name},
                                     {"run_type", "iteration"},
                                     {"repetitions", reps},
                                     {"repetition_index", rep},
                                     {"threads", 1},
                                     {"items_per_second", t.ops + rep},
                                     {"p50_us", 1e6 / (t.ops + rep)},
                                     {"p99_us", 2e6 / (t.ops + rep)}});
      }
    }
  }
  return doc.dump();
}

ResultSet Parse(const std::string& text) {
  Result<ResultSet> set = ParseResults(text, "run.json");
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error());
  return set.ok() ? std::move(*set) : ResultSet{};
}

// A file under the test's temporary directory, removed with it.
class TempFiles {
 public:
  TempFiles()
      : dir_(std::filesystem::temp_directory_path() /
             ("kv_compare_target_pair_test-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~TempFiles() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

TEST(CompareTargetPairTest, PairComesFromKvReferenceElseIsKvOverRedis) {
  // Files from before kv_reference: kv ÷ redis.
  ResultSet old = Parse(BenchJson({{"kv", 200}, {"redis", 100}}, ""));
  EXPECT_EQ(old.pair, (TargetPair{"kv", "redis"}));
  EXPECT_EQ(TargetsIn(old), (std::vector<std::string>{"kv", "redis"}));
  // kv first among the targets compared with the reference, whatever the file order.
  ResultSet three = Parse(BenchJson({{"redis2", 100}, {"kv", 200}, {"redis", 100}}, "redis"));
  EXPECT_EQ(three.pair, (TargetPair{"kv", "redis"}));
  const std::vector<TargetPair> pairs = PairsToReport(three, "redis");
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], (TargetPair{"kv", "redis"}));
  EXPECT_EQ(pairs[1], (TargetPair{"redis2", "redis"}));
  // Another reference, and no kv at all.
  EXPECT_EQ(Parse(BenchJson({{"kv", 200}, {"valkey", 100}}, "valkey")).pair,
            (TargetPair{"kv", "valkey"}));
  EXPECT_EQ(Parse(BenchJson({{"redis", 100}, {"valkey", 90}}, "redis")).pair,
            (TargetPair{"valkey", "redis"}));
}

TEST(CompareTargetPairTest, VsRedisComparesAnyTargetWithTheReference) {
  ResultSet set = Parse(BenchJson({{"kv", 200}, {"redis", 100}, {"redis2", 100}}, "redis"));
  Result<VsRedisReport> kv = VsRedis(set);
  ASSERT_TRUE(kv.ok()) << kv.error();
  EXPECT_EQ(kv->pair, (TargetPair{"kv", "redis"}));
  EXPECT_EQ(kv->paired, 4u);
  ASSERT_TRUE(kv->geomean_ops_ratio.has_value());
  EXPECT_GT(*kv->geomean_ops_ratio, 1.9);
  Result<VsRedisReport> twin = VsRedis(set, VsRedisOptions{.pair = TargetPair{"redis2", "redis"}});
  ASSERT_TRUE(twin.ok()) << twin.error();
  EXPECT_EQ(twin->paired, 4u);
  EXPECT_DOUBLE_EQ(*twin->geomean_ops_ratio, 1.0);
  EXPECT_EQ(twin->geomean_ops_verdict, VsRedisVerdict::kNoClearDifference);
  // The reference's description from kv_bench's context is shown with the report.
  bool described = false;
  for (const auto& [key, value] : twin->context) described |= key == "kv_target_redis";
  EXPECT_TRUE(described);
  EXPECT_FALSE(VsRedis(set, VsRedisOptions{.pair = TargetPair{"x", "y"}}).ok());
}

TEST(CompareTargetPairTest, VsRedisCommandPrintsEveryTargetAgainstTheReference) {
  TempFiles files;
  const std::string path =
      files.Write("three.json", BenchJson({{"kv", 200}, {"redis", 100}, {"redis2", 100}}, "redis"));
  CliRun r = Cli({"vs-redis", path});
  ASSERT_EQ(r.code, 0) << r.err;
  const size_t kv = r.out.find("kv-server vs reference redis-server, same run");
  const size_t twin = r.out.find("redis2 vs reference redis-server, same run");
  ASSERT_NE(kv, std::string::npos) << r.out;
  ASSERT_NE(twin, std::string::npos) << r.out;
  EXPECT_LT(kv, twin);
  EXPECT_NE(r.out.find("ops redis2÷redis"), std::string::npos) << r.out;
  // The alias, one target, another reference.
  r = Cli({"vs-reference", "--target", "redis2", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("kv-server vs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("redis2 vs reference redis-server"), std::string::npos) << r.out;
  r = Cli({"vs-redis", "--reference", "redis2", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("kv-server vs reference redis2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("redis-server vs reference redis2"), std::string::npos) << r.out;
  // JSON: one report per pair, each naming its target and reference.
  r = Cli({"--format", "json", "vs-redis", path});
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json doc = nlohmann::json::parse(r.out);
  ASSERT_TRUE(doc.is_array()) << r.out;
  ASSERT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc[0]["target"], "kv");
  EXPECT_EQ(doc[1]["target"], "redis2");
  EXPECT_EQ(doc[1]["reference"], "redis");
  // A file of two targets keeps the single object.
  const std::string two = files.Write("two.json", BenchJson({{"kv", 200}, {"redis", 100}}, ""));
  r = Cli({"--format", "json", "vs-redis", two});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out).is_object());
  r = Cli({"vs-redis", "--reference", "", two});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--reference"), std::string::npos) << r.err;
}

TEST(CompareTargetPairTest, GateRatioModeWorksForAnyPair) {
  // kv ÷ valkey; kv slows down by 30 % between baseline and current, valkey does not.
  ResultSet baseline = Parse(BenchJson({{"kv", 200}, {"valkey", 100}}, "valkey"));
  ResultSet current = Parse(BenchJson({{"kv", 140}, {"valkey", 100}}, "valkey"));
  ASSERT_EQ(current.pair, (TargetPair{"kv", "valkey"}));
  Policy policy = DefaultPolicy();
  policy.targets.clear();  // the absolute ones expect kv-server's real throughput
  const GateReport report =
      RunGate(baseline, current, policy,
              GateOptions{.force = false, .modes = std::vector<GateMode>{GateMode::kRatio}});
  EXPECT_EQ(report.exit_code, kExitRegression);
  ASSERT_FALSE(report.reasons.empty());
  EXPECT_NE(report.reasons.front().find("kv÷valkey"), std::string::npos) << report.reasons.front();
  EXPECT_EQ(RerunFilter({"GET"}, current.pair), "^(kv|valkey)/(GET)/");
  // Unchanged: pass. A file whose pair differs cannot be compared.
  EXPECT_EQ(RunGate(baseline, baseline, policy,
                    GateOptions{.modes = std::vector<GateMode>{GateMode::kRatio}})
                .exit_code,
            kExitPass);
  ResultSet other = Parse(BenchJson({{"kv", 200}, {"valkey", 100}, {"redis", 100}}, "redis"));
  Status comparable = CheckComparable(baseline, other);
  ASSERT_FALSE(comparable.ok());
  EXPECT_NE(comparable.error().find("ratios: baseline kv÷valkey, current kv÷redis"),
            std::string::npos)
      << comparable.error();
}

TEST(CompareTargetPairTest, HtmlReportHasASectionPerTargetAgainstTheReference) {
  TempFiles files;
  const std::string path =
      files.Write("three.json", BenchJson({{"kv", 200}, {"redis", 100}, {"redis2", 100}}, "redis"));
  const std::string html_path = files.Path("report.html");
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(html::RunReportCommand({"report", path, "-o", html_path}, out, err), 0) << err.str();
  const std::string html = *ReadTextFile(html_path);
  EXPECT_NE(html.find("kv-server vs reference redis-server, same run"), std::string::npos);
  EXPECT_NE(html.find("redis2 vs reference redis-server, same run"), std::string::npos);
  EXPECT_NE(html.find("redis2 ÷ redis"), std::string::npos);
}

}  // namespace
}  // namespace kv::compare
