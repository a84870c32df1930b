// The command line in-process (RunCli) and the real binary end to end (exit codes).
#include "tools/compare/cli.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tools/compare/test_util.h"

namespace kv::compare {
namespace {

using testing::Cli;
using testing::CliRun;
using testing::TestdataPath;

std::string Data(const std::string& name) { return TestdataPath(name); }

std::string PolicyPath() { return std::string(KV_SOURCE_DIR) + "/baselines/policy.json"; }

TEST(CompareCliTest, Help) {
  CliRun r = Cli({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("kv-compare gate --policy"), std::string::npos);
  EXPECT_EQ(Cli({}).code, 2);
}

TEST(CompareCliTest, BadUsageIsExitTwo) {
  EXPECT_EQ(Cli({"frobnicate"}).code, 2);
  EXPECT_EQ(Cli({"diff", Data("baseline.json")}).code, 2);
  EXPECT_EQ(Cli({"vs-redis"}).code, 2);
  EXPECT_EQ(Cli({"--format", "html", "vs-redis", Data("baseline.json")}).code, 2);
  EXPECT_EQ(Cli({"--format"}).code, 2);
  EXPECT_EQ(Cli({"--mode=fast", "gate", Data("baseline.json"), Data("current_same.json")}).code, 2);
  CliRun unknown = Cli({"--bogus", "vs-redis", Data("baseline.json")});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown option '--bogus'"), std::string::npos);
}

TEST(CompareCliTest, VsRedis) {
  CliRun r = Cli({"vs-redis", Data("baseline.json")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("geometric mean (3 cases)"), std::string::npos);
  CliRun none = Cli({"vs-redis", Data("kvload_baseline.json")});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("cannot compare"), std::string::npos);
  // One target only (redis-server not installed): its values, no ratios, exit 0.
  CliRun kv_only = Cli({"vs-redis", Data("bench_run_kv_only.json")});
  EXPECT_EQ(kv_only.code, 0) << kv_only.err;
  EXPECT_NE(kv_only.out.find("No ratios"), std::string::npos) << kv_only.out;
  // Failed runs do not make the report fail: they are shown.
  CliRun failed = Cli({"vs-redis", Data("bench_run.json")});
  EXPECT_EQ(failed.code, 0) << failed.err;
  EXPECT_NE(failed.out.find("\nERROR redis/GET/"), std::string::npos) << failed.out;
  CliRun missing = Cli({"vs-redis", Data("no-such-file.json")});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("no-such-file.json: cannot open"), std::string::npos);
  CliRun malformed = Cli({"vs-redis", Data("malformed.json")});
  EXPECT_EQ(malformed.code, 2);
  EXPECT_NE(malformed.err.find("malformed JSON"), std::string::npos);
}

TEST(CompareCliTest, DiffExitCodes) {
  EXPECT_EQ(Cli({"diff", Data("baseline.json"), Data("current_kv_slow.json")}).code, 0);
  CliRun grid = Cli({"diff", Data("baseline.json"), Data("current_other_grid.json")});
  EXPECT_EQ(grid.code, 2);
  EXPECT_NE(grid.err.find("--force"), std::string::npos);
  CliRun forced = Cli({"diff", "--force", Data("baseline.json"), Data("current_other_grid.json")});
  EXPECT_EQ(forced.code, 0);
  EXPECT_NE(forced.out.find("forced: results were measured with different settings"),
            std::string::npos);
  EXPECT_EQ(Cli({"diff", Data("baseline.json"), Data("malformed.json")}).code, 2);
  EXPECT_EQ(Cli({"diff", Data("baseline.json"), Data("unknown_schema.json")}).code, 2);
  EXPECT_EQ(Cli({"diff", Data("baseline.json"), Data("no-such-file.json")}).code, 2);
  EXPECT_EQ(Cli({"diff", Data("kvload_baseline.json"), Data("kvload_current.json")}).code, 0);
}

TEST(CompareCliTest, GateLooksAndPooledFiles) {
  // Look 1 of 2 on a noisy run: exit 3 and the line scripts/gate.sh reads.
  CliRun first = Cli({"gate", "--look", "1/2", Data("baseline.json"), Data("current_noisy.json")});
  EXPECT_EQ(first.code, 3) << first.out << first.err;
  EXPECT_NE(first.out.find("\nrerun-filter: \n"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("gate: INCONCLUSIVE SO FAR (more repetitions) (look 1 of 2)"),
            std::string::npos)
      << first.out;
  // Look 2 of 2 pools the two files: the last look never asks for more.
  CliRun second = Cli({"gate", "--look=2/2", Data("baseline.json"),
                       Data("current_noisy.json") + "," + Data("current_same.json")});
  EXPECT_NE(second.code, 3) << second.out;
  EXPECT_NE(second.out.find("current_noisy.json+"), std::string::npos) << second.out;
  for (const char* bad : {"0/2", "3/2", "2", "1/x", "1/11"}) {
    CliRun r = Cli({"gate", "--look", bad, Data("baseline.json"), Data("current_same.json")});
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_NE(r.err.find("--look: expected K/N"), std::string::npos) << r.err;
  }
  CliRun missing =
      Cli({"gate", Data("baseline.json") + ",/nonexistent.json", Data("current_same.json")});
  EXPECT_EQ(missing.code, 2);
}

TEST(CompareCliTest, IntervalOfPairedRatios) {
  CliRun six = Cli({"interval", "1.1", "1.2", "1.15", "1.12", "1.18", "1.3"});
  EXPECT_EQ(six.code, 0);
  EXPECT_EQ(six.out, "1.165 [1.100, 1.300] faster\n");
  CliRun three = Cli({"interval", "1.1", "1.2", "1.15"});
  EXPECT_EQ(three.out, "1.150 [no 95% interval from 3 values; needs 6] too noisy to tell\n");
  CliRun p99 = Cli({"interval", "--lower-is-better", "0.8", "0.7", "0.75", "0.72", "0.71", "0.9"});
  EXPECT_NE(p99.out.find(" faster\n"), std::string::npos) << p99.out;  // lower p99: kv better
  CliRun same = Cli({"interval", "0.99", "1.01", "1.0", "1.02", "0.98", "1.0"});
  EXPECT_NE(same.out.find("no clear difference"), std::string::npos) << same.out;
  CliRun as_json = Cli({"--format", "json", "interval", "1", "1", "1", "1", "1", "1"});
  EXPECT_NE(as_json.out.find("\"n\":6"), std::string::npos) << as_json.out;
  EXPECT_EQ(Cli({"interval"}).code, 2);
  EXPECT_EQ(Cli({"interval", "1.1", "-1"}).code, 2);
  EXPECT_EQ(Cli({"interval", "1.1", "nan"}).code, 2);
}

TEST(CompareCliTest, GateExitCodes) {
  EXPECT_EQ(
      Cli({"gate", "--policy", PolicyPath(), Data("baseline.json"), Data("current_same.json")})
          .code,
      0);
  CliRun slow =
      Cli({"gate", "--policy", PolicyPath(), Data("baseline.json"), Data("current_kv_slow.json")});
  EXPECT_EQ(slow.code, 1);
  EXPECT_NE(slow.out.find("gate: FAIL (regression)"), std::string::npos);
  EXPECT_EQ(Cli({"gate", "--policy=" + PolicyPath(), Data("baseline.json"),
                 Data("current_slow_machine.json")})
                .code,
            0);
  EXPECT_EQ(
      Cli({"gate", "--mode", "raw", Data("baseline.json"), Data("current_slow_machine.json")}).code,
      1);
  CliRun grid = Cli({"gate", Data("baseline.json"), Data("current_other_grid.json")});
  EXPECT_EQ(grid.code, 2);
  EXPECT_NE(grid.err.find("kv-compare: cannot compare: results were measured with different"),
            std::string::npos);
  EXPECT_EQ(Cli({"gate", "--force", Data("baseline.json"), Data("current_other_grid.json")}).code,
            0);
  EXPECT_EQ(Cli({"gate", "--policy", "/nonexistent.json", Data("baseline.json"),
                 Data("current_same.json")})
                .code,
            2);
  EXPECT_EQ(
      Cli({"gate", "--mode", "raw", Data("kvload_baseline.json"), Data("kvload_current.json")})
          .code,
      2);  // one run each: too few repetitions to gate
}

TEST(CompareCliTest, ColourFollowsTheEnvironment) {
  std::vector<std::string> args = {"gate", Data("baseline.json"), Data("current_kv_slow.json")};
  EXPECT_EQ(Cli(args, {.stdout_is_tty = false, .no_color = false}).out.find('\033'),
            std::string::npos);
  EXPECT_EQ(Cli(args, {.stdout_is_tty = true, .no_color = true}).out.find('\033'),
            std::string::npos);
  EXPECT_NE(Cli(args, {.stdout_is_tty = true, .no_color = false}).out.find('\033'),
            std::string::npos);
  std::vector<std::string> markdown = {"--format=markdown", "gate", Data("baseline.json"),
                                       Data("current_kv_slow.json")};
  EXPECT_EQ(Cli(markdown, {.stdout_is_tty = true, .no_color = false}).out.find('\033'),
            std::string::npos);
}

TEST(CompareCliTest, JsonFormat) {
  CliRun r = Cli({"--format", "json", "gate", Data("baseline.json"), Data("current_kv_slow.json")});
  EXPECT_EQ(r.code, 1);
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["result"], "regression");
}

// The binary itself, as CI runs it: exit statuses through the shell, output not on a tty.
// (The command is built by appending: GCC 12's -Wrestrict misfires on `"x" + std::string&&`.)
int RunBinary(const std::vector<std::string>& args) {
  std::string command = "'";
  command += KV_COMPARE_BINARY;
  command += "'";
  for (const std::string& arg : args) {
    command += " '";
    command += arg;
    command += "'";
  }
  command += " >/dev/null 2>&1";
  int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(CompareCliBinaryTest, ExitCodesEndToEnd) {
  const std::string policy = PolicyPath();
  const std::string base = Data("baseline.json");
  EXPECT_EQ(RunBinary({"--help"}), 0);
  EXPECT_EQ(RunBinary({"gate", "--policy", policy, base, Data("current_same.json")}), 0);
  EXPECT_EQ(RunBinary({"gate", "--policy", policy, base, Data("current_kv_slow.json")}), 1);
  EXPECT_EQ(RunBinary({"gate", "--policy", policy, base, Data("current_other_grid.json")}), 2);
  EXPECT_EQ(RunBinary({"gate", "--policy", policy, base, Data("malformed.json")}), 2);
  EXPECT_EQ(RunBinary({"vs-redis", base}), 0);
  EXPECT_EQ(RunBinary({"diff", base, Data("current_noisy.json")}), 0);
}

TEST(CompareCliTest, Stability) {
  std::vector<std::string> runs = {Data("stability_run1.json"), Data("stability_run2.json"),
                                   Data("stability_run3.json")};
  std::vector<std::string> args = {"stability"};
  args.insert(args.end(), runs.begin(), runs.end());
  CliRun r = Cli(args);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("SET/clients:1/pipeline:1     3    10.00       10.00        0.00"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ratio CV < kv CV in 1 of 2 cases\n"), std::string::npos) << r.out;

  std::vector<std::string> json_args = {"--format=json"};
  json_args.insert(json_args.end(), args.begin(), args.end());
  CliRun j = Cli(json_args);
  EXPECT_EQ(j.code, 0) << j.err;
  auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["schema"], "kv-compare-stability");
  ASSERT_EQ(doc["cases"].size(), 2u);
  EXPECT_NEAR(doc["cases"][0]["kv_cv"].get<double>(), 0.1, 1e-12);
  EXPECT_EQ(doc["cases"][0]["ratio_cv"], 0.0);
  EXPECT_TRUE(doc["warnings"].empty());
}

TEST(CompareCliTest, StabilityBadInputIsExitTwo) {
  const std::string run1 = Data("stability_run1.json");
  const std::string run2 = Data("stability_run2.json");
  CliRun one = Cli({"stability", run1});
  EXPECT_EQ(one.code, 2);
  EXPECT_NE(one.err.find("usage: kv-compare stability RUN1.json RUN2.json"), std::string::npos);
  EXPECT_EQ(Cli({"stability"}).code, 2);
  CliRun missing = Cli({"stability", run1, Data("no-such-file.json")});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("no-such-file.json: cannot open"), std::string::npos);
  CliRun malformed = Cli({"stability", run1, Data("malformed.json"), run2});
  EXPECT_EQ(malformed.code, 2);
  EXPECT_NE(malformed.err.find("malformed JSON"), std::string::npos);
  CliRun disjoint = Cli({"stability", run1, Data("stability_disjoint.json")});
  EXPECT_EQ(disjoint.code, 2);
  EXPECT_NE(disjoint.err.find("kv-compare: cannot compare: no case has kv/<case> and "
                              "redis/<case> items_per_second results in all 2 runs"),
            std::string::npos)
      << disjoint.err;
  EXPECT_EQ(disjoint.out, "");
  // kv-load results have no kv/<case> redis/<case> pairs; with Google Benchmark JSON they are not
  // comparable, and forcing that still leaves nothing paired.
  EXPECT_EQ(Cli({"stability", Data("kvload_baseline.json"), Data("kvload_current.json")}).code, 2);
  EXPECT_EQ(Cli({"stability", "--force", run1, Data("kvload_baseline.json")}).code, 2);
}

TEST(CompareCliTest, StabilityRunsMustBeComparableUnlessForced) {
  const std::string run1 = Data("stability_run1.json");
  const std::string other = Data("stability_other_grid.json");
  CliRun grid = Cli({"stability", run1, Data("stability_run3.json"), other});
  EXPECT_EQ(grid.code, 2);
  EXPECT_NE(grid.err.find("stability_other_grid.json: results were measured with different "
                          "settings: grid"),
            std::string::npos)
      << grid.err;
  EXPECT_NE(grid.err.find("(--force to compare anyway)"), std::string::npos);
  CliRun forced = Cli({"--force", "stability", run1, Data("stability_run3.json"), other});
  EXPECT_EQ(forced.code, 0) << forced.err;
  EXPECT_NE(forced.out.find("forced: "), std::string::npos);
  // The other-grid file holds run 2's numbers: the same report as for runs 1, 2 and 3.
  EXPECT_NE(forced.out.find("ratio CV < kv CV in 1 of 2 cases\n"), std::string::npos) << forced.out;
}

TEST(CompareCliTest, HelpNamesStability) {
  EXPECT_NE(UsageText().find("kv-compare stability RUN1.json RUN2.json [RUN3.json ...]"),
            std::string::npos);
  CliRun unknown = Cli({"stabilty", Data("stability_run1.json"), Data("stability_run2.json")});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("gate, stability, interval, report, merge, instructions or search"),
            std::string::npos);
  EXPECT_NE(UsageText().find("kv-compare merge A.json B.json [...] -o MERGED.json"),
            std::string::npos);
}

TEST(CompareCliBinaryTest, StabilityExitCodesEndToEnd) {
  const std::string run1 = Data("stability_run1.json");
  const std::string run2 = Data("stability_run2.json");
  EXPECT_EQ(RunBinary({"stability", run1, run2, Data("stability_run3.json")}), 0);
  EXPECT_EQ(RunBinary({"--format", "json", "stability", run1, run2}), 0);
  EXPECT_EQ(RunBinary({"stability", run1}), 2);
  EXPECT_EQ(RunBinary({"stability", run1, Data("no-such-file.json")}), 2);
  EXPECT_EQ(RunBinary({"stability", run1, Data("malformed.json")}), 2);
  EXPECT_EQ(RunBinary({"stability", run1, Data("stability_disjoint.json")}), 2);
  EXPECT_EQ(RunBinary({"stability", run1, Data("stability_other_grid.json")}), 2);
}

}  // namespace
}  // namespace kv::compare
