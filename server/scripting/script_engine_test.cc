// ScriptEngine pieces that need no command table: SHA1 (must agree with Redis's sha1hex) and the
// script cache.
#include "server/scripting/script_engine.h"

#include <gtest/gtest.h>

#include "server/commands/command_test_util.h"

namespace kv::server {
namespace {

TEST(ScriptSha1Test, AgreesWithRedis) {
  // redis-cli EVAL "return redis.sha1hex(ARGV[1])" 0 <text> on redis-server 7.0.15.
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1Hex("3"), "77de68daecd823babbb58edb1c8e14d7106e83bb");
  EXPECT_EQ(Sha1Hex("return 1"), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(Sha1Hex("return x"), "03c387736bb5cc009ff35151572cee04677aa374");
}

TEST(ScriptCacheTest, LoadExistsFlush) {
  testing::Harness h;
  ServerState state(&h.config, &h.control);
  ScriptEngine engine(&state);
  auto sha = engine.Load("return 1");
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(*sha, "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_TRUE(engine.Exists("E0E1F9FABFC9D4800C877A703B823AC0578FF8DB"));
  EXPECT_FALSE(engine.Exists("ffffffffffffffffffffffffffffffffffffffff"));
  auto bad = engine.Load("return 1 +");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(),
            "ERR Error compiling script (new function): user_script:1: unexpected symbol near "
            "'<eof>'");
  EXPECT_EQ(engine.cached_scripts(), 1u);
  engine.Flush();
  EXPECT_EQ(engine.cached_scripts(), 0u);
  EXPECT_FALSE(engine.Exists(*sha));
}

TEST(ScriptBusyResponderTest, AnswersBusyKillAndShutdown) {
  testing::Harness h;
  ServerState state(&h.config, &h.control);
  ScriptEngine engine(&state);
  auto respond = [&](std::vector<std::string_view> args) {
    std::string out;
    engine.Respond(args, 2, &out);
    return out;
  };
  EXPECT_EQ(respond({"GET", "k"}), testing::Err(kErrBusy));
  EXPECT_EQ(respond({"script", "KILL"}), testing::Err(kErrNotBusy));  // nothing runs
  EXPECT_EQ(respond({"SHUTDOWN", "nosave"}), "");                     // no reply: the server exits
  EXPECT_EQ(respond({"SHUTDOWN"}), testing::Err(kErrBusy));
}

}  // namespace
}  // namespace kv::server
