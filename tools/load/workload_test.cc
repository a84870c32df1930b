// Tests of kv-load's workloads: request bytes, __rand_int__ / __data__ substitution, the suite's
// selection and order. (Templates and key distributions: lib/workload's tests.)
#include "tools/load/workload.h"

#include <gtest/gtest.h>

#include "tools/load/cli.h"

namespace kv::load {
namespace {

Options OptionsOf(std::vector<std::string_view> args) {
  Result<Options> r = ParseArgs(args);
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? *r : Options{};
}

std::vector<std::string> Titles(const std::vector<Workload>& ws) {
  std::vector<std::string> out;
  for (const Workload& w : ws) out.push_back(w.title);
  return out;
}

TEST(LoadWorkloadTest, DataMatchesRedisBenchmark) {
  // Read back from a redis-server after `redis-benchmark -t set -n 1 -d 20`.
  EXPECT_EQ(BenchmarkData(20), "VXKeHogKgJ=[5V9_X^b?");
  EXPECT_EQ(BenchmarkData(3), "VXK");
}

TEST(LoadWorkloadTest, DefaultSuiteInRedisBenchmarkOrder) {
  Result<std::vector<Workload>> ws = BuildWorkloads(OptionsOf({}));
  ASSERT_TRUE(ws.ok());
  EXPECT_EQ(Titles(*ws), (std::vector<std::string>{"PING_INLINE",
                                                   "PING_MBULK",
                                                   "SET",
                                                   "GET",
                                                   "INCR",
                                                   "LPUSH",
                                                   "RPUSH",
                                                   "LPOP",
                                                   "RPOP",
                                                   "SADD",
                                                   "HSET",
                                                   "SPOP",
                                                   "ZADD",
                                                   "ZPOPMIN",
                                                   "LPUSH (needed to benchmark LRANGE)",
                                                   "LRANGE_100 (first 100 elements)",
                                                   "LRANGE_300 (first 300 elements)",
                                                   "LRANGE_500 (first 500 elements)",
                                                   "LRANGE_600 (first 600 elements)",
                                                   "MSET (10 keys)"}));
  EXPECT_EQ((*ws)[0].templates[0].bytes, "PING\r\n");
  EXPECT_EQ((*ws)[2].templates[0].bytes,
            "*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$3\r\nVXK\r\n");
  EXPECT_TRUE((*ws)[2].templates[0].rand_offsets.empty());  // no -r: the literal key
  EXPECT_EQ((*ws)[2].payload_bytes, 3);
}

TEST(LoadWorkloadTest, SelectionByTestNames) {
  EXPECT_EQ(Titles(*BuildWorkloads(OptionsOf({"-t", "ping"}))),
            (std::vector<std::string>{"PING_INLINE", "PING_MBULK"}));
  EXPECT_EQ(Titles(*BuildWorkloads(OptionsOf({"-t", "get,set"}))),
            (std::vector<std::string>{"SET", "GET"}));
  EXPECT_EQ(Titles(*BuildWorkloads(OptionsOf({"-t", "lrange_300"}))),
            (std::vector<std::string>{"LPUSH (needed to benchmark LRANGE)",
                                      "LRANGE_300 (first 300 elements)"}));
  EXPECT_EQ(Titles(*BuildWorkloads(OptionsOf({"-t", "mget,mset"}))),
            (std::vector<std::string>{"MSET (10 keys)", "MGET (10 keys)"}));
  Result<std::vector<Workload>> bad = BuildWorkloads(OptionsOf({"-t", "set,nope"}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "-t: unknown test 'nope'");
}

TEST(LoadWorkloadTest, RandomKeysMarkEveryKey) {
  Result<std::vector<Workload>> ws = BuildWorkloads(OptionsOf({"-t", "mset,zadd", "-r", "10"}));
  ASSERT_TRUE(ws.ok());
  EXPECT_EQ((*ws)[0].title, "ZADD");
  EXPECT_EQ((*ws)[0].templates[0].rand_offsets.size(), 2u);  // score and member
  EXPECT_EQ((*ws)[1].templates[0].rand_offsets.size(), 10u);
  for (uint32_t off : (*ws)[1].templates[0].rand_offsets) {
    EXPECT_EQ((*ws)[1].templates[0].bytes.substr(off, 12), "__rand_int__");
  }
  // Without -r ZADD's score is 0, as redis-benchmark.
  Result<std::vector<Workload>> plain = BuildWorkloads(OptionsOf({"-t", "zadd"}));
  EXPECT_NE((*plain)[0].templates[0].bytes.find("$1\r\n0\r\n"), std::string::npos);
}

TEST(LoadWorkloadTest, ArbitraryCommandWithData) {
  Result<std::vector<Workload>> ws =
      BuildWorkloads(OptionsOf({"-d", "5", "-r", "7", "SET", "k:__rand_int__", "__data__"}));
  ASSERT_TRUE(ws.ok());
  ASSERT_EQ(ws->size(), 1u);
  const Workload& w = (*ws)[0];
  EXPECT_EQ(w.title, "SET k:__rand_int__ __data__");
  EXPECT_EQ(w.templates[0].bytes, "*3\r\n$3\r\nSET\r\n$14\r\nk:__rand_int__\r\n$5\r\nVXKeH\r\n");
  EXPECT_EQ(w.payload_bytes, static_cast<int>(w.templates[0].bytes.size()));
  EXPECT_EQ(w.templates[0].rand_offsets.size(), 1u);
}

TEST(LoadWorkloadTest, RatioMix) {
  Result<std::vector<Workload>> ws = BuildWorkloads(OptionsOf({"--ratio", "3:1", "-t", "ping"}));
  ASSERT_TRUE(ws.ok());
  ASSERT_EQ(ws->size(), 1u);
  EXPECT_EQ((*ws)[0].title, "MIXED (GET:SET 3:1)");
  EXPECT_EQ((*ws)[0].weights, (std::vector<int>{3, 1}));
  EXPECT_TRUE((*ws)[0].templates[0].bytes.starts_with("*2\r\n$3\r\nGET"));
  EXPECT_TRUE((*ws)[0].templates[1].bytes.starts_with("*3\r\n$3\r\nSET"));
}

}  // namespace
}  // namespace kv::load

namespace kv::load {
namespace {

TEST(LoadWorkloadTest, ClusterRefusesMultiKeyTestsAndSkipsThemInTheSuite) {
  const std::vector<std::string_view> explicit_mset = {"--cluster", "-t", "set,mset"};
  Result<Options> o = ParseArgs(explicit_mset);
  ASSERT_TRUE(o.ok()) << o.error();
  Result<std::vector<Workload>> w = BuildWorkloads(*o);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().find("cannot run with --cluster"), std::string::npos) << w.error();

  const std::vector<std::string_view> suite = {"--cluster"};
  o = ParseArgs(suite);
  ASSERT_TRUE(o.ok()) << o.error();
  ASSERT_EQ(o->warnings.size(), 1u);
  EXPECT_NE(o->warnings[0].find("MSET test is skipped"), std::string::npos);
  w = BuildWorkloads(*o);
  ASSERT_TRUE(w.ok()) << w.error();
  ASSERT_FALSE(w->empty());
  for (const Workload& x : *w) EXPECT_EQ(x.title.find("MSET"), std::string::npos) << x.title;
}

}  // namespace
}  // namespace kv::load
