// EVAL/EVALSHA/EVAL_RO/SCRIPT in process: conversions both ways, the sandbox, every error text and
// the busy path through FakeControl. Expected replies were checked against redis-server 7.0.15.
#include <gtest/gtest.h>

#include <cctype>

#include "server/commands/command_test_util.h"
#include "server/scripting/script_engine.h"

namespace kv::server {
namespace {

using testing::Array;
using testing::Bulk;
using testing::Err;
using testing::Harness;
using testing::Int;
using testing::kNil;
using testing::kOK;
using testing::Simple;

std::string Eval(Harness& h, const std::string& script, std::vector<std::string> rest = {"0"}) {
  std::vector<std::string> args = {"EVAL", script};
  args.insert(args.end(), rest.begin(), rest.end());
  return h.Run(args);
}

// "-<text> script: <sha>, on @user_script:1.\r\n": a script error raised on line 1.
std::string ScriptErr(const std::string& script, const std::string& text) {
  return Err(text + " script: " + Sha1Hex(script) + ", on @user_script:1.");
}

TEST(ScriptingTest, LuaToRedisConversions) {
  Harness h;
  EXPECT_EQ(Eval(h, "return 3.99"), Int(3));
  EXPECT_EQ(Eval(h, "return -3.99"), Int(-3));
  // Out of int64's range, NaN and infinities: INT64_MIN, as redis-server 7.0.15 on x86-64.
  for (const char* script : {"return 4444444444444444444444444444443", "return -1e30", "return 0/0",
                             "return 1/0", "return {1/0}"}) {
    const std::string want = std::string(script) == "return {1/0}"
                                 ? "*1\r\n:-9223372036854775808\r\n"
                                 : ":-9223372036854775808\r\n";
    EXPECT_EQ(Eval(h, script), want) << script;
  }
  EXPECT_EQ(Eval(h, "return 'x'"), Bulk("x"));
  EXPECT_EQ(Eval(h, "return true"), Int(1));
  EXPECT_EQ(Eval(h, "return false"), kNil);
  EXPECT_EQ(Eval(h, "return nil"), kNil);
  EXPECT_EQ(Eval(h, "return {1,2,3,nil,4}"), Array({Int(1), Int(2), Int(3)}));
  EXPECT_EQ(Eval(h, "return {ok='fine'}"), Simple("fine"));
  EXPECT_EQ(Eval(h, "return {err='My Error'}"), Err("My Error"));
  EXPECT_EQ(Eval(h, "return {foo='bar'}"), Array({}));
  EXPECT_EQ(
      Eval(h, "return {1, 'a', {err='e'}, {ok='s'}, {2, {3}}, false}"),
      Array({Int(1), Bulk("a"), Err("e"), Simple("s"), Array({Int(2), Array({Int(3)})}), kNil}));
  EXPECT_EQ(Eval(h, "return redis.status_reply('ST')"), Simple("ST"));
  EXPECT_EQ(Eval(h, "return redis.status_reply()"), Err("ERR wrong number or type of arguments"));
  EXPECT_EQ(Eval(h, "return redis.error_reply('oops')"), Err("ERR oops"));
  EXPECT_EQ(Eval(h, "return redis.error_reply('-oops x')"), Err("oops x"));
  EXPECT_EQ(Eval(h, "return redis.error_reply('My Error')"), Err("My Error"));
  EXPECT_EQ(Eval(h, "return redis.error_reply('')"), Err("ERR "));
}

TEST(ScriptingTest, RedisToLuaConversions) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "s", "str"}), kOK);
  EXPECT_EQ(Eval(h, "return type(redis.call('incr', 'n'))"), Bulk("number"));
  EXPECT_EQ(Eval(h, "return redis.call('get', 's')"), Bulk("str"));
  EXPECT_EQ(Eval(h, "return redis.call('get', 'nokey') == false"), Int(1));
  EXPECT_EQ(Eval(h, "return redis.call('ping').ok"), Bulk("PONG"));
  EXPECT_EQ(Eval(h, "return redis.pcall('incr', 's').err"),
            Bulk("ERR value is not an integer or out of range"));
  EXPECT_EQ(Eval(h, "local r = redis.call('mget', 's', 'nokey') return {r[1], type(r[2])}"),
            Array({Bulk("str"), Bulk("boolean")}));
  // Numbers become their Lua text.
  EXPECT_EQ(Eval(h, "redis.call('set', 'k', 3.5) return redis.call('get', 'k')"), Bulk("3.5"));
  // Redis 7's pcall turns an error table into its message.
  EXPECT_EQ(Eval(h, "local ok, e = pcall(redis.call, 'incr', 's') return {type(e), e}"),
            Array({Bulk("string"), Bulk("ERR value is not an integer or out of range")}));
}

TEST(ScriptingTest, KeysArgvAndNumkeysErrors) {
  Harness h;
  EXPECT_EQ(Eval(h, "return {KEYS[1], KEYS[2], ARGV[1], #ARGV}", {"2", "a", "b", "c"}),
            Array({Bulk("a"), Bulk("b"), Bulk("c"), Int(1)}));
  EXPECT_EQ(Eval(h, "return #KEYS", {"0"}), Int(0));
  EXPECT_EQ(Eval(h, "return 1", {"-1"}), Err("ERR Number of keys can't be negative"));
  EXPECT_EQ(Eval(h, "return 1", {"2", "a"}),
            Err("ERR Number of keys can't be greater than number of args"));
  EXPECT_EQ(Eval(h, "return 1", {"x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(h.Run({"EVAL", "return 1"}), Err("ERR wrong number of arguments for 'eval' command"));
}

TEST(ScriptingTest, ScriptErrors) {
  Harness h;
  EXPECT_EQ(h.Run({"SET", "s", "str"}), kOK);
  const auto check = [&](const std::string& script, const std::string& text) {
    EXPECT_EQ(Eval(h, script), ScriptErr(script, text)) << script;
  };
  check("return redis.call('nosuch')", "ERR Unknown Redis command called from script");
  check("return redis.call('get')", "ERR Wrong number of args calling Redis command from script");
  check("return redis.call('eval', 'return 1', 0)",
        "ERR This Redis command is not allowed from script");
  check("return redis.call('incr', 's')", "ERR value is not an integer or out of range");
  check("return redis.call()", "ERR Please specify at least one argument for this redis lib call");
  check("return redis.call('set', 'k', {})",
        "ERR Lua redis lib command arguments must be strings or integers");
  check("error('boom')", "ERR user_script:1: boom");
  check("error()", "ERR nil");
  check("error(3)", "ERR user_script:1: 3");
  check("error({err='My Error'})", "My Error");
  check("redis.setresp(4)", "ERR RESP version must be 2 or 3.");
  check("return redis.sha1hex()", "ERR wrong number of arguments");
  check("return redis.log()", "ERR redis.log() requires two arguments or more.");
  check("return redis.log(9, 'x')", "ERR Invalid debug level.");
  EXPECT_EQ(Eval(h, "return redis.pcall('nosuch')"),
            Err("ERR Unknown Redis command called from script"));
  EXPECT_EQ(Eval(h, "return 'x"),
            Err("ERR Error compiling script (new function): user_script:1: unfinished string "
                "near '<eof>'"));
  // The script that failed did not break the interpreter.
  EXPECT_EQ(Eval(h, "return 1"), Int(1));
}

TEST(ScriptingTest, ReadOnlyScripts) {
  Harness h;
  const std::string write = "return redis.call('set', 'a', 'b')";
  EXPECT_EQ(h.Run({"EVAL_RO", write, "0"}),
            ScriptErr(write, "ERR Write commands are not allowed from read-only scripts."));
  EXPECT_EQ(h.Run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(h.Run({"SET", "a", "v"}), kOK);
  EXPECT_EQ(h.Run({"EVAL_RO", "return redis.call('get', KEYS[1])", "1", "a"}), Bulk("v"));
  EXPECT_EQ(h.Run({"SCRIPT", "LOAD", write}), Bulk(Sha1Hex(write)));
  EXPECT_EQ(h.Run({"EVALSHA_RO", Sha1Hex(write), "0"}),
            ScriptErr(write, "ERR Write commands are not allowed from read-only scripts."));
  EXPECT_EQ(h.Run({"EVALSHA", Sha1Hex(write), "0"}), kOK);
}

TEST(ScriptingTest, Sandbox) {
  Harness h;
  const auto check = [&](const std::string& script, const std::string& text) {
    EXPECT_EQ(Eval(h, script), ScriptErr(script, text)) << script;
  };
  for (const char* name : {"os", "io", "dofile", "loadfile", "print", "require", "debug", "getfenv",
                           "setfenv", "newproxy", "y"}) {
    check(std::string("return ") + name,
          std::string("ERR user_script:1: Script attempted to access nonexistent global "
                      "variable '") +
              name + "'");
  }
  check("x = 1", "ERR user_script:1: Attempt to modify a readonly table");
  check("redis = 1", "ERR user_script:1: Attempt to modify a readonly table");
  EXPECT_EQ(Eval(h, "return type(redis.call)"), Bulk("function"));  // still there
  EXPECT_EQ(Eval(h,
                 "return {type(cjson), type(bit), type(string), type(math), type(table), "
                 "type(loadstring), type(coroutine)}"),
            Array({Bulk("table"), Bulk("table"), Bulk("table"), Bulk("table"), Bulk("table"),
                   Bulk("function"), Bulk("table")}));
  EXPECT_EQ(Eval(h, "return cjson.encode({a=1})"), Bulk("{\"a\":1}"));
  EXPECT_EQ(Eval(h, "return cjson.decode('[1,2]')[2]"), Int(2));
  EXPECT_EQ(Eval(h, "return bit.band(7, 3)"), Int(3));
  EXPECT_EQ(Eval(h, "return redis.sha1hex('')"), Bulk("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
  EXPECT_EQ(Eval(h, "local x = 5 return x"), Int(5));  // locals are fine
}

TEST(ScriptingTest, DeeplyNestedTableIsBounded) {
  Harness h;
  // Redis 7.0.15 answers 1000 levels in full, and at ~8000 ends the chain with an error element.
  const std::string shallow =
      "local t = {} local c = t for i=1,1000 do c[1] = {} c = c[1] end return t";
  std::string expected;
  for (int i = 0; i < 1000; ++i) expected += "*1\r\n";
  expected += "*0\r\n";
  EXPECT_EQ(Eval(h, shallow), expected);
  const std::string deep =
      "local t = {} local c = t for i=1,100000 do c[1] = {} c = c[1] end return t";
  const std::string reply = Eval(h, deep);
  const std::string tail = "-ERR reached lua stack limit\r\n";
  ASSERT_GT(reply.size(), tail.size());
  EXPECT_EQ(reply.substr(reply.size() - tail.size()), tail);
  EXPECT_LT(reply.size(), 100000u);
}

TEST(ScriptingTest, EvalShaAndScriptSubcommands) {
  Harness h;
  const std::string sha = Sha1Hex("return 1");
  EXPECT_EQ(h.Run({"EVALSHA", sha, "0"}), Err("NOSCRIPT No matching script. Please use EVAL."));
  EXPECT_EQ(h.Run({"EVALSHA", "abc", "0"}), Err("NOSCRIPT No matching script. Please use EVAL."));
  EXPECT_EQ(h.Run({"SCRIPT", "LOAD", "return 1"}), Bulk(sha));
  EXPECT_EQ(h.Run({"EVALSHA", sha, "0"}), Int(1));
  std::string upper = sha;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(h.Run({"EVALSHA", upper, "0"}), Int(1));
  EXPECT_EQ(h.Run({"SCRIPT", "EXISTS", sha, "ffffffffffffffffffffffffffffffffffffffff", upper}),
            Array({Int(1), Int(0), Int(1)}));
  // EVAL caches too.
  EXPECT_EQ(Eval(h, "return 2"), Int(2));
  EXPECT_EQ(h.Run({"EVALSHA", Sha1Hex("return 2"), "0"}), Int(2));
  EXPECT_EQ(h.Run({"SCRIPT", "LOAD", "return 1 +"}),
            Err("ERR Error compiling script (new function): user_script:1: unexpected symbol "
                "near '<eof>'"));
  EXPECT_EQ(h.Run({"SCRIPT", "FLUSH", "foo"}),
            Err("ERR SCRIPT FLUSH only support SYNC|ASYNC option"));
  EXPECT_EQ(h.Run({"SCRIPT", "FLUSH", "async", "sync"}),
            Err("ERR SCRIPT FLUSH only support SYNC|ASYNC option"));
  EXPECT_EQ(h.Run({"SCRIPT", "FLUSH", "ASYNC"}), kOK);
  EXPECT_EQ(h.Run({"SCRIPT", "EXISTS", sha}), Array({Int(0)}));
  EXPECT_EQ(h.Run({"SCRIPT", "LOAD", "return 1"}), Bulk(sha));
  EXPECT_EQ(h.Run({"SCRIPT", "FLUSH"}), kOK);
  EXPECT_EQ(h.Run({"EVALSHA", sha, "0"}), Err("NOSCRIPT No matching script. Please use EVAL."));
  EXPECT_EQ(h.Run({"SCRIPT", "KILL"}), Err("NOTBUSY No scripts in execution right now."));
  EXPECT_EQ(h.Run({"SCRIPT", "EXISTS"}),
            Err("ERR wrong number of arguments for 'script|exists' command"));
  EXPECT_EQ(h.Run({"SCRIPT", "LOAD"}),
            Err("ERR wrong number of arguments for 'script|load' command"));
  EXPECT_EQ(h.Run({"SCRIPT", "foo"}), Err("ERR unknown subcommand 'foo'. Try SCRIPT HELP."));
  const std::string help = h.Run({"SCRIPT", "HELP"});
  EXPECT_EQ(help.substr(0, 5), "*15\r\n");
  EXPECT_NE(help.find("+LOAD <script>\r\n"), std::string::npos);
}

TEST(ScriptingTest, ScriptSessionSharesTheCallersDatabase) {
  Harness h;
  EXPECT_EQ(h.Run({"SELECT", "3"}), kOK);
  EXPECT_EQ(Eval(h, "return redis.call('set', 'k', 'v')"), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
  // SELECT inside a script does not change the caller's database (Redis 7).
  EXPECT_EQ(Eval(h, "redis.call('select', '5') return redis.call('set', 'k', 'five')"), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(h.Run({"SELECT", "5"}), kOK);
  EXPECT_EQ(h.Run({"GET", "k"}), Bulk("five"));
}

TEST(ScriptingTest, RedisLogWritesTheServerLog) {
  Harness h;
  EXPECT_EQ(Eval(h, "return redis.log(redis.LOG_WARNING, 'hi', 'there')"), kNil);
  EXPECT_EQ(Eval(h, "redis.log(redis.LOG_DEBUG, 'dbg') return 1"), Int(1));
  EXPECT_EQ(h.control.log, (std::vector<std::string>{"3 hi there", "0 dbg"}));
  EXPECT_EQ(Eval(h,
                 "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, "
                 "redis.LOG_WARNING}"),
            Array({Int(0), Int(1), Int(2), Int(3)}));
}

TEST(ScriptingTest, RedisPyLockReleaseScript) {
  // redis-py 4.3's Lock.LUA_RELEASE_SCRIPT.
  const std::string release = R"(
        local token = redis.call('get', KEYS[1])
        if not token or token ~= ARGV[1] then
            return 0
        end
        redis.call('del', KEYS[1])
        return 1
    )";
  Harness h;
  const std::string sha = Sha1Hex(release);
  EXPECT_EQ(h.Run({"SCRIPT", "LOAD", release}), Bulk(sha));
  EXPECT_EQ(h.Run({"SET", "lock", "tok", "NX", "PX", "10000"}), kOK);
  EXPECT_EQ(h.Run({"EVALSHA", sha, "1", "lock", "other"}), Int(0));
  EXPECT_EQ(h.Run({"EXISTS", "lock"}), Int(1));
  EXPECT_EQ(h.Run({"EVALSHA", sha, "1", "lock", "tok"}), Int(1));
  EXPECT_EQ(h.Run({"EXISTS", "lock"}), Int(0));
}

TEST(ScriptingTest, BusyScriptKilledThroughTheResponder) {
  Harness h;
  h.config.busy_reply_threshold_ms = 0;
  h.control.busy_requests = {{"GET", "k"}, {"SCRIPT", "KILL"}};
  const std::string loop = "while true do end";
  EXPECT_EQ(Eval(h, loop), ScriptErr(loop, "ERR Script killed by user with SCRIPT KILL..."));
  EXPECT_EQ(h.control.busy_replies, (std::vector<std::string>{Err(std::string(kErrBusy)), kOK}));
  EXPECT_GE(h.control.serve_busy_calls, 1);
  EXPECT_EQ(h.control.end_busy_calls, 1);
  // A pcall in the script cannot swallow the kill.
  h.control.busy_requests = {{"SCRIPT", "KILL"}};
  const std::string guarded = "while true do pcall(function() while true do end end) end";
  EXPECT_EQ(Eval(h, guarded), ScriptErr(guarded, "ERR Script killed by user with SCRIPT KILL..."));
  EXPECT_EQ(Eval(h, "return 1"), Int(1));  // nothing left busy
}

TEST(ScriptingTest, BusyScriptThatWroteIsUnkillable) {
  Harness h;
  h.config.busy_reply_threshold_ms = 0;
  h.control.busy_requests = {{"SCRIPT", "KILL"}};
  // The second ServeBusy ends the script the only other way: SHUTDOWN NOSAVE.
  int calls = 0;
  h.control.on_serve_busy = [&] {
    if (++calls == 2) h.control.busy_requests = {{"SHUTDOWN", "NOSAVE"}};
  };
  const std::string script = "redis.call('set', 'w', '1') while true do end";
  EXPECT_EQ(Eval(h, script), ScriptErr(script, "ERR Script killed by user with SCRIPT KILL..."));
  ASSERT_GE(h.control.busy_replies.size(), 2u);
  EXPECT_EQ(h.control.busy_replies[0], Err(std::string(kErrUnkillable)));
  EXPECT_EQ(h.control.busy_replies[1], "");  // SHUTDOWN NOSAVE: no reply
  EXPECT_TRUE(h.control.shutdown_requested);
  EXPECT_EQ(h.Run({"GET", "w"}), Bulk("1"));
}

TEST(ScriptingTest, FastScriptsNeverGoBusy) {
  Harness h;
  EXPECT_EQ(Eval(h, "local n = 0 for i = 1, 300000 do n = n + 1 end return n"), Int(300000));
  EXPECT_EQ(h.control.serve_busy_calls, 0);
  EXPECT_EQ(h.control.end_busy_calls, 0);
}

}  // namespace
}  // namespace kv::server
