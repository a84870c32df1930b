// Process-level tests of kv-load --slo against a real kv-server (built in the same build
// directory): a search with a generous objective finds a rate and writes the kv-load-search/1
// document; an objective below any server's floor exits 2; a server killed mid-search exits 3 and
// the steps measured so far are still reported. No assertion depends on the rate found.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fixtures/server_process.h"
#include "tools/load/load_process_test_util.h"

namespace kv::load {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<fixtures::ServerProcess> StartKv(const std::string& tag) {
  auto server = fixtures::ServerProcess::Start(
      ServerOptions(fixtures::ServerKind::kKvServer, KV_SERVER_BINARY, tag));
  EXPECT_TRUE(server.ok()) << server.error();
  return server.ok() ? std::move(*server) : nullptr;
}

// The keys of the contract (docs/kv-load.md, "Saturation search").
void ExpectSearchShape(const nlohmann::json& s) {
  for (const char* k :
       {"title", "objectives", "settings", "answer_rps", "answer_achieved_rps", "first_broken",
        "limited_by", "lower_bound", "verdict", "elapsed_s", "steps"}) {
    EXPECT_TRUE(s.contains(k)) << k;
  }
  const std::set<std::string> limits = {"objective", "shortfall", "errors",       "client",
                                        "max_time",  "max_rate",  "server_failed"};
  EXPECT_TRUE(limits.count(s["limited_by"].get<std::string>())) << s["limited_by"];
  int index = 0;
  for (const nlohmann::json& st : s["steps"]) {
    EXPECT_EQ(st["index"], index++);
    EXPECT_TRUE(st["phase"] == "raise" || st["phase"] == "bisect" || st["phase"] == "recheck" ||
                st["phase"] == "confirm")
        << st["phase"];
    EXPECT_GT(st["offered_rps"].get<double>(), 0);
    EXPECT_EQ(st["met"].get<bool>(), st["reasons"].empty());
    ASSERT_TRUE(st["test"].is_object());
    EXPECT_EQ(st["test"]["mode"], "open");
    EXPECT_EQ(st["test"]["target_rps"], st["offered_rps"]);
    EXPECT_TRUE(st["test"]["corrected_latency_ms"].is_object());
    EXPECT_TRUE(st["test"]["corrected_histogram"].is_object());
    EXPECT_TRUE(st["test"]["client"]["busiest_thread"].is_number());
  }
}

TEST(LoadSloKvServerTest, GenerousObjectiveFindsARate) {
  if (!fs::exists(KV_SERVER_BINARY)) GTEST_SKIP() << "kv-server not built: " << KV_SERVER_BINARY;
  auto server = StartKv("slo");
  ASSERT_NE(server, nullptr);
  const std::string port = std::to_string(server->endpoint().port);
  RunOutput r = RunKvLoad({"-p",
                           port,
                           "-t",
                           "get",
                           "-r",
                           "1000",
                           "-c",
                           "10",
                           "--slo",
                           "p99<=500ms",
                           "--slo-start",
                           "5000",
                           "--slo-step",
                           "0.5",
                           "--warmup",
                           "0.2",
                           "--slo-max-time",
                           "12",
                           "-q",
                           "--json",
                           "{json}"},
                          60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(r.json.is_object()) << r.out;
  EXPECT_EQ(r.json["schema"], "kv-load-search/1");
  EXPECT_EQ(r.json["schema_version"], 1);
  EXPECT_EQ(r.json["tool"], "kv-load");
  EXPECT_EQ(r.json["config"]["clients"], 10);
  EXPECT_FALSE(r.json.contains("tests"));
  ASSERT_EQ(r.json["searches"].size(), 1u);
  const nlohmann::json& s = r.json["searches"][0];
  ExpectSearchShape(s);
  EXPECT_EQ(s["title"], "GET");
  EXPECT_EQ(s["objectives"][0]["text"], "p99<=500ms");
  EXPECT_EQ(s["settings"]["start_rps"], 5000.0);
  EXPECT_EQ(s["settings"]["min_requests"], 5000);
  ASSERT_FALSE(s["answer_rps"].is_null()) << s["verdict"];
  EXPECT_GE(s["answer_rps"].get<double>(), 5000);
  EXPECT_EQ(s["steps"][0]["offered_rps"], 5000.0);
  EXPECT_EQ(s["steps"][0]["phase"], "raise");
  // The budget holds: each step was planned within what was left of it. (Its set-up and
  // tear-down come on top, so the wall time itself is not asserted: CI machines are loaded.)
  double before = 0;
  for (const nlohmann::json& step : s["steps"]) {
    EXPECT_LE(before + step["planned_s"].get<double>(), 12.0 + 1e-9) << step["index"];
    EXPECT_GE(step["wall_s"].get<double>(), step["planned_s"].get<double>()) << step["index"];
    before += step["wall_s"].get<double>();
  }
  EXPECT_NEAR(before, s["elapsed_s"].get<double>(), 1e-6);
  // -q: the answer line only, the same sentence as the JSON's verdict.
  EXPECT_EQ(r.out, s["verdict"].get<std::string>() + "\n");
  // Progress: one line per step on stderr.
  size_t lines = 0;
  for (size_t at = 0; (at = r.err.find("GET step ", at)) != std::string::npos; ++at) ++lines;
  EXPECT_EQ(lines, s["steps"].size()) << r.err;
}

TEST(LoadSloKvServerTest, ImpossibleObjectiveExitsTwo) {
  if (!fs::exists(KV_SERVER_BINARY)) GTEST_SKIP() << "kv-server not built: " << KV_SERVER_BINARY;
  auto server = StartKv("slo-impossible");
  ASSERT_NE(server, nullptr);
  const std::string port = std::to_string(server->endpoint().port);
  // No reply comes back within a microsecond over loopback.
  RunOutput r = RunKvLoad({"-p", port, "-t", "get", "-c", "5", "--slo", "p50<=1us", "--slo-step",
                           "0.5", "--warmup", "0.1", "--slo-max-time", "10", "--json", "{json}"},
                          60);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("kv-load: GET: p50<=1us cannot be met even at 100 rps: measured p50 "),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.rfind("GET: p50<=1us cannot be met even at 100 rps", 0), 0u) << r.out;
  ASSERT_TRUE(r.json.is_object());
  const nlohmann::json& s = r.json["searches"][0];
  ExpectSearchShape(s);
  EXPECT_TRUE(s["answer_rps"].is_null());
  // Each break is measured twice (a break must reproduce): 1000 rps, its confirmation, the low
  // probe at 100 rps, its confirmation.
  ASSERT_EQ(s["steps"].size(), 4u);
  EXPECT_EQ(s["steps"][1]["phase"], "confirm");
  EXPECT_EQ(s["steps"][1]["offered_rps"], 1000.0);
  EXPECT_EQ(s["steps"][2]["offered_rps"], 100.0);
  EXPECT_EQ(s["steps"][3]["phase"], "confirm");
  EXPECT_EQ(s["steps"][3]["offered_rps"], 100.0);
  EXPECT_EQ(s["first_broken"]["offered_rps"], 100.0);
  EXPECT_EQ(s["first_broken"]["reasons"][0]["kind"], "objective");
}

TEST(LoadSloKvServerTest, ServerKilledMidSearchExitsThreeWithTheStepsSoFar) {
  if (!fs::exists(KV_SERVER_BINARY)) GTEST_SKIP() << "kv-server not built: " << KV_SERVER_BINARY;
  auto server = StartKv("slo-killed");
  ASSERT_NE(server, nullptr);
  const std::string port = std::to_string(server->endpoint().port);
  // The first step (2000 rps, 2.5 s for 5000 requests, after 0.2 s of warm-up) ends before the
  // kill; the search would go on for up to 15 s.
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    server->Stop(std::chrono::milliseconds(0), SIGKILL);
  });
  RunOutput r = RunKvLoad(
      {"-p", port, "-t", "get", "-c", "5", "--slo", "p99<=1s", "--slo-start", "2000", "--slo-step",
       "0.5", "--warmup", "0.2", "--slo-max-time", "15", "--json", "{json}"},
      60);
  killer.join();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("kv-load: GET: the server failed during the search ("), std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.rfind("GET: the server failed during the search (", 0), 0u) << r.out;
  ASSERT_TRUE(r.json.is_object());
  const nlohmann::json& s = r.json["searches"][0];
  ExpectSearchShape(s);
  EXPECT_EQ(s["limited_by"], "server_failed");
  EXPECT_TRUE(s["lower_bound"].get<bool>());
  ASSERT_GE(s["steps"].size(), 1u);
  EXPECT_EQ(s["steps"][0]["offered_rps"], 2000.0);
  // The table lists the steps measured before the failure.
  EXPECT_NE(r.out.find("\n   0  raise        2,000 "), std::string::npos) << r.out;
}

TEST(LoadSloCliTest, BadObjectiveExitsOneWithTheReason) {
  RunOutput r = RunKvLoad({"-p", "1", "--slo", "p99<=1 parsec"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("kv-load: --slo: 'p99<=1 parsec': unknown unit 'parsec'"), std::string::npos)
      << r.err;
  RunOutput rps = RunKvLoad({"-p", "1", "--slo", "p99<=1ms", "--rps", "100"});
  EXPECT_EQ(rps.exit_code, 1);
  EXPECT_NE(rps.err.find("--slo cannot be combined with --rps"), std::string::npos) << rps.err;
}

}  // namespace
}  // namespace kv::load
