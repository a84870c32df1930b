// The run conditions kv_bench records: the servers' command lines as one line, and the host
// settings' keys and shapes on this machine.
#include "bench/run_conditions.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>

namespace kv::bench {
namespace {

TEST(BenchRunConditionsTest, CommandLineQuotesWhatAShellWouldSplit) {
  EXPECT_EQ(FormatCommandLine(
                {"/usr/bin/redis-server", "--port", "6379", "--save", "", "--appendonly", "no"}),
            "/usr/bin/redis-server --port 6379 --save '' --appendonly no");
  EXPECT_EQ(FormatCommandLine({"kv-server", "--name", "a b", "it's", "$HOME"}),
            "kv-server --name 'a b' 'it'\\''s' '$HOME'");
  EXPECT_EQ(FormatCommandLine({}), "");
}

TEST(BenchRunConditionsTest, HostSettingsHaveEveryKeyInShape) {
  std::map<std::string, std::string> settings;
  for (const auto& [key, value] : HostSettings()) settings[key] = value;
  ASSERT_EQ(settings.size(), 5u);
  for (const char* key : {"kv_cpu_governor", "kv_thp", "kv_kernel", "kv_compiler", "kv_cpus"}) {
    ASSERT_TRUE(settings.count(key)) << key;
    EXPECT_FALSE(settings[key].empty()) << key;
  }
  EXPECT_TRUE(std::regex_match(settings["kv_thp"], std::regex("enabled=.+; defrag=.+")))
      << settings["kv_thp"];
  EXPECT_TRUE(std::regex_match(settings["kv_cpus"], std::regex("[1-9][0-9]*")))
      << settings["kv_cpus"];
  EXPECT_TRUE(std::regex_search(settings["kv_compiler"], std::regex("^(GCC|clang) .*[0-9]")))
      << settings["kv_compiler"];
  EXPECT_TRUE(std::regex_match(LoadAvgNow(), std::regex(R"([0-9.]+ [0-9.]+ [0-9.]+)")))
      << LoadAvgNow();
}

}  // namespace
}  // namespace kv::bench
