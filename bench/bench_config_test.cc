// kv_bench flag parsing: --kv_* flags are consumed, Google Benchmark's pass through, --kv_quick
// adjusts only what was not given, errors name the flag, --kv_distribution means what kv-load's
// --distribution means.
#include "bench/bench_config.h"

#include <gtest/gtest.h>

#include "tools/load/cli.h"
#include "workload/key_chooser.h"

namespace kv::bench {
namespace {

Result<ParsedArgs> Parse(std::initializer_list<const char*> flags) {
  std::vector<const char*> args{"kv_bench"};
  for (const char* f : flags) args.push_back(f);
  return ParseArgs(static_cast<int>(args.size()), args.data(), BenchConfig{});
}

TEST(BenchConfigTest, DefaultsAreTheFullGrid) {
  Result<ParsedArgs> p = Parse({});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->config.clients, (std::vector<int>{1, 10, 50}));
  EXPECT_EQ(p->config.pipeline, (std::vector<int>{1, 16}));
  EXPECT_EQ(p->config.value_sizes, (std::vector<int>{3}));
  EXPECT_EQ(p->config.targets, (std::vector<std::string>{"kv", "redis"}));
  EXPECT_EQ(p->benchmark_args, (std::vector<std::string>{"kv_bench"}));
}

TEST(BenchConfigTest, ConsumesKvFlagsAndPassesTheRest) {
  Result<ParsedArgs> p =
      Parse({"--kv_clients=2,4", "--benchmark_filter=SET", "--kv_pipeline=8", "--kv_targets=redis",
             "--kv_value_size=3,1024", "--kv_rtt_us=200", "--kv_server_path=/x/kv-server",
             "--benchmark_out=/tmp/r/out.json", "--kv_distribution=zipf", "--kv_profile=kv/SET"});
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->config.clients, (std::vector<int>{2, 4}));
  EXPECT_EQ(p->config.pipeline, (std::vector<int>{8}));
  EXPECT_EQ(p->config.targets, (std::vector<std::string>{"redis"}));
  EXPECT_EQ(p->config.value_sizes, (std::vector<int>{3, 1024}));
  EXPECT_EQ(p->config.rtt_us, 200);
  EXPECT_EQ(p->config.kv_server_path, "/x/kv-server");
  EXPECT_EQ(p->config.distribution.kind, workload::Distribution::kZipf);
  EXPECT_EQ(p->config.profile_regex, "kv/SET");
  EXPECT_EQ(p->benchmark_out, "/tmp/r/out.json");
  EXPECT_EQ(p->benchmark_args, (std::vector<std::string>{"kv_bench", "--benchmark_filter=SET",
                                                         "--benchmark_out=/tmp/r/out.json"}));
}

TEST(BenchConfigTest, QuickShrinksOnlyWhatWasNotGiven) {
  Result<ParsedArgs> p = Parse({"--kv_quick", "--kv_pipeline=4"});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->config.quick);
  EXPECT_EQ(p->config.clients, (std::vector<int>{1, 10}));
  EXPECT_EQ(p->config.pipeline, (std::vector<int>{4}));
  EXPECT_EQ(p->config.keyspace, 1000);
  EXPECT_EQ(p->benchmark_args.back(), "--benchmark_min_time=0.05");
  Result<ParsedArgs> q = Parse({"--benchmark_min_time=1", "--kv_quick"});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->benchmark_args, (std::vector<std::string>{"kv_bench", "--benchmark_min_time=1"}));
  EXPECT_EQ(q->min_time_s, 1);
  EXPECT_EQ(p->min_time_s, 0.05);
}

TEST(BenchConfigTest, MinTimeAndRepetitionsAreReadForTheProgressCount) {
  Result<ParsedArgs> d = Parse({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->min_time_s, 0.5);  // Google Benchmark's default
  EXPECT_EQ(d->repetitions, 1);
  Result<ParsedArgs> p = Parse({"--benchmark_min_time=0.15s", "--benchmark_repetitions=9"});
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->min_time_s, 0.15);
  EXPECT_EQ(p->repetitions, 9);
  EXPECT_FALSE(Parse({"--benchmark_min_time=fast"}).ok());
  EXPECT_FALSE(Parse({"--benchmark_repetitions=0"}).ok());
  EXPECT_FALSE(Parse({"--benchmark_repetitions=lots"}).ok());
}

TEST(BenchConfigTest, ProgressAndListTests) {
  Result<ParsedArgs> p = Parse({"--kv_progress", "--benchmark_list_tests"});
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_TRUE(p->config.progress);
  EXPECT_TRUE(p->list_tests);
  EXPECT_EQ(p->benchmark_args,
            (std::vector<std::string>{"kv_bench", "--benchmark_list_tests"}));  // passed through
  Result<ParsedArgs> q = Parse({"--kv_progress=false", "--benchmark_list_tests=false"});
  ASSERT_TRUE(q.ok()) << q.error();
  EXPECT_FALSE(q->config.progress);
  EXPECT_FALSE(q->list_tests);
  EXPECT_FALSE(Parse({})->config.progress);
  EXPECT_TRUE(Parse({"--benchmark_list_tests=true"})->list_tests);
}

TEST(BenchConfigTest, ErrorsNameTheFlagAndTheValue) {
  struct Case {
    const char* arg;
    const char* expect;
  } cases[] = {
      {"--kv_clients=1,x", "--kv_clients: 'x'"},
      {"--kv_clients=0", "--kv_clients: '0'"},
      {"--kv_pipeline=", "--kv_pipeline: empty list"},
      {"--kv_targets=kv,memcached", "unknown target 'memcached'"},
      {"--kv_nope=1", "unknown flag --kv_nope"},
      {"--kv_rtt_us", "--kv_rtt_us: needs a value"},
      {"--kv_distribution=gauss", "--kv_distribution"},
      {"--kv_profile=(", "--kv_profile"},
      {"--kv_quick=maybe", "--kv_quick"},
      {"--kv_progress=1", "--kv_progress"},
  };
  for (const Case& c : cases) {
    Result<ParsedArgs> p = Parse({c.arg});
    ASSERT_FALSE(p.ok()) << c.arg;
    EXPECT_NE(p.error().find(c.expect), std::string::npos) << c.arg << " -> " << p.error();
  }
}

// The same distribution text gives kv_bench and kv-load the same DistributionSpec (kind and zipf
// theta), hence the same sampler: equal keys for equal keyspace and seed. Defaults agree too, and
// bad text is refused with the same message after the flag name.
TEST(BenchConfigTest, DistributionFlagMatchesKvLoad) {
  for (std::string_view text :
       {"uniform", "sequential", "zipf", "zipf:0.99", "zipf:0.8", "zipf:1.2", "zipf:3"}) {
    const std::string flag = "--kv_distribution=" + std::string(text);
    Result<ParsedArgs> bench = Parse({flag.c_str()});
    const std::vector<std::string_view> load_args = {"-r", "1000", "--distribution", text};
    Result<load::Options> load = load::ParseArgs(load_args);
    ASSERT_TRUE(bench.ok()) << bench.error();
    ASSERT_TRUE(load.ok()) << load.error();
    EXPECT_EQ(bench->config.distribution, load->distribution) << text;
    workload::KeyChooser a(bench->config.distribution, 1000, 42, 0);
    workload::KeyChooser b(load->distribution, 1000, 42, 0);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.Next(), b.Next()) << text << " draw " << i;
  }
  EXPECT_EQ(Parse({})->config.distribution, load::ParseArgs({})->distribution);
  EXPECT_EQ(Parse({"--kv_distribution=zipf"})->config.distribution.zipf_theta, 0.99);

  for (std::string_view bad : {"gauss", "zipf:0", "zipf:x"}) {
    const std::string flag = "--kv_distribution=" + std::string(bad);
    Result<ParsedArgs> bench = Parse({flag.c_str()});
    const std::vector<std::string_view> load_args = {"-r", "9", "--distribution", bad};
    Result<load::Options> load = load::ParseArgs(load_args);
    ASSERT_FALSE(bench.ok());
    ASSERT_FALSE(load.ok());
    ASSERT_TRUE(bench.error().starts_with("--kv_distribution")) << bench.error();
    ASSERT_TRUE(load.error().starts_with("--distribution")) << load.error();
    EXPECT_EQ(bench.error().substr(std::string_view("--kv_distribution").size()),
              load.error().substr(std::string_view("--distribution").size()));
  }
}

TEST(BenchConfigTest, GridDescriptionListsTheGrid) {
  Result<ParsedArgs> p = Parse({"--kv_clients=1,10", "--kv_targets=kv"});
  ASSERT_TRUE(p.ok());
  const std::string grid = DescribeGrid(p->config);
  EXPECT_NE(grid.find("targets=kv "), std::string::npos) << grid;
  EXPECT_NE(grid.find("clients=1,10 "), std::string::npos) << grid;
  EXPECT_NE(grid.find("pipeline=1,16 "), std::string::npos) << grid;
  EXPECT_NE(grid.find("distribution=uniform "), std::string::npos) << grid;
  Result<ParsedArgs> zipf = Parse({"--kv_distribution=zipf:1.2"});
  ASSERT_TRUE(zipf.ok());
  EXPECT_NE(DescribeGrid(zipf->config).find("distribution=zipf:1.2 "), std::string::npos);
}

}  // namespace
}  // namespace kv::bench
