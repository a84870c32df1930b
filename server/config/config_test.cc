// Unit tests for kv-server's configuration: flags, sizes, errors, CONFIG SET/GET round trips.
#include "server/config/config.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <vector>

namespace kv::server {
namespace {

Result<CommandLine> Parse(std::vector<std::string> args) {
  std::vector<const char*> argv = {"kv-server"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data());
}

std::map<std::string, std::string> PairsOf(const Config& config) {
  std::map<std::string, std::string> out;
  for (auto& [name, value] : ConfigPairs(config)) out[name] = value;
  return out;
}

TEST(ParseMemorySizeTest, AcceptsRedisUnits) {
  EXPECT_EQ(*ParseMemorySize("0"), 0);
  EXPECT_EQ(*ParseMemorySize("42"), 42);
  EXPECT_EQ(*ParseMemorySize("42b"), 42);
  EXPECT_EQ(*ParseMemorySize("1k"), 1000);
  EXPECT_EQ(*ParseMemorySize("1kb"), 1024);
  EXPECT_EQ(*ParseMemorySize("2m"), 2000000);
  EXPECT_EQ(*ParseMemorySize("512mb"), 512LL * 1024 * 1024);
  EXPECT_EQ(*ParseMemorySize("512MB"), 512LL * 1024 * 1024);
  EXPECT_EQ(*ParseMemorySize("3g"), 3000000000LL);
  EXPECT_EQ(*ParseMemorySize("1gb"), 1024LL * 1024 * 1024);
  EXPECT_EQ(*ParseMemorySize("1Gb"), 1024LL * 1024 * 1024);
}

TEST(ParseMemorySizeTest, RejectsGarbage) {
  for (const char* bad : {"", "mb", "-1", "+1", "1.5gb", "1 mb", "1tb", "12x", "99999999999gb",
                          "99999999999999999999"}) {
    EXPECT_FALSE(ParseMemorySize(bad).ok()) << bad;
  }
}

TEST(ParseCommandLineTest, DefaultsWithoutFlags) {
  auto cl = Parse({});
  ASSERT_TRUE(cl.ok()) << cl.error();
  EXPECT_EQ(cl->config.port, 6379);
  EXPECT_EQ(cl->config.bind, "127.0.0.1");
  EXPECT_EQ(cl->config.threads, 1);
  EXPECT_EQ(cl->config.maxclients, 10000);
  EXPECT_EQ(cl->config.proto_max_bulk_len, 512LL * 1024 * 1024);
  EXPECT_EQ(cl->config.client_query_buffer_limit, 1024LL * 1024 * 1024);
  EXPECT_FALSE(cl->config.enable_debug_command);
  EXPECT_EQ(cl->config.io, "auto");
  EXPECT_FALSE(cl->show_help);
  EXPECT_FALSE(cl->show_version);
}

TEST(ParseCommandLineTest, EveryFlag) {
  auto cl = Parse({"--port",
                   "0",
                   "--bind",
                   "127.0.0.1",
                   "::1",
                   "--threads",
                   "2",
                   "--maxclients",
                   "50",
                   "--maxmemory",
                   "100mb",
                   "--requirepass",
                   "s3cret",
                   "--timeout",
                   "5",
                   "--proto-max-bulk-len",
                   "2mb",
                   "--client-query-buffer-limit",
                   "1gb",
                   "--enable-debug-command",
                   "--loglevel",
                   "warning",
                   "--logfile",
                   "/tmp/x.log",
                   "--io",
                   "epoll",
                   "--hugepages",
                   "no",
                   "--io-batch-usec",
                   "120",
                   "--debug-command-delay-us",
                   "7",
                   "--debug-slowdown-pct",
                   "15",
                   "--debug-slowdown-command",
                   "INCR",
                   "--debug-extra-work",
                   "300"});
  ASSERT_TRUE(cl.ok()) << cl.error();
  const Config& c = cl->config;
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.bind, "127.0.0.1 ::1");
  EXPECT_EQ(c.threads, 2);
  EXPECT_EQ(c.maxclients, 50);
  EXPECT_EQ(c.maxmemory, 100LL * 1024 * 1024);
  EXPECT_EQ(c.requirepass, "s3cret");
  EXPECT_EQ(c.timeout, 5);
  EXPECT_EQ(c.proto_max_bulk_len, 2LL * 1024 * 1024);
  EXPECT_EQ(c.client_query_buffer_limit, 1024LL * 1024 * 1024);
  EXPECT_TRUE(c.enable_debug_command);
  EXPECT_EQ(c.loglevel, "warning");
  EXPECT_EQ(c.logfile, "/tmp/x.log");
  EXPECT_EQ(c.io, "epoll");
  EXPECT_EQ(c.hugepages, "no");
  EXPECT_EQ(c.io_batch_usec, 120);
  EXPECT_EQ(c.debug_command_delay_us, 7);
  EXPECT_EQ(c.debug_slowdown_pct, 15);
  EXPECT_EQ(c.debug_slowdown_command, "incr");
  EXPECT_EQ(c.debug_extra_work, 300);
}

TEST(ParseCommandLineTest, EqualsFormAndQuotedBindList) {
  auto cl = Parse({"--port=7000", "--bind=127.0.0.1 ::1", "--maxmemory=1gb"});
  ASSERT_TRUE(cl.ok()) << cl.error();
  EXPECT_EQ(cl->config.port, 7000);
  EXPECT_EQ(cl->config.bind, "127.0.0.1 ::1");
  EXPECT_EQ(cl->config.maxmemory, 1024LL * 1024 * 1024);
}

TEST(ParseCommandLineTest, BooleanFlagTakesOptionalYesNo) {
  EXPECT_TRUE(Parse({"--enable-debug-command"})->config.enable_debug_command);
  EXPECT_TRUE(Parse({"--enable-debug-command", "yes"})->config.enable_debug_command);
  EXPECT_FALSE(Parse({"--enable-debug-command", "no"})->config.enable_debug_command);
  EXPECT_FALSE(Parse({"--enable-debug-command=no"})->config.enable_debug_command);
  auto then_port = Parse({"--enable-debug-command", "--port", "1"});
  ASSERT_TRUE(then_port.ok());
  EXPECT_TRUE(then_port->config.enable_debug_command);
  EXPECT_EQ(then_port->config.port, 1);
  EXPECT_FALSE(Parse({"--enable-debug-command=maybe"}).ok());
}

TEST(ParseCommandLineTest, HelpAndVersion) {
  EXPECT_TRUE(Parse({"--help"})->show_help);
  EXPECT_TRUE(Parse({"--version"})->show_version);
  EXPECT_FALSE(Parse({"--help=1"}).ok());
  EXPECT_NE(HelpText().find("--client-query-buffer-limit"), std::string::npos);
}

// Every error names the flag and the bad value.
TEST(ParseCommandLineTest, ErrorsNameFlagAndValue) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> expected;
  };
  std::vector<Case> cases = {
      {{"--port", "abc"}, {"--port", "'abc'", "integer"}},
      {{"--port", "70000"}, {"--port", "'70000'", "between 0 and 65535"}},
      {{"--port", "-1"}, {"--port", "'-1'"}},
      {{"--threads", "0"}, {"--threads", "'0'"}},
      {{"--maxclients", "0"}, {"--maxclients", "'0'"}},
      {{"--maxmemory", "lots"}, {"--maxmemory", "'lots'", "memory value"}},
      {{"--proto-max-bulk-len", "1kb"}, {"--proto-max-bulk-len", "'1kb'"}},
      {{"--timeout", "1.5"}, {"--timeout", "'1.5'"}},
      {{"--loglevel", "loud"}, {"--loglevel", "'loud'", "debug, verbose, notice, warning"}},
      {{"--io", "kqueue"}, {"--io", "'kqueue'", "auto, epoll, uring"}},
      {{"--io-batch-usec", "10001"}, {"--io-batch-usec", "'10001'", "between 0 and 10000"}},
      {{"--io-batch-usec", "-5"}, {"--io-batch-usec", "'-5'"}},
      {{"--bind", "localhost"}, {"--bind", "'localhost'"}},
      {{"--debug-slowdown-command", "in cr"}, {"--debug-slowdown-command", "'in cr'", "name"}},
      {{"--debug-extra-work", "-1"}, {"--debug-extra-work", "'-1'"}},
      {{"--debug-extra-work", "100000001"}, {"--debug-extra-work", "between 0 and 100000000"}},
      {{"--bind", "127.0.0.1", "300.1.1.1"}, {"--bind", "300.1.1.1"}},
  };
  for (const Case& c : cases) {
    auto cl = Parse(c.args);
    ASSERT_FALSE(cl.ok()) << c.args[0];
    for (const std::string& part : c.expected) {
      EXPECT_NE(cl.error().find(part), std::string::npos) << cl.error() << " lacks " << part;
    }
  }
}

TEST(ParseCommandLineTest, UnknownFlagsMissingValuesAndPositionals) {
  auto unknown = Parse({"--nope", "1"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("--nope"), std::string::npos);
  auto missing = Parse({"--port"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("--port"), std::string::npos);
  auto followed = Parse({"--port", "--threads", "2"});
  ASSERT_FALSE(followed.ok());
  EXPECT_NE(followed.error().find("--port"), std::string::npos);
  auto positional = Parse({"6379"});
  ASSERT_FALSE(positional.ok());
  EXPECT_NE(positional.error().find("6379"), std::string::npos);
  // Compatibility-only CONFIG entries are not flags.
  EXPECT_FALSE(Parse({"--save", ""}).ok());
  // Only --bind takes several values.
  EXPECT_FALSE(Parse({"--port", "1", "2"}).ok());
}

TEST(ParseCommandLineTest, BindAcceptsWildcardsAndOptionalAddresses) {
  auto cl = Parse({"--bind", "*", "-::1", "::*"});
  ASSERT_TRUE(cl.ok()) << cl.error();
  EXPECT_EQ(cl->config.bind, "* -::1 ::*");
}

TEST(SetConfigValueTest, RuntimeChangesRoundTripThroughConfigPairs) {
  Config config;
  ASSERT_TRUE(SetConfigValue(config, "maxmemory", "10mb", false).ok());
  ASSERT_TRUE(SetConfigValue(config, "MAXCLIENTS", "77", false).ok());
  ASSERT_TRUE(SetConfigValue(config, "timeout", "9", false).ok());
  ASSERT_TRUE(SetConfigValue(config, "requirepass", "pw", false).ok());
  ASSERT_TRUE(SetConfigValue(config, "loglevel", "WARNING", false).ok());
  ASSERT_TRUE(SetConfigValue(config, "proto-max-bulk-len", "1048576", false).ok());
  ASSERT_TRUE(SetConfigValue(config, "client-query-buffer-limit", "2mb", false).ok());
  ASSERT_TRUE(SetConfigValue(config, "debug-command-delay-us", "3", false).ok());
  auto pairs = PairsOf(config);
  EXPECT_EQ(pairs["maxmemory"], "10485760");
  EXPECT_EQ(pairs["maxclients"], "77");
  EXPECT_EQ(pairs["timeout"], "9");
  EXPECT_EQ(pairs["requirepass"], "pw");
  EXPECT_EQ(pairs["loglevel"], "warning");
  EXPECT_EQ(pairs["proto-max-bulk-len"], "1048576");
  EXPECT_EQ(pairs["client-query-buffer-limit"], "2097152");
  EXPECT_EQ(pairs["debug-command-delay-us"], "3");

  // Every pair can be set back to the value CONFIG GET shows (at start-up, immutables included).
  Config copy;
  for (auto& [name, value] : ConfigPairs(config)) {
    EXPECT_TRUE(SetConfigValue(copy, name, value, true).ok()) << name << "=" << value;
  }
  EXPECT_EQ(PairsOf(copy), pairs);
}

TEST(SetConfigValueTest, DebugKnobsAtRunTime) {
  Config config;
  EXPECT_EQ(PairsOf(config)["debug-slowdown-command"], "");
  EXPECT_EQ(PairsOf(config)["debug-extra-work"], "0");
  ASSERT_TRUE(SetConfigValue(config, "debug-slowdown-command", "IncrBy", false).ok());
  ASSERT_TRUE(SetConfigValue(config, "debug-extra-work", "250", false).ok());
  EXPECT_EQ(config.debug_slowdown_command, "incrby");
  EXPECT_EQ(PairsOf(config)["debug-slowdown-command"], "incrby");
  EXPECT_EQ(PairsOf(config)["debug-extra-work"], "250");
  // Refused values leave the setting alone.
  for (const char* bad : {"get set", "get\r\n", "x\"", "config|get", "*"}) {
    Status s = SetConfigValue(config, "debug-slowdown-command", bad, false);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.error().find("argument must be empty or a command name"), std::string::npos);
  }
  EXPECT_FALSE(SetConfigValue(config, "debug-slowdown-command", std::string(65, 'a'), false).ok());
  EXPECT_TRUE(SetConfigValue(config, "debug-slowdown-command", std::string(64, 'a'), false).ok());
  EXPECT_FALSE(SetConfigValue(config, "debug-extra-work", "x", false).ok());
  EXPECT_EQ(config.debug_extra_work, 250);
  // Empty: every command again.
  ASSERT_TRUE(SetConfigValue(config, "debug-slowdown-command", "", false).ok());
  EXPECT_EQ(config.debug_slowdown_command, "");
}

TEST(SetConfigValueTest, BusyReplyThresholdAndItsLuaTimeLimitAlias) {
  Config config;
  EXPECT_EQ(PairsOf(config)["busy-reply-threshold"], "5000");  // Redis 7's default
  EXPECT_EQ(PairsOf(config)["lua-time-limit"], "5000");
  ASSERT_TRUE(SetConfigValue(config, "lua-time-limit", "100", false).ok());
  EXPECT_EQ(config.busy_reply_threshold_ms, 100);
  EXPECT_EQ(PairsOf(config)["busy-reply-threshold"], "100");
  ASSERT_TRUE(SetConfigValue(config, "BUSY-REPLY-THRESHOLD", "250", false).ok());
  EXPECT_EQ(PairsOf(config)["lua-time-limit"], "250");
  EXPECT_FALSE(SetConfigValue(config, "busy-reply-threshold", "-1", false).ok());
  EXPECT_FALSE(SetConfigValue(config, "busy-reply-threshold", "abc", false).ok());
  EXPECT_EQ(config.busy_reply_threshold_ms, 250);
}

// Checked against redis-server 7.0.15 (its compiled-in default for hash-max-listpack-entries is
// 512, redis.conf's 128; kv-server follows redis.conf).
TEST(SetConfigValueTest, EncodingLimitsAndTheirZiplistAliases) {
  Config config;
  auto pairs = PairsOf(config);
  EXPECT_EQ(pairs["hash-max-listpack-entries"], "128");
  EXPECT_EQ(pairs["hash-max-ziplist-entries"], "128");
  EXPECT_EQ(pairs["hash-max-listpack-value"], "64");
  EXPECT_EQ(pairs["zset-max-listpack-entries"], "128");
  EXPECT_EQ(pairs["zset-max-ziplist-value"], "64");
  EXPECT_EQ(pairs["set-max-intset-entries"], "512");
  ASSERT_TRUE(SetConfigValue(config, "hash-max-listpack-value", "1kb", false).ok());
  EXPECT_EQ(config.hash_max_listpack_value, 1024);
  EXPECT_EQ(PairsOf(config)["hash-max-ziplist-value"], "1024");
  ASSERT_TRUE(SetConfigValue(config, "zset-max-ziplist-entries", "5", false).ok());
  EXPECT_EQ(PairsOf(config)["zset-max-listpack-entries"], "5");
  ASSERT_TRUE(SetConfigValue(config, "zset-max-listpack-value", "2k", false).ok());
  EXPECT_EQ(config.zset_max_listpack_value, 2000);
  ASSERT_TRUE(SetConfigValue(config, "set-max-intset-entries", "0", false).ok());
  EXPECT_EQ(config.set_max_intset_entries, 0);
  EXPECT_EQ(SetConfigValue(config, "hash-max-listpack-entries", "1kb", false).error(),
            "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - "
            "argument couldn't be parsed into an integer");
  EXPECT_EQ(SetConfigValue(config, "hash-max-listpack-entries", "-1", false).error(),
            "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - "
            "argument must be between 0 and 9223372036854775807 inclusive");
  EXPECT_EQ(SetConfigValue(config, "hash-max-listpack-value", "x", false).error(),
            "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-value') - "
            "argument must be a memory value");
  EXPECT_EQ(config.hash_max_listpack_entries, 128);
}

TEST(SetConfigValueTest, ConfigPairsHasCompatibilityEntriesInStableOrder) {
  Config config;
  auto pairs = ConfigPairs(config);
  ASSERT_FALSE(pairs.empty());
  EXPECT_EQ(pairs.front().first, "port");
  auto map = PairsOf(config);
  EXPECT_EQ(map["save"], "");
  EXPECT_EQ(map["appendonly"], "no");
  EXPECT_EQ(map["databases"], "16");
  EXPECT_EQ(map["maxmemory-policy"], "noeviction");
  EXPECT_EQ(map["enable-debug-command"], "no");
  EXPECT_EQ(map["bind"], "127.0.0.1");
  EXPECT_EQ(map["io"], "auto");
  EXPECT_EQ(ConfigPairs(config), pairs);
}

TEST(SetConfigValueTest, ImmutableSettingsOnlyAtStartup) {
  Config config;
  for (const char* name :
       {"port", "bind", "threads", "io", "logfile", "enable-debug-command", "databases"}) {
    Status s = SetConfigValue(config, name, "1", false);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.error(), std::string("ERR CONFIG SET failed (possibly related to argument '") +
                             name + "') - can't set immutable config");
  }
  EXPECT_TRUE(SetConfigValue(config, "port", "7001", true).ok());
  EXPECT_EQ(config.port, 7001);
}

TEST(SetConfigValueTest, RedisErrorTexts) {
  Config config;
  Status unknown = SetConfigValue(config, "foo", "1", false);
  EXPECT_EQ(unknown.error(), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(SetConfigValue(config, "maxmemory", "x", false).error(),
            "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be "
            "a memory value");
  EXPECT_EQ(SetConfigValue(config, "timeout", "x", false).error(),
            "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't "
            "be parsed into an integer");
  EXPECT_EQ(SetConfigValue(config, "maxclients", "0", false).error(),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must "
            "be between 1 and 2147483647 inclusive");
  EXPECT_EQ(SetConfigValue(config, "loglevel", "x", false).error(),
            "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must "
            "be one of the following: debug, verbose, notice, warning, nothing");
  // A refused value leaves the setting alone.
  EXPECT_EQ(config.maxclients, 10000);
  EXPECT_EQ(config.maxmemory, 0);
}

TEST(SetConfigValueTest, CompatibilityEntriesAcceptTheirOnlyValue) {
  Config config;
  EXPECT_TRUE(SetConfigValue(config, "save", "", false).ok());
  EXPECT_TRUE(SetConfigValue(config, "appendonly", "no", false).ok());
  EXPECT_TRUE(SetConfigValue(config, "maxmemory-policy", "noeviction", false).ok());
  EXPECT_FALSE(SetConfigValue(config, "appendonly", "yes", false).ok());
  EXPECT_FALSE(SetConfigValue(config, "save", "900 1", false).ok());
  EXPECT_FALSE(SetConfigValue(config, "maxmemory-policy", "allkeys-lru", false).ok());
}

// Texts and format checked against redis-server 7.0.15.
TEST(SetConfigValueTest, ClientOutputBufferLimitAsRedis) {
  Config config;
  EXPECT_EQ(PairsOf(config)["client-output-buffer-limit"],
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  ASSERT_TRUE(
      SetConfigValue(config, "client-output-buffer-limit", "pubsub 1mb 512kb 10", false).ok());
  EXPECT_EQ(PairsOf(config)["client-output-buffer-limit"],
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 10");
  EXPECT_EQ(config.client_output_buffer_limit.pubsub.hard_bytes, 1048576);
  EXPECT_EQ(config.client_output_buffer_limit.pubsub.soft_bytes, 524288);
  EXPECT_EQ(config.client_output_buffer_limit.pubsub.soft_seconds, 10);
  ASSERT_TRUE(
      SetConfigValue(config, "client-output-buffer-limit", "normal 1k 2 3 replica 4 5 6", false)
          .ok());
  EXPECT_EQ(PairsOf(config)["client-output-buffer-limit"],
            "normal 1000 2 3 slave 4 5 6 pubsub 1048576 524288 10");
  const std::string prefix =
      "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
  EXPECT_EQ(SetConfigValue(config, "client-output-buffer-limit", "pubsub 1mb 0", false).error(),
            prefix + "Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(SetConfigValue(config, "client-output-buffer-limit", "foo 1 1 1", false).error(),
            prefix + "Invalid client class specified in buffer limit configuration.");
  EXPECT_EQ(SetConfigValue(config, "client-output-buffer-limit", "master 1 1 1", false).error(),
            prefix + "Invalid client class specified in buffer limit configuration.");
  for (const char* bad : {"pubsub x 1 1", "pubsub -1 0 0", "pubsub 1 1 -1", "pubsub 1 1 x"}) {
    EXPECT_EQ(SetConfigValue(config, "client-output-buffer-limit", bad, false).error(),
              prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration.")
        << bad;
  }
  // A refused value changes no class, even when an earlier group was valid.
  EXPECT_FALSE(
      SetConfigValue(config, "client-output-buffer-limit", "pubsub 9 9 9 foo 1 1 1", false).ok());
  EXPECT_EQ(config.client_output_buffer_limit.pubsub.hard_bytes, 1048576);
  auto cl = ParseCommandLine(
      3, std::array<const char*, 3>{"kv-server", "--client-output-buffer-limit", "pubsub 64kb 0 0"}
             .data());
  ASSERT_TRUE(cl.ok()) << cl.error();
  EXPECT_EQ(cl->config.client_output_buffer_limit.pubsub.hard_bytes, 65536);
  EXPECT_EQ(cl->config.client_output_buffer_limit.pubsub.soft_bytes, 0);
}

}  // namespace
}  // namespace kv::server
