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
        "--duration",    "--warmup",     "--tick",         "--distribution", "--ratio",
        "--json",        "--reconnect",  "--progress"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(help.back(), '\n');
}

TEST(LoadCliTest, Extensions) {
  Result<Options> r =
      Parse({"--rps", "2500.5", "--duration", "3", "--warmup", "0.5", "--tick", "50", "-r", "100",
             "--distribution",
             "zipf:0.8", "--ratio", "9:1", "--json", "out.json", "--reconnect", "--no-progress"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->open_loop());
  EXPECT_DOUBLE_EQ(r->rps, 2500.5);
  EXPECT_DOUBLE_EQ(r->duration_s, 3);
  EXPECT_DOUBLE_EQ(r->warmup_s, 0.5);
  EXPECT_DOUBLE_EQ(r->tick_us, 50);
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
  EXPECT_DOUBLE_EQ(Parse({"--rps", "100"})->tick_us, 0);
  EXPECT_DOUBLE_EQ(Parse({"--slo", "p99<=1ms", "--tick", "100"})->tick_us, 100);
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
  EXPECT_EQ(ErrorOf({"--warmup", "1"}), "--warmup needs --rps or --slo");
  EXPECT_EQ(ErrorOf({"--tick", "100"}), "--tick needs --rps or --slo");
  EXPECT_EQ(ErrorOf({"--rps", "10", "--tick", "-1"}),
            "--tick: must be in [0, 1000000] microseconds");
  EXPECT_EQ(ErrorOf({"--rps", "10", "--tick", "2e6"}),
            "--tick: must be in [0, 1000000] microseconds");
  EXPECT_EQ(ErrorOf({"--rps", "10", "--tick", "x"}), "--tick: 'x' is not a number");
  EXPECT_EQ(ErrorOf({"--rps", "0"}), "--rps: must be in (0, 1e9]");
  EXPECT_EQ(ErrorOf({"--rps", "nan"}), "--rps: 'nan' is not a number");
  EXPECT_EQ(ErrorOf({"--duration", "-1"}), "--duration: must be in (0, 86400] seconds");
  EXPECT_EQ(ErrorOf({"-x"}), "-x needs a command");
  EXPECT_EQ(ErrorOf({"--json", ""}), "--json: the file name is empty");
  EXPECT_EQ(ErrorOf({"--json", "-", "-l"}), "--json - cannot be combined with -l");
}

TEST(LoadCliTest, SloDefaults) {
  Result<Options> r = Parse({"-t", "get", "--slo", "p99<=1ms"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->searching());
  ASSERT_EQ(r->slo.size(), 1u);
  EXPECT_EQ(r->slo[0].text, "p99<=1ms");
  EXPECT_DOUBLE_EQ(r->slo_tolerance, 0.05);
  EXPECT_DOUBLE_EQ(r->slo_max_time_s, 120);
  EXPECT_DOUBLE_EQ(r->slo_step_s, 2);
  EXPECT_DOUBLE_EQ(r->slo_start_rps, 1000);
  EXPECT_DOUBLE_EQ(r->slo_max_rate, 0);
  EXPECT_DOUBLE_EQ(r->warmup_s, 0.5);  // the search's default warm-up
  EXPECT_FALSE(r->open_loop());        // each step sets its own rate
  EXPECT_FALSE(Parse({}).value().searching());
}

TEST(LoadCliTest, SloFlags) {
  Result<Options> r = Parse({"--slo",
                             "p50<=0.3ms,p99.9<=5ms",
                             "--slo-tolerance",
                             "0.1",
                             "--slo-max-time",
                             "30",
                             "--slo-step",
                             "1.5",
                             "--slo-start",
                             "500",
                             "--slo-max-rate",
                             "90000",
                             "--warmup",
                             "0",
                             "-q",
                             "--json",
                             "x.json",
                             "-c",
                             "20",
                             "--threads",
                             "2"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->slo.size(), 2u);
  EXPECT_DOUBLE_EQ(r->slo_tolerance, 0.1);
  EXPECT_DOUBLE_EQ(r->slo_max_time_s, 30);
  EXPECT_DOUBLE_EQ(r->slo_step_s, 1.5);
  EXPECT_DOUBLE_EQ(r->slo_start_rps, 500);
  EXPECT_DOUBLE_EQ(r->slo_max_rate, 90000);
  EXPECT_DOUBLE_EQ(r->warmup_s, 0);  // given: kept
}

TEST(LoadCliTest, SloErrors) {
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1"}), "--slo: 'p99<=1': the limit needs a unit (us, ms or s)");
  EXPECT_EQ(ErrorOf({"--slo"}), "Invalid option \"--slo\" or option argument missing");
  EXPECT_EQ(ErrorOf({"--slo-tolerance", "0.1"}), "--slo-tolerance needs --slo");
  EXPECT_EQ(ErrorOf({"--slo-max-rate", "10"}), "--slo-max-rate needs --slo");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "--slo-tolerance", "0"}),
            "--slo-tolerance: must be in [0.001, 1] (e.g. 0.05 for 5 %)");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "--slo-max-time", "0.5"}),
            "--slo-max-time: must be in [1, 86400] seconds");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "--slo-step", "x"}), "--slo-step: 'x' is not a number");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "--slo-start", "0"}),
            "--slo-start: must be in [1, 1e9] requests per second");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "--slo-start", "5000", "--slo-max-rate", "1000"}),
            "--slo-max-rate must be at least --slo-start (5000)");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "--slo-max-time", "2"}),
            "--slo-max-time must leave room for one step (--warmup + --slo-step)");
}

TEST(LoadCliTest, SloRefusesCombinationsThatMakeNoSense) {
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "--rps", "1000"}),
            "--slo cannot be combined with --rps (the search chooses the rates)");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "-n", "1000"}),
            "--slo cannot be combined with -n (each step's length comes from --slo-step)");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "--duration", "5"}),
            "--slo cannot be combined with --duration (use --slo-step)");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "-I"}),
            "--slo cannot be combined with -I (an idle run measures nothing)");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "-l"}),
            "--slo cannot be combined with -l (a search ends by itself)");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "--csv"}),
            "--slo cannot be combined with --csv (use --json)");
  EXPECT_EQ(ErrorOf({"--slo", "p99<=1ms", "--cluster"}),
            "--slo cannot be combined with --cluster (open loop does not support it yet)");
}

}  // namespace
}  // namespace kv::load
