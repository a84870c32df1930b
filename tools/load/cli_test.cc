// Tests of kv-load's command-line parsing: redis-benchmark's defaults and clamping, kv-load's
// extensions, and the error messages.
#include "tools/load/cli.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace kv::load {
namespace {

Result<Options> Parse(std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> v(args);
  return ParseArgs(v);
}

std::string ErrorOf(std::initializer_list<std::string_view> args) {
  Result<Options> r = Parse(args);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error();
}

TEST(LoadCliTest, DefaultsAreRedisBenchmarks) {
  Result<Options> r = Parse({});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->host, "127.0.0.1");
  EXPECT_EQ(r->port, 6379);
  EXPECT_EQ(r->socket_path, "");
  EXPECT_EQ(r->clients, 50);
  EXPECT_EQ(r->requests, 100000);
  EXPECT_EQ(r->data_size, 3);
  EXPECT_EQ(r->pipeline, 1);
  EXPECT_EQ(r->keepalive, 1);
  EXPECT_EQ(r->threads, 0);
  EXPECT_EQ(r->effective_threads(), 1);
  EXPECT_EQ(r->dbnum, 0);
  EXPECT_FALSE(r->random_keys);
  EXPECT_FALSE(r->quiet || r->csv || r->loop || r->idle);
  EXPECT_TRUE(r->tests.empty());
  EXPECT_TRUE(r->command.empty());
  EXPECT_FALSE(r->open_loop());
  EXPECT_FALSE(r->has_ratio());
}

TEST(LoadCliTest, ParsesEveryRedisBenchmarkFlag) {
  Result<Options> r =
      Parse({"-h",   "localhost", "-p",  "7000",        "-s", "/tmp/x.sock",  "-a",
             "pw",   "--user",    "bob", "-c",          "7",  "-n",           "1234",
             "-d",   "64",        "-P",  "16",          "-t", "SET,Get,ping", "-r",
             "1000", "-k",        "0",   "--threads",   "3",  "--dbnum",      "2",
             "-q",   "--csv",     "-l",  "--precision", "2",  "--seed",       "42"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->host, "localhost");
  EXPECT_EQ(r->port, 7000);
  EXPECT_EQ(r->socket_path, "/tmp/x.sock");
  EXPECT_EQ(r->password, "pw");
  EXPECT_EQ(r->user, "bob");
  EXPECT_EQ(r->clients, 7);
  EXPECT_EQ(r->requests, 1234);
  EXPECT_EQ(r->data_size, 64);
  EXPECT_EQ(r->pipeline, 16);
  EXPECT_EQ(r->tests, (std::vector<std::string>{"set", "get", "ping"}));
  EXPECT_TRUE(r->random_keys);
  EXPECT_EQ(r->keyspace, 1000);
  EXPECT_EQ(r->keepalive, 0);
  EXPECT_EQ(r->threads, 3);
  EXPECT_EQ(r->dbnum, 2);
  EXPECT_TRUE(r->dbnum_given);
  EXPECT_TRUE(r->quiet);
  EXPECT_TRUE(r->csv);
  EXPECT_TRUE(r->loop);
  EXPECT_EQ(r->precision, 2);
  EXPECT_EQ(r->seed, 42u);
}

TEST(LoadCliTest, ClampsLikeRedisBenchmark) {
  EXPECT_EQ(Parse({"-d", "0"})->data_size, 1);
  EXPECT_EQ(Parse({"-d", "2000000000"})->data_size, 1024 * 1024 * 1024);
  EXPECT_EQ(Parse({"-P", "0"})->pipeline, 1);
  EXPECT_EQ(Parse({"-P", "-3"})->pipeline, 1);
  Result<Options> r = Parse({"-r", "-5"});
  EXPECT_TRUE(r->random_keys);
  EXPECT_EQ(r->keyspace, 0);
  EXPECT_EQ(Parse({"--precision", "-1"})->precision, 3);
  EXPECT_EQ(Parse({"--precision", "9"})->precision, 4);
  EXPECT_EQ(Parse({"--threads", "-2"})->threads, 0);
  Result<Options> many = Parse({"--threads", "600"});
  EXPECT_EQ(many->threads, 500);
  ASSERT_EQ(many->warnings.size(), 1u);
  EXPECT_EQ(many->warnings[0], "WARNING: Too many threads, limiting threads to 500.");
}

TEST(LoadCliTest, CommandAfterOptionsTakesTheRest) {
  Result<Options> r = Parse({"-n", "5", "SET", "k:__rand_int__", "-c", "__data__"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->requests, 5);
  EXPECT_EQ(r->clients, 50);
  EXPECT_EQ(r->command, (std::vector<std::string>{"SET", "k:__rand_int__", "-c", "__data__"}));
}

TEST(LoadCliTest, TestsIgnoredWithACommandGiveAWarning) {
  Result<Options> r = Parse({"-t", "set", "PING"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0], "WARNING: Option -t is ignored.");
}

TEST(LoadCliTest, HelpAndVersion) {
  EXPECT_TRUE(Parse({"--help"})->help);
  EXPECT_TRUE(Parse({"-c", "3", "--version"})->version);
  const std::string help = HelpText();
  for (std::string_view flag :
       {"-h <hostname>", "-p <port>",    "-s <socket>",    "-a <password>",
        "--user",        "-c <clients>", "-n <requests>",  "-d <size>",
        "--dbnum",       "--threads",    "-k <boolean>",   "-r <keyspacelen>",
        "-P <numreq>",   " -q ",         "--precision",    "--csv",
        " -l ",          "-t <tests>",   " -I ",           " -x ",
        "--seed",        "--help",       "--version",      "--rps",
        "--duration",    "--warmup",     "--distribution", "--ratio",
        "--json",        "--reconnect",  "--progress"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(help.back(), '\n');
}

TEST(LoadCliTest, Extensions) {
  Result<Options> r =
      Parse({"--rps", "2500.5", "--duration", "3", "--warmup", "0.5", "-r", "100", "--distribution",
             "zipf:0.8", "--ratio", "9:1", "--json", "out.json", "--reconnect", "--no-progress"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->open_loop());
  EXPECT_DOUBLE_EQ(r->rps, 2500.5);
  EXPECT_DOUBLE_EQ(r->duration_s, 3);
  EXPECT_DOUBLE_EQ(r->warmup_s, 0.5);
  EXPECT_EQ(r->distribution.kind, workload::Distribution::kZipf);
  EXPECT_DOUBLE_EQ(r->distribution.zipf_theta, 0.8);
  EXPECT_EQ(r->ratio_get, 9);
  EXPECT_EQ(r->ratio_set, 1);
  EXPECT_EQ(r->json_path, "out.json");
  EXPECT_TRUE(r->reconnect);
  EXPECT_EQ(r->progress, 0);
  EXPECT_EQ(Parse({"-r", "5", "--distribution", "sequential"})->distribution.kind,
            workload::Distribution::kSequential);
  EXPECT_DOUBLE_EQ(Parse({"-r", "5", "--distribution", "zipf"})->distribution.zipf_theta, 0.99);
  // --rps without --duration runs for 10 seconds.
  EXPECT_DOUBLE_EQ(Parse({"--rps", "100"})->duration_s, 10);
}

TEST(LoadCliTest, ErrorMessagesNameTheProblem) {
  EXPECT_EQ(ErrorOf({"-z"}), "Invalid option \"-z\" or option argument missing");
  EXPECT_EQ(ErrorOf({"-c"}), "Invalid option \"-c\" or option argument missing");
  EXPECT_EQ(ErrorOf({"-n", "10", "--json"}),
            "Invalid option \"--json\" or option argument missing");
  EXPECT_EQ(ErrorOf({"-c", "abc"}), "-c: 'abc' is not a number");
  EXPECT_EQ(ErrorOf({"-n", "12x"}), "-n: '12x' is not a number");
  EXPECT_EQ(ErrorOf({"-c", "0"}), "-c: the number of clients must be at least 1");
  EXPECT_EQ(ErrorOf({"-n", "0"}), "-n: the number of requests must be at least 1");
  EXPECT_EQ(ErrorOf({"-p", "70000"}), "Invalid server port.");
  EXPECT_EQ(ErrorOf({"-k", "2"}), "-k: expected 1 (keep alive) or 0 (reconnect)");
  EXPECT_EQ(ErrorOf({"--user", "bob"}), "--user needs -a <password>");
  EXPECT_EQ(ErrorOf({"--distribution", "zipf"}), "--distribution needs -r <keyspacelen>");
  EXPECT_EQ(ErrorOf({"-r", "9", "--distribution", "normal"}),
            "--distribution: 'normal' is not one of uniform, zipf:<theta>, sequential");
  EXPECT_EQ(ErrorOf({"-r", "9", "--distribution", "zipf:-1"}),
            "--distribution: zipf theta must be in (0, 10], got '-1'");
  EXPECT_EQ(ErrorOf({"--ratio", "3"}), "--ratio: '3' is not GET:SET (e.g. 9:1)");
  EXPECT_EQ(ErrorOf({"--ratio", "0:0"}),
            "--ratio: '0:0' needs non-negative parts, not both zero, each at most 1000000");
  EXPECT_EQ(ErrorOf({"--ratio", "1:1", "GET", "x"}), "--ratio cannot be combined with a command");
  EXPECT_EQ(ErrorOf({"--warmup", "1"}), "--warmup needs --rps");
  EXPECT_EQ(ErrorOf({"--rps", "0"}), "--rps: must be in (0, 1e9]");
  EXPECT_EQ(ErrorOf({"--rps", "nan"}), "--rps: 'nan' is not a number");
  EXPECT_EQ(ErrorOf({"--duration", "-1"}), "--duration: must be in (0, 86400] seconds");
  EXPECT_EQ(ErrorOf({"-x"}), "-x needs a command");
  EXPECT_EQ(ErrorOf({"--json", ""}), "--json: the file name is empty");
  EXPECT_EQ(ErrorOf({"--json", "-", "-l"}), "--json - cannot be combined with -l");
}

}  // namespace
}  // namespace kv::load
